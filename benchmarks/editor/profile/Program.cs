using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.CodeAnalysis.Text;

// Where the time of one edit goes, in the process, on the compilation csharp-ls sees.
//
//   AnalyzerProfile <project.csproj> <edited .cs file> <file holding the edited text> <repeats> <result.json>
//
// csharp-ls (0.28.0, analyzersEnabled) answers an edit with `Document.GetSemanticModelAsync`, then
// `semanticModel.Compilation.WithAnalyzers(every analyzer of the project).GetAllDiagnosticsAsync()` — the whole
// compilation's compiler and analyzer diagnostics — filtered to the document. This program loads the project with
// MSBuildWorkspace (as csharp-ls does) and, for each edit and each revert, forks the previous solution several times
// so that every measurement starts from the same state (generator and compilation incremental from the last edit):
//   csharp-ls path      the call above, with Roslyn's per-analyzer execution times;
//   compilation         Project.GetCompilationAsync (the generator's incremental run included);
//   compiler, whole     Compilation.GetDiagnostics() over every tree, generated ones included;
//   NetDsl, whole       NetDslAnalyzer alone over the whole compilation;
//   document only       the edited document's compiler diagnostics and every analyzer on that document only
//                       (what a server that analyses the open document would pay).
// Then the generators' own times (a GeneratorDriver over the same sources, edit by edit, with NetDslGenerator's
// tracked steps and how many of its generated trees survive an edit), NetDslAnalyzer's time for each network file on a
// warm compilation, and NetDslAnalyzer's stages timed one by one (see Stages).
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: AnalyzerProfile <project.csproj> <edited .cs file> <edited text file> <repeats> <result.json>");
            return 2;
        }
        var projectPath = Path.GetFullPath(args[0]);
        var editedPath = Path.GetFullPath(args[1]);
        var editedText = SourceText.From(File.ReadAllText(args[2]));
        var repeats = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var result = new Dictionary<string, object?>
        {
            ["roslyn"] = typeof(Compilation).Assembly.GetName().Version?.ToString(),
            ["processors"] = Environment.ProcessorCount,
        };

        var clock = Stopwatch.StartNew();
        using var workspace = MSBuildWorkspace.Create();
        var failures = new List<string>();
        workspace.RegisterWorkspaceFailedHandler(e => failures.Add(e.Diagnostic.Message));
        var project = await workspace.OpenProjectAsync(projectPath);
        result["open_ms"] = clock.Elapsed.TotalMilliseconds;
        result["workspace_failures"] = failures;

        var analyzers = project.AnalyzerReferences.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp)).ToImmutableArray();
        var netDsl = analyzers.Where(IsNetDsl).ToImmutableArray();
        if (netDsl.IsEmpty)
        {
            Console.Error.WriteLine("the project has no NetDsl analyzer");
            return 1;
        }
        result["analyzer_references"] = project.AnalyzerReferences.Select(r => r.Display).ToList();
        result["analyzers"] = analyzers.Length;

        clock.Restart();
        var compilation = (await project.GetCompilationAsync())!;
        result["first_compilation_ms"] = clock.Elapsed.TotalMilliseconds;
        result["documents"] = project.Documents.Count();
        result["syntax_trees"] = compilation.SyntaxTrees.Count();
        var sourcePaths = project.Documents.Select(d => d.FilePath).ToHashSet();
        var generated = compilation.SyntaxTrees.Where(t => !sourcePaths.Contains(t.FilePath)).ToList();
        result["generated_trees"] = generated.Count;
        result["generated_chars"] = generated.Sum(t => t.Length);
        result["generated_lines"] = generated.Sum(t => t.GetText().Lines.Count);
        clock.Restart();
        var cold = await compilation.WithAnalyzers(analyzers, project.AnalyzerOptions).GetAllDiagnosticsAsync();
        result["first_all_diagnostics_ms"] = clock.Elapsed.TotalMilliseconds;
        result["first_errors"] = cold.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();

        var document = project.Documents.Single(d => d.FilePath == editedPath);
        var originalText = await document.GetTextAsync();
        var baseSolution = project.Solution;
        var steps = new List<Dictionary<string, object?>>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var (step, text) in new[] { ("edit", editedText), ("revert", originalText) })
            {
                var measured = new Dictionary<string, object?> { ["step"] = step };
                steps.Add(measured);

                // csharp-ls's path, end to end.
                var fork = baseSolution.WithDocumentText(document.Id, text);
                var forkDocument = fork.GetDocument(document.Id)!;
                var cpu = CpuMs();
                clock.Restart();
                var model = (await forkDocument.GetSemanticModelAsync())!;
                var withAnalyzers = model.Compilation.WithAnalyzers(analyzers, project.AnalyzerOptions);
                var all = await withAnalyzers.GetAllDiagnosticsAsync();
                var mine = all.Where(d => d.Location.GetMappedLineSpan().Path == editedPath).ToList();
                measured["csharpls_ms"] = clock.Elapsed.TotalMilliseconds;
                measured["csharpls_cpu_ms"] = CpuMs() - cpu;
                measured["nd"] = mine.Where(d => d.Id.StartsWith("ND", StringComparison.Ordinal)).Select(Describe).ToList();
                measured["cs_errors"] = mine.Where(d => d.Id.StartsWith("CS", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();
                measured["other_in_document"] = mine.Where(d => !d.Id.StartsWith("ND", StringComparison.Ordinal) && !d.Id.StartsWith("CS", StringComparison.Ordinal)).Select(Describe).ToList();
                var next = fork;

                // Every analyzer again (no compiler diagnostics), with Roslyn's per-analyzer execution times.
                fork = baseSolution.WithDocumentText(document.Id, text);
                var timed = (await fork.GetProject(project.Id)!.GetCompilationAsync())!.WithAnalyzers(analyzers,
                    new CompilationWithAnalyzersOptions(project.AnalyzerOptions, null, concurrentAnalysis: true, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
                clock.Restart();
                var analysis = await timed.GetAnalysisResultAsync(default);
                measured["timed_all_ms"] = clock.Elapsed.TotalMilliseconds;
                var perAnalyzer = new Dictionary<string, double>();
                foreach (var (analyzer, info) in analysis.AnalyzerTelemetryInfo)
                {
                    var key = AssemblyOf(analyzer) + ": " + analyzer.GetType().Name;
                    perAnalyzer[key] = perAnalyzer.GetValueOrDefault(key) + info.ExecutionTime.TotalMilliseconds;
                }
                measured["analyzer_ms"] = perAnalyzer;

                // NetDslAnalyzer's own stages for every network of a fresh compilation (as each edit makes one).
                fork = baseSolution.WithDocumentText(document.Id, text);
                measured["stages"] = Stages.Measure(netDsl[0], (await fork.GetProject(project.Id)!.GetCompilationAsync())!);

                // The compilation (generator included), then the compiler's diagnostics over the whole compilation.
                fork = baseSolution.WithDocumentText(document.Id, text);
                clock.Restart();
                var compiled = (await fork.GetProject(project.Id)!.GetCompilationAsync())!;
                measured["compilation_ms"] = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var compilerDiagnostics = compiled.GetDiagnostics();
                measured["compiler_whole_ms"] = clock.Elapsed.TotalMilliseconds;
                measured["compiler_whole_errors"] = compilerDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

                // NetDslAnalyzer alone over the whole (fresh) compilation.
                fork = baseSolution.WithDocumentText(document.Id, text);
                compiled = (await fork.GetProject(project.Id)!.GetCompilationAsync())!;
                clock.Restart();
                await compiled.WithAnalyzers(netDsl, project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
                measured["netdsl_whole_ms"] = clock.Elapsed.TotalMilliseconds;

                // The edited document alone: compiler diagnostics, then every analyzer on that document.
                fork = baseSolution.WithDocumentText(document.Id, text);
                forkDocument = fork.GetDocument(document.Id)!;
                model = (await forkDocument.GetSemanticModelAsync())!;
                clock.Restart();
                model.GetDiagnostics();
                measured["document_compiler_ms"] = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var documentAnalyzers = model.Compilation.WithAnalyzers(analyzers, project.AnalyzerOptions);
                await documentAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(model.SyntaxTree, default);
                var documentDiagnostics = await documentAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, default);
                measured["document_analyzers_ms"] = clock.Elapsed.TotalMilliseconds;
                measured["document_nd"] = documentDiagnostics.Count(d => d.Id.StartsWith("ND", StringComparison.Ordinal));

                baseSolution = next;
            }
        }
        result["steps"] = steps;
        result["generators"] = await GeneratorTimes(project, document, editedText, originalText, repeats);
        result["netdsl_generator_runs"] = NetDslRuns;
        result["per_network"] = await PerNetwork(project, netDsl);
        var warm = (await project.GetCompilationAsync())!;
        Stages.Measure(netDsl[0], warm);
        result["stages_warm"] = Stages.Measure(netDsl[0], warm);

        await File.WriteAllTextAsync(args[4], JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Each generator's time per run: the first (cold) run, then one run per edit and revert.</summary>
    private static async Task<Dictionary<string, List<double>>> GeneratorTimes(Project project, Document document, SourceText edited, SourceText original, int repeats)
    {
        var trees = new List<SyntaxTree>();
        foreach (var d in project.Documents)
        {
            trees.Add((await d.GetSyntaxTreeAsync())!);
        }
        var compilation = CSharpCompilation.Create(project.AssemblyName, trees, project.MetadataReferences, (CSharpCompilationOptions)project.CompilationOptions!);
        var generators = project.AnalyzerReferences.SelectMany(r => r.GetGenerators(LanguageNames.CSharp)).ToImmutableArray();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: (CSharpParseOptions)project.ParseOptions!,
            optionsProvider: project.AnalyzerOptions.AnalyzerConfigOptionsProvider,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var times = new Dictionary<string, List<double>>();
        var netDslRuns = new List<Dictionary<string, int>>();
        var previousTrees = new HashSet<SyntaxTree>();
        void Record()
        {
            // NetDslGenerator's tracked steps (how many of their outputs were cached, modified, new) and how many of
            // its generated syntax trees are the very objects of the previous run.
            foreach (var run in driver.GetRunResult().Results.Where(r => r.Generator.GetGeneratorType().Name == "NetDslGenerator"))
            {
                var counts = new Dictionary<string, int>();
                foreach (var (name, runSteps) in run.TrackedSteps)
                {
                    foreach (var output in runSteps.SelectMany(step => step.Outputs))
                    {
                        var key = name + ":" + output.Reason;
                        counts[key] = counts.GetValueOrDefault(key) + 1;
                    }
                }
                counts["generated"] = run.GeneratedSources.Length;
                counts["trees_reused"] = run.GeneratedSources.Count(g => previousTrees.Contains(g.SyntaxTree));
                previousTrees = run.GeneratedSources.Select(g => g.SyntaxTree).ToHashSet();
                netDslRuns.Add(counts);
            }
            foreach (var g in driver.GetTimingInfo().GeneratorTimes)
            {
                var name = g.Generator.GetGeneratorType().Name;
                if (!times.TryGetValue(name, out var list))
                {
                    times[name] = list = new List<double>();
                }
                list.Add(g.ElapsedTime.TotalMilliseconds);
            }
        }
        driver = driver.RunGenerators(compilation);
        Record();
        var tree = trees.Single(t => t.FilePath == document.FilePath);
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var text in new[] { edited, original })
            {
                var changed = tree.WithChangedText(text);
                compilation = compilation.ReplaceSyntaxTree(tree, changed);
                tree = changed;
                driver = driver.RunGenerators(compilation);
                Record();
            }
        }
        NetDslRuns = netDslRuns;
        return times;
    }

    /// <summary>NetDslGenerator's tracked steps per run of <see cref="GeneratorTimes"/> (the first run, then each edit).</summary>
    private static List<Dictionary<string, int>> NetDslRuns = new();

    /// <summary>NetDslAnalyzer on each document alone, on a warm compilation (one pass to warm up, one measured).</summary>
    private static async Task<List<Dictionary<string, object>>> PerNetwork(Project project, ImmutableArray<DiagnosticAnalyzer> netDsl)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var list = new List<Dictionary<string, object>>();
        for (var pass = 0; pass < 2; pass++)
        {
            list.Clear();
            var withAnalyzers = compilation.WithAnalyzers(netDsl, project.AnalyzerOptions);
            foreach (var document in project.Documents)
            {
                var tree = (await document.GetSyntaxTreeAsync())!;
                var model = compilation.GetSemanticModel(tree);
                var clock = Stopwatch.StartNew();
                await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, default);
                list.Add(new Dictionary<string, object> { ["file"] = Path.GetFileName(document.FilePath!), ["ms"] = clock.Elapsed.TotalMilliseconds });
            }
        }
        return list;
    }

    private static double CpuMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static bool IsNetDsl(DiagnosticAnalyzer analyzer) => AssemblyOf(analyzer) == "NetDsl.Generators";

    private static string AssemblyOf(DiagnosticAnalyzer analyzer) => analyzer.GetType().Assembly.GetName().Name ?? "?";

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        return $"{d.Id} {Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

