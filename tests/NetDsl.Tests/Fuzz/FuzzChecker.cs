using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;

namespace NetDsl.Tests.Fuzz;

internal static class FuzzProperties
{
    public const string FuzzerConsistent = "fuzzer-consistent";
    public const string NoException = "no-exception";
    public const string NoGeneratorException = "no-generator-exception";
    public const string NoAnalyzerException = "no-AD0001";
    public const string NoInternalError = "no-ND0099";
    public const string GeneratorAddsNoError = "generator-adds-no-error";
    public const string CleanWithoutErrors = "clean-when-no-errors";
    public const string StubHasCause = "stub-implies-error";
    public const string ValidAccepted = "valid-accepted";
    public const string ValidCompiles = "valid-compiles";
    public const string NetworkGenerated = "network-generated";
    public const string ConstantsNonNegative = "constants-non-negative";
    public const string OracleConstants = "oracle-constants";
    public const string ExpectedOutcome = "expected-outcome";

    public const string RuntimeEmit = "runtime-emit";
    public const string RuntimeException = "runtime-exception";
    public const string RuntimeOutputShape = "runtime-output-shape";
    public const string RuntimeParameters = "runtime-parameter-count";
    public const string RuntimeStatistics = "runtime-running-statistics";
    public const string RuntimeModules = "runtime-module-names";
    public const string RuntimeRegularization = "runtime-regularization";
    public const string RuntimeBatchNorm = "runtime-batchnorm-settings";
    public const string RuntimeDropout = "runtime-dropout-rate";
    public const string RuntimeOnnx = "runtime-onnx-equals-eval";

    public static readonly string[] CompileTime =
    {
        FuzzerConsistent, NoException, NoGeneratorException, NoAnalyzerException, NoInternalError, GeneratorAddsNoError, CleanWithoutErrors,
        StubHasCause, ValidAccepted, ValidCompiles, NetworkGenerated, ConstantsNonNegative, OracleConstants, ExpectedOutcome,
    };

    public static readonly string[] Runtime =
    {
        RuntimeEmit, RuntimeException, RuntimeOutputShape, RuntimeParameters, RuntimeStatistics, RuntimeModules, RuntimeRegularization, RuntimeBatchNorm,
        RuntimeDropout, RuntimeOnnx,
    };
}

internal sealed record FuzzViolation(string Property, FuzzSource Source, string Detail);

/// <summary>What happened to one source: its ND errors, whether it compiled, and every property it broke.</summary>
internal sealed class FuzzOutcome
{
    public FuzzOutcome(FuzzSource source) => Source = source;

    public FuzzSource Source { get; }

    public List<FuzzViolation> Violations { get; } = new();

    public SortedSet<string> NdErrors { get; } = new(StringComparer.Ordinal);

    public List<(string Id, string Message)> NdMessages { get; } = new();

    /// <summary>The ND warnings NetDsl gave (they do not make a source invalid).</summary>
    public SortedSet<string> NdWarnings { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether NetDsl gave the source's expected outcome; null where it has none (or the check did not get that far).</summary>
    public bool? ExpectationMet { get; set; }

    /// <summary>The user-only compilation has errors (only compiled where a property needs it).</summary>
    public bool UserErrors { get; set; }

    public bool OutputCompiles { get; set; }

    public bool Accepted => NdErrors.Count == 0;

    public Compilation? Output { get; set; }

    public void Violate(string property, string detail) => Violations.Add(new FuzzViolation(property, Source, detail));

    public static FuzzOutcome FuzzerFailure(int seed, string? only, Exception e)
    {
        var source = new FuzzSource(seed, only ?? "unknown", "the fuzzer failed to build this case", false, null, false, Array.Empty<(string, string)>(), Array.Empty<FuzzExpectation>());
        var outcome = new FuzzOutcome(source);
        outcome.Violate(FuzzProperties.FuzzerConsistent, e.ToString());
        return outcome;
    }
}

/// <summary>Compiles one source, runs NetDsl's generator and analyzer on it, and checks the compile-time properties.</summary>
internal static class FuzzChecker
{
    public const string StubMarker = "has NetDsl errors";
    private const int DiagnosticsShown = 6;

