using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;

namespace NetDsl.Generators;

/// <summary>
/// Reports NetDsl's shape and argument errors where the IDE shows them (a generator's diagnostics never reach the
/// editor). Runs exactly the parser and inference the generator runs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetDslAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // A block used by several networks is checked with each of them: its own errors are reported once.
            var reported = new ConcurrentDictionary<string, bool>();
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, reported), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, ConcurrentDictionary<string, bool> reported)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!NetworkParser.IsNetworkOrVariant(type))
        {
            return;
        }
        NetworkModel model;
        try
        {
            model = NetworkParser.Parse(type, context.Compilation, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            model = NetworkParser.Failed(type, e);
        }
        foreach (var info in DiagnosticsOf(NetDslGenerator.Analyze(model)))
        {
            var arguments = info.Arguments.Cast<object>().ToArray();
            var location = ToLocation(info.Span, context.Compilation, type);
            if (model.BaseNetwork is not null && info.Id != "ND0102" && DiagnosticDescriptors.Get(info.Id).DefaultSeverity == DiagnosticSeverity.Warning)
            {
                // A variant has no layers of its own: a warning about them (a bias before BatchNorm) belongs to the base,
                // where it is reported or suppressed, even when the base lives in another assembly.
                continue;
            }
            if (model.BaseNetwork is not null && !Declares(type, location) && arguments.Length > 0)
            {
                // A base layer that only fails in this variant (e.g. its own smaller [Input]): the variant is the cause,
                // so the error goes on the variant, naming it, with the base layer as an additional location.
                arguments[0] = $"{model.ClassName} (variant of {model.BaseNetwork}) {arguments[0]}";
                var here = ToLocation(model.InputSpan ?? model.ClassSpan, context.Compilation, type);
                Report(context, reported, Diagnostic.Create(DiagnosticDescriptors.Get(info.Id), here, new[] { location }, arguments));
                continue;
            }
            Report(context, reported, Diagnostic.Create(DiagnosticDescriptors.Get(info.Id), location, arguments));
        }
    }

    /// <summary>
    /// Parsing and inference diagnostics, and an internal error if the emitter fails: it runs here too, so that a
    /// failure of it (a NetDsl bug) is shown in the editor, on the network's attribute.
    /// </summary>
    internal static IEnumerable<DiagnosticInfo> DiagnosticsOf(AnalyzedNetwork analyzed)
    {
        var diagnostics = analyzed.Inference.Diagnostics.AsEnumerable();
        if (!analyzed.Inference.Diagnostics.Any(d => d.Id == "ND0099"))
        {
            var file = GeneratedFile.From(analyzed.Model, analyzed.Inference);
            if (file.Failure is not null)
            {
                var model = analyzed.Model;
                diagnostics = diagnostics.Append(new DiagnosticInfo("ND0099", model.AttributeSpan ?? model.ClassSpan, new[] { model.ClassName, file.Failure }.ToEquatableArray()));
            }
        }
        return diagnostics;
    }

    private static void Report(SymbolAnalysisContext context, ConcurrentDictionary<string, bool> reported, Diagnostic diagnostic)
    {
        var key = diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + diagnostic.Location.SourceSpan + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (reported.TryAdd(key, true))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static bool Declares(INamedTypeSymbol type, Location location) =>
        location.SourceTree is null || type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan));

    private static Location ToLocation(SourceSpan? span, Compilation compilation, INamedTypeSymbol fallback)
    {
        if (span is not null)
        {
            var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == span.FilePath);
            if (tree is not null)
            {
                return Location.Create(tree, new TextSpan(span.Start, span.Length));
            }
        }
        return fallback.Locations.FirstOrDefault() ?? Location.None;
    }
}
