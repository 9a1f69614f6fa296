using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;

namespace NetDsl.Tests;

/// <summary>
/// One source through the generator and the analyzer, in process, with everything the robustness properties need:
/// the errors of the user's code alone, those after generation, NetDsl's diagnostics, and any exception or
/// generator/analyzer failure.
/// </summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(CSharpCompilation input, Compilation output, GeneratorDriverRunResult result, ImmutableArray<Diagnostic> driverDiagnostics,
        ImmutableArray<Diagnostic> analyzerDiagnostics, IReadOnlyList<Exception> analyzerExceptions)
    {
        Input = input;
        Output = output;
        Result = result;
        DriverDiagnostics = driverDiagnostics;
        AnalyzerDiagnostics = analyzerDiagnostics;
        AnalyzerExceptions = analyzerExceptions;
        UserErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        OutputErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    public CSharpCompilation Input { get; }

    /// <summary>The same inference result with its first layer turned into a kind no stage knows, to make the emitter fail.</summary>
    public static NetDsl.Generators.Shapes.InferenceResult WithUnknownKind(NetDsl.Generators.Shapes.InferenceResult inference)
    {
        var body = inference.Network!.Body;
        var nodes = body.Nodes.ToArray();
        nodes[0] = nodes[0] with { Kind = "NoSuchKind" };
        return inference with { Network = inference.Network with { Body = body with { Nodes = NetDsl.Generators.Model.EquatableArray.ToEquatableArray(nodes) } } };
    }

    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    /// <summary>What the analyzer reports (NetDsl's diagnostics, and AD0001 if it crashed).</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics { get; }

    public IReadOnlyList<Exception> AnalyzerExceptions { get; }

    /// <summary>C# errors of the user's code without any generated file.</summary>
    public ImmutableArray<Diagnostic> UserErrors { get; }

    /// <summary>C# errors of the compilation with the generated files.</summary>
    public ImmutableArray<Diagnostic> OutputErrors { get; }

    public IEnumerable<Diagnostic> NetDslErrors => AnalyzerDiagnostics.Where(d => d.Id.StartsWith("ND", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<GeneratedSourceResult> GeneratedSources => Result.Results.SelectMany(r => r.GeneratedSources);

    public static GeneratorRun Of(params (string Path, string Source)[] files) => Of(TestCompilation.Create(files));

    public static GeneratorRun Of(string source) => Of(TestCompilation.Create(source));

    public static GeneratorRun Of(CSharpCompilation input)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, _, _) => { lock (exceptions) { exceptions.Add(e); } }, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var analyzed = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetDslAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result;
        return new GeneratorRun(input, output, driver.GetRunResult(), driverDiagnostics, analyzed, exceptions);
    }

    /// <summary>
    /// Violations of what must hold for any source: nothing crashes; the generator adds no C# error; with no ND
    /// error and valid user code, everything compiles; a stub is always explained by an error.
    /// </summary>
    public IEnumerable<string> Violations()
    {
        foreach (var result in Result.Results.Where(r => r.Exception is not null))
        {
            yield return "the generator threw: " + result.Exception;
        }
        foreach (var d in DriverDiagnostics.Concat(Result.Diagnostics).Where(d => d.Id is "CS8785" or "ND0099"))
        {
            yield return "generator diagnostic: " + d;
        }
        foreach (var e in AnalyzerExceptions)
        {
            yield return "the analyzer threw: " + e;
        }
        foreach (var d in AnalyzerDiagnostics.Where(d => d.Id is "AD0001" or "ND0099"))
        {
            yield return "analyzer diagnostic: " + d;
        }
        var user = new HashSet<string>(UserErrors.Select(Key));
        foreach (var d in OutputErrors)
        {
            if (d.Location.SourceTree is { } tree && Generated(tree))
            {
                yield return "an error in generated code: " + d;
            }
            else if (!user.Contains(Key(d)))
            {
                yield return "generation added an error to user code: " + d;
            }
        }
        // Users build with warnings as errors (CI here does): a warning in generated code breaks their build too.
        foreach (var d in Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && Generated(tree)))
        {
            yield return "a warning in generated code: " + d;
        }
        var explained = NetDslErrors.Any() || UserErrors.Length > 0;
        foreach (var source in GeneratedSources.Where(s => s.SourceText.ToString().Contains("has NetDsl errors", StringComparison.Ordinal)))
        {
            if (!explained)
            {
                yield return $"{source.HintName} is a stub, but no error says why";
            }
        }
    }

    private static bool Generated(SyntaxTree tree) => tree.FilePath.Replace('\\', '/').Contains("NetDslGenerator/", StringComparison.Ordinal);

    private static string Key(Diagnostic d) => d.Id + "@" + d.Location.SourceTree?.FilePath + ":" + d.Location.SourceSpan;

    /// <summary>Emits the output compilation and loads it (collectibly; TorchSharp and NetDsl come from the test's own context).</summary>
    public LoadedAssembly Load()
    {
        using var stream = new MemoryStream();
        var emitted = Output.Emit(stream);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("emit failed: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        stream.Position = 0;
        return new LoadedAssembly(stream);
    }
}

/// <summary>A compiled test assembly, unloaded on dispose.</summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext context = new("netdsl-generated", isCollectible: true);

    public LoadedAssembly(Stream image) => Assembly = context.LoadFromStream(image);

    public Assembly Assembly { get; }

    public Type Type(string fullName) => Assembly.GetType(fullName, throwOnError: true)!;

    public void Dispose() => context.Unload();
}