    private static string Key(Diagnostic d) => d.Id + "|" + (d.Location.SourceTree?.FilePath ?? string.Empty) + "|" + d.Location.SourceSpan;

    public static string Show(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        var where = d.Location.SourceTree is null ? "(no location)" : $"{System.IO.Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
        return $"{where}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string Show(IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        var shown = list.Take(DiagnosticsShown).Select(Show).ToList();
        if (list.Count > DiagnosticsShown)
        {
            shown.Add($"… and {list.Count - DiagnosticsShown} more");
        }
        return string.Join("\n", shown);
    }

    public static FuzzOutcome Check(FuzzSource source, bool keepOutput)
    {
        var outcome = new FuzzOutcome(source);
        var stage = "parse";
        try
        {
            var input = TestCompilation.Create(source.Files);
            // Compiling the user-only sources is a sizeable part of a case, so it happens only where a property needs it.
            List<Diagnostic>? userOnly = null;
            List<Diagnostic> UserErrors()
            {
                if (userOnly is null)
                {
                    var previous = stage;
                    stage = "user-only diagnostics";
                    userOnly = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    outcome.UserErrors = userOnly.Count > 0;
                    stage = previous;
                }
                return userOnly;
            }

            stage = "generator";
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetDslGenerator().AsSourceGenerator() }, parseOptions: TestCompilation.ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult();
            foreach (var result in run.Results.Where(r => r.Exception is not null))
            {
                outcome.Violate(FuzzProperties.NoGeneratorException, result.Exception!.ToString());
            }
            var fromGenerator = generatorDiagnostics.Concat(run.Diagnostics).GroupBy(Key).Select(g => g.First()).ToList();
            var crashes = fromGenerator.Where(d => d.Id == "CS8785").ToList();
            if (crashes.Count > 0)
            {
                outcome.Violate(FuzzProperties.NoGeneratorException, Show(crashes));
            }
            var generatorInternal = fromGenerator.Where(d => d.Id == "ND0099").ToList();
            if (generatorInternal.Count > 0)
            {
                outcome.Violate(FuzzProperties.NoInternalError, "from the generator:\n" + Show(generatorInternal));
            }

            stage = "analyzer";
            var exceptions = new ConcurrentQueue<string>();
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (e, _, _) => exceptions.Enqueue(e.ToString()), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            var withAnalyzers = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetDslAnalyzer()), options);
            var all = withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult();
            var fromAnalyzer = all.Where(d => d.Id.StartsWith("ND", StringComparison.Ordinal) || d.Id == "AD0001").ToList();
            var compiler = all.Where(d => !fromAnalyzer.Contains(d)).ToList();

