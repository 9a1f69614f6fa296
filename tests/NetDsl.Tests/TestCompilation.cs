using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;

namespace NetDsl.Tests;

/// <summary>Compiles sources against NetDsl and TorchSharp, runs the generator and the analyzer.</summary>
internal static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Contains("Microsoft.NETCore.App", StringComparison.Ordinal)).ToList();
        paths.Add(typeof(NetDsl.Shape).Assembly.Location);
        paths.Add(typeof(TorchSharp.torch).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Create(params (string Path, string Source)[] files) =>
        CSharpCompilation.Create("TestModels",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Source, ParseOptions, f.Path)),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A program (top-level statements allowed) that may also use the given assemblies, e.g. the samples.</summary>
    public static CSharpCompilation CreateProgram(string source, params System.Reflection.Assembly[] extra) =>
        CSharpCompilation.Create("TestProgram",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, "Program.cs") },
            References.Value.AddRange(extra.Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpCompilation Create(string source) => Create(("Model.cs", source));

    /// <summary>Runs the generator; returns the output compilation and the generated files.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result) Generate(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetDslGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult());
    }

    /// <summary>NetDsl's diagnostics from the analyzer, run on the compilation that includes the generated code.</summary>
    public static ImmutableArray<Diagnostic> Analyze(string source)
    {
        var (output, _) = Generate(Create(source));
        return AnalyzerDiagnostics(output);
    }

    public static ImmutableArray<Diagnostic> AnalyzerDiagnostics(Compilation compilation) =>
        compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetDslAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result;

    /// <summary>The sample model sources, as the user wrote them.</summary>
    public static (string Path, string Source)[] SampleModels([CallerFilePath] string here = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "samples", "NetDsl.Samples.Models");
        return Directory.GetFiles(folder, "*.cs").OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => ("samples/" + Path.GetFileName(p), File.ReadAllText(p))).ToArray();
    }
}