/// <summary>
/// Times NetDslAnalyzer's three stages for each network type: NetworkParser.Parse (symbols and attributes to the
/// model), NetDslGenerator.Analyze (variant transform, shape inference, lowering) and GeneratedFile.From (the
/// TorchSharp emitter, which the analyzer runs to report an emitter failure). The stages are internal: they are
/// reached by reflection, and when their names change this reports why instead of a time.
/// </summary>
internal static class Stages
{
    public static Dictionary<string, object> Measure(DiagnosticAnalyzer analyzer, Compilation compilation)
    {
        var result = new Dictionary<string, object>();
        try
        {
            var assembly = analyzer.GetType().Assembly;
            var parser = assembly.GetType("NetDsl.Generators.Parsing.NetworkParser", throwOnError: true)!;
            var isNetwork = parser.GetMethod("IsNetworkOrVariant")!;
            var parse = parser.GetMethod("Parse", new[] { typeof(INamedTypeSymbol), typeof(Compilation), typeof(System.Threading.CancellationToken) })!;
            var analyze = assembly.GetType("NetDsl.Generators.NetDslGenerator", throwOnError: true)!
                .GetMethod("Analyze", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!;
            var file = assembly.GetType("NetDsl.Generators.GeneratedFile", throwOnError: true)!;
            var emit = file.GetMethod("From")!;
            var types = new List<INamedTypeSymbol>();
            var clock = Stopwatch.StartNew();
            Collect(compilation.Assembly.GlobalNamespace, types);
            var networks = types.Where(t => (bool)isNetwork.Invoke(null, new object[] { t })!).ToList();
            result["find_ms"] = clock.Elapsed.TotalMilliseconds;
            result["types"] = types.Count;
            var rows = new List<Dictionary<string, object>>();
            foreach (var type in networks)
            {
                clock.Restart();
                var model = parse.Invoke(null, new object[] { type, compilation, System.Threading.CancellationToken.None })!;
                var parseMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var analyzed = analyze.Invoke(null, new[] { model })!;
                var inferMs = clock.Elapsed.TotalMilliseconds;
                var analyzedType = analyzed.GetType();
                var inference = analyzedType.GetProperty("Inference")!.GetValue(analyzed)!;
                var transformed = analyzedType.GetProperty("Model")!.GetValue(analyzed)!;
                clock.Restart();
                var generated = emit.Invoke(null, new[] { transformed, inference })!;
                var emitMs = clock.Elapsed.TotalMilliseconds;
                var source = (string?)file.GetProperty("Source")!.GetValue(generated);
                rows.Add(new Dictionary<string, object>
                {
                    ["type"] = type.Name,
                    ["parse_ms"] = parseMs,
                    ["infer_ms"] = inferMs,
                    ["emit_ms"] = emitMs,
                    ["emitted_chars"] = source?.Length ?? 0,
                });
            }
            result["networks"] = rows;
        }
        catch (Exception e)
        {
            result["unavailable"] = e.GetType().Name + ": " + (e.InnerException ?? e).Message;
        }
        return result;
    }

    private static void Collect(INamespaceOrTypeSymbol container, List<INamedTypeSymbol> types)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                Collect(ns, types);
            }
            else if (member is INamedTypeSymbol type)
            {
                types.Add(type);
                Collect(type, types);
            }
        }
    }
}