            var analyzerCrashes = fromAnalyzer.Where(d => d.Id == "AD0001").ToList();
            if (!exceptions.IsEmpty || analyzerCrashes.Count > 0)
            {
                outcome.Violate(FuzzProperties.NoAnalyzerException, string.Join("\n", exceptions.Take(3)) + Show(analyzerCrashes));
            }
            var analyzerInternal = fromAnalyzer.Where(d => d.Id == "ND0099").ToList();
            if (analyzerInternal.Count > 0)
            {
                outcome.Violate(FuzzProperties.NoInternalError, "from the analyzer:\n" + Show(analyzerInternal));
            }
            var ndErrors = fromAnalyzer.Concat(fromGenerator)
                .Where(d => d.Id.StartsWith("ND", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
            foreach (var d in ndErrors)
            {
                outcome.NdErrors.Add(d.Id);
                outcome.NdMessages.Add((d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
            }
            foreach (var d in fromAnalyzer.Concat(fromGenerator).Where(d => d.Id.StartsWith("ND", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Warning))
            {
                outcome.NdWarnings.Add(d.Id);
            }

            stage = "properties";
            var generatedTrees = new HashSet<SyntaxTree>(output.SyntaxTrees.Except(input.SyntaxTrees));
            var outputErrors = compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            outcome.OutputCompiles = outputErrors.Count == 0;
            var inGenerated = outputErrors.Where(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToList();
            var inUser = outputErrors.Where(d => !(d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))).ToList();
            var userKeys = inUser.Count == 0 ? new HashSet<string>() : new HashSet<string>(UserErrors().Select(Key), StringComparer.Ordinal);
            var newInUser = inUser.Where(d => !userKeys.Contains(Key(d))).ToList();
            if (inGenerated.Count > 0 || newInUser.Count > 0)
            {
                outcome.Violate(FuzzProperties.GeneratorAddsNoError,
                    (inGenerated.Count > 0 ? "errors in generated code:\n" + Show(inGenerated) + "\n" : string.Empty) +
                    (newInUser.Count > 0 ? "errors in user code that only appear with the generated code:\n" + Show(newInUser) + "\n" : string.Empty) +
                    GeneratedExcerpt(inGenerated));
            }
            if (ndErrors.Count == 0 && outputErrors.Count > 0 && UserErrors().Count == 0)
            {
                outcome.Violate(FuzzProperties.CleanWithoutErrors, "no ND error and no user error, yet:\n" + Show(outputErrors));
            }
            var stubs = run.Results.SelectMany(r => r.GeneratedSources).Where(s => s.SourceText.ToString().Contains(StubMarker, StringComparison.Ordinal)).Select(s => s.HintName).ToList();
            if (stubs.Count > 0 && ndErrors.Count == 0 && UserErrors().Count == 0)
            {
                outcome.Violate(FuzzProperties.StubHasCause, "stubs without any ND or C# error: " + string.Join(", ", stubs));
            }
            if (source.Valid && ndErrors.Count > 0)
            {
                outcome.Violate(FuzzProperties.ValidAccepted, "a valid network got ND errors:\n" + Show(ndErrors));
            }
            if (source.Valid && !source.UsesGeneratedMembers && UserErrors().Count > 0)
            {
                outcome.Violate(FuzzProperties.ValidCompiles, "the fuzzer's source does not compile on its own:\n" + Show(UserErrors()));
            }
            else if (source.Valid && outputErrors.Count > 0)
            {
                outcome.Violate(FuzzProperties.ValidCompiles, "a valid source does not compile with the generated code:\n" + Show(outputErrors));
            }
            if (source.Expected is { } expected)
            {
                var why = Unmet(expected, outcome, outputErrors);
                outcome.ExpectationMet = why is null;
                if (why is not null && !source.Valid)
                {
                    outcome.Violate(FuzzProperties.ExpectedOutcome, $"expected {expected}, but {why}:\n" + Show(ndErrors.Concat(outputErrors)));
                }
            }
            if (ndErrors.Count == 0 && outputErrors.Count == 0)
            {
                CheckNetworkTypes(outcome, output);
            }
            if (keepOutput)
            {
                outcome.Output = output;
            }
        }
        catch (Exception e)
        {
            outcome.Violate(FuzzProperties.NoException, "during " + stage + ": " + e);
        }
        return outcome;
    }

    /// <summary>Why the outcome is not the expected one, or null when it is.</summary>
    private static string? Unmet(FuzzExpected expected, FuzzOutcome outcome, List<Diagnostic> outputErrors)
    {
        if (expected.IsAccepted)
        {
            return outcome.NdErrors.Count > 0 ? "it got ND errors" : outputErrors.Count > 0 ? "the output does not compile" : null;
        }
        if (!outcome.NdErrors.Contains(expected.Id!))
        {
            return outcome.NdErrors.Count == 0 ? "it was accepted" : "it got " + string.Join(", ", outcome.NdErrors) + " instead";
        }
        if (expected.Only && outcome.NdErrors.Count > 1)
        {
            return "it got " + string.Join(", ", outcome.NdErrors.Where(id => id != expected.Id)) + " as well";
        }
        var missing = (expected.Mentions ?? Array.Empty<string>())
            .Where(m => !outcome.NdMessages.Any(d => d.Id == expected.Id && d.Message.Contains(m, StringComparison.Ordinal))).ToList();
        return missing.Count > 0 ? $"no {expected.Id} mentions {string.Join(", ", missing)}" : null;
    }

    private static string GeneratedExcerpt(List<Diagnostic> errors)
    {
        var first = errors.FirstOrDefault(d => d.Location.SourceTree is not null);
        if (first is null)
        {
            return string.Empty;
        }
        var text = first.Location.SourceTree!.GetText();
        var line = text.Lines.GetLineFromPosition(first.Location.SourceSpan.Start).LineNumber;
        var lines = Enumerable.Range(Math.Max(0, line - 2), Math.Min(5, text.Lines.Count - Math.Max(0, line - 2)))
            .Select(i => $"  {i + 1,4}| {text.Lines[i]}");
        return "generated code around the first error (" + System.IO.Path.GetFileName(first.Location.SourceTree.FilePath) + "):\n" + string.Join("\n", lines);
    }

    private static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                foreach (var t in Types(ns))
                {
                    yield return t;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                yield return type;
                foreach (var nested in Types(type))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool HasNetDslAttribute(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "NetDsl.NetworkAttribute" or "NetDsl.VariantAttribute");

    public static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)).Replace("@", string.Empty, StringComparison.Ordinal) + "." : string.Empty;
        return ns + name;
    }

    private static long? Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue)?.ConstantValue is long value ? value : null;

