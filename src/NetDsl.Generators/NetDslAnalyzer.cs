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
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Rules.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // One analysis per network and compilation: a variant compares its findings with its base's, and a block
            // used by several networks is checked with each of them, its own errors reported once.
            var analyses = new ConcurrentDictionary<INamedTypeSymbol, AnalyzedNetwork>(SymbolEqualityComparer.Default);
            var reported = new ConcurrentDictionary<string, bool>();
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, analyses, reported), SymbolKind.NamedType);
        });
    }

    private static AnalyzedNetwork AnalysisOf(INamedTypeSymbol type, Compilation compilation, ConcurrentDictionary<INamedTypeSymbol, AnalyzedNetwork> analyses,
        System.Threading.CancellationToken cancellationToken) =>
        analyses.GetOrAdd(type, t =>
        {
            NetworkModel model;
            try
            {
                model = NetworkParser.Parse(t, compilation, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                model = NetworkParser.Failed(t, e);
            }
            return NetDslGenerator.Analyze(model);
        });

    private static void AnalyzeType(SymbolAnalysisContext context, ConcurrentDictionary<INamedTypeSymbol, AnalyzedNetwork> analyses, ConcurrentDictionary<string, bool> reported)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!NetworkParser.IsNetworkOrVariant(type))
        {
            return;
        }
        var analyzed = AnalysisOf(type, context.Compilation, analyses, context.CancellationToken);
        var model = analyzed.Model;
        var baseType = model.BaseNetwork is null ? null : BaseOf(type);
        var baseFindings = baseType is not null && baseType.DeclaringSyntaxReferences.Length > 0 && NetworkParser.IsNetworkOrVariant(baseType)
            ? new HashSet<string>(DiagnosticsOf(AnalysisOf(baseType, context.Compilation, analyses, context.CancellationToken)).Select(Cause))
            : new HashSet<string>();
        foreach (var info in DiagnosticsOf(analyzed))
        {
            var arguments = info.Arguments.Cast<object>().ToArray();
            var location = ToLocation(info.Span, context.Compilation, type);
            var additional = info.Additional.Select(span => ToLocation(span, context.Compilation, type)).Where(l => l != Location.None).ToList();
            var rule = Rules.Get(info.Id);
            if (model.BaseNetwork is not null && info.Id != Rules.VariantChangesNothing.Id && !Rules.IsError(info.Id))
            {
                // A variant has no layers of its own: a warning about them (a bias before BatchNorm) belongs to the base,
                // where it is reported or suppressed, even when the base lives in another assembly.
                continue;
            }
            if (model.BaseNetwork is not null && !Declares(type, location))
            {
                if (baseFindings.Contains(Cause(info)))
                {
                    continue; // the base network fails the same way: reported there, once
                }
                if (arguments.Length > 0)
                {
                    // A base layer that only fails in this variant (e.g. its own smaller [Input]): the variant is the cause,
                    // so the error goes on the variant — its own [Input] if it has one, else its [Variant] — naming it, with
                    // the base layer (and the usages leading to it) as additional locations.
                    arguments[0] = $"{model.ClassName} (variant of {model.BaseNetwork}) {arguments[0]}";
                    var own = ToLocation(model.InputSpan, context.Compilation, type);
                    var here = model.InputSpan is not null && Declares(type, own) ? own : ToLocation(model.AttributeSpan ?? model.ClassSpan, context.Compilation, type);
                    additional.Insert(0, location);
                    var properties = PropertiesOf(info);
                    if (properties.TryGetValue("Layer", out var layer) && int.TryParse(layer, out var index))
                    {
                        properties = properties.SetItem("Layer", (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    Report(context, reported, Diagnostic.Create(rule, here, additional, properties, arguments));
                    continue;
                }
            }
            Report(context, reported, Diagnostic.Create(rule, location, additional, PropertiesOf(info), arguments));
        }
    }

    /// <summary>What makes two findings the same cause: the rule and where it is.</summary>
    private static string Cause(DiagnosticInfo info) => info.Id + "|" + info.Span?.FilePath + "|" + info.Span?.Start + "|" + info.Span?.Length;

    private static ImmutableDictionary<string, string?> PropertiesOf(DiagnosticInfo info) =>
        info.Properties.Count == 0
            ? ImmutableDictionary<string, string?>.Empty
            : info.Properties.ToImmutableDictionary(p => p.Key, p => (string?)p.Value);

    /// <summary>The network a [Variant(typeof(Base))] names, or null.</summary>
    private static INamedTypeSymbol? BaseOf(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == NetworkParser.VariantAttributeName
                && attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol named)
            {
                return named;
            }
        }
        return null;
    }

    /// <summary>
    /// Parsing and inference diagnostics, and an internal error if the emitter fails: it runs here too, so that a
    /// failure of it (a NetDsl bug) is shown in the editor, on the network's attribute.
    /// </summary>
    internal static IEnumerable<DiagnosticInfo> DiagnosticsOf(AnalyzedNetwork analyzed)
    {
        var diagnostics = analyzed.Inference.Diagnostics.AsEnumerable();
        if (!analyzed.Inference.Diagnostics.Any(d => d.Id == Rules.InternalError.Id))
        {
            var file = GeneratedFile.From(analyzed.Model, analyzed.Inference);
            if (file.Failure is not null)
            {
                var model = analyzed.Model;
                diagnostics = diagnostics.Append(Rules.InternalError.At(model.AttributeSpan ?? model.ClassSpan, model.ClassName, file.Failure));
            }
        }
        return diagnostics;
    }

    private static void Report(SymbolAnalysisContext context, ConcurrentDictionary<string, bool> reported, Diagnostic diagnostic)
    {
        var key = diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + diagnostic.Location.SourceSpan;
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