    /// <summary>With no ND error and a clean output, every [Network]/[Variant] class is a generated module with sane constants.</summary>
    private static void CheckNetworkTypes(FuzzOutcome outcome, Compilation output)
    {
        var expectations = outcome.Source.Expectations.ToDictionary(e => e.MetadataName, StringComparer.Ordinal);
        var problems = new List<string>();
        var negative = new List<string>();
        var oracle = new List<string>();
        foreach (var type in Types(output.Assembly.GlobalNamespace).Where(HasNetDslAttribute))
        {
            var isModule = false;
            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                isModule |= b.ToDisplayString().StartsWith("TorchSharp.torch.nn.Module<", StringComparison.Ordinal);
            }
            if (!isModule || type.GetMembers("forward").IsEmpty)
            {
                problems.Add($"{type.ToDisplayString()} carries [Network]/[Variant] but no module was generated for it");
                continue;
            }
            var trainable = Constant(type, "TrainableParameters");
            var nonTrainable = Constant(type, "NonTrainableParameters");
            var multiplyAdds = Constant(type, "MultiplyAdds");
            foreach (var (label, value) in new[] { ("TrainableParameters", trainable), ("NonTrainableParameters", nonTrainable), ("MultiplyAdds", multiplyAdds) })
            {
                if (value < 0)
                {
                    negative.Add($"{type.ToDisplayString()}.{label} = {value}");
                }
            }
            if (expectations.TryGetValue(MetadataName(type), out var expected) &&
                (trainable is not null && trainable != expected.Trainable || nonTrainable is not null && nonTrainable != expected.NonTrainable))
            {
                oracle.Add($"{type.ToDisplayString()}: TrainableParameters {trainable} / NonTrainableParameters {nonTrainable}, the fuzzer expects {expected.Trainable} / {expected.NonTrainable}");
            }
        }
        if (problems.Count > 0)
        {
            outcome.Violate(FuzzProperties.NetworkGenerated, "no ND error and the output compiles, but:\n" + string.Join("\n", problems));
        }
        if (negative.Count > 0)
        {
            outcome.Violate(FuzzProperties.ConstantsNonNegative, string.Join("\n", negative));
        }
        if (oracle.Count > 0)
        {
            outcome.Violate(FuzzProperties.OracleConstants, string.Join("\n", oracle));
        }
    }
}
