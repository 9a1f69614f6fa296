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
            var state = new CompilationState(start.Compilation);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, state), SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// What one compilation shares between its symbol actions: one analysis and one list of findings per network (a
    /// variant compares its findings with its base's; a block is checked with every network that uses it), and the
    /// source types that are networks or blocks.
    /// </summary>
    private sealed class CompilationState
    {
        public CompilationState(Compilation compilation)
        {
            Compilation = compilation;
            types = new Lazy<(ImmutableArray<INamedTypeSymbol>, ImmutableArray<INamedTypeSymbol>)>(() => Index(compilation));
        }

        private readonly Lazy<(ImmutableArray<INamedTypeSymbol> Networks, ImmutableArray<INamedTypeSymbol> Blocks)> types;

        public Compilation Compilation { get; }

        public ConcurrentDictionary<INamedTypeSymbol, (AnalyzedNetwork Analyzed, ImmutableArray<DiagnosticInfo> Diagnostics)> Analyses { get; } = new(SymbolEqualityComparer.Default);

        public ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<Diagnostic>> Findings { get; } = new(SymbolEqualityComparer.Default);

        public ConcurrentDictionary<string, bool> Reported { get; } = new();

        public ImmutableArray<INamedTypeSymbol> Networks => types.Value.Networks;

        public ImmutableArray<INamedTypeSymbol> Blocks => types.Value.Blocks;

        private static (ImmutableArray<INamedTypeSymbol>, ImmutableArray<INamedTypeSymbol>) Index(Compilation compilation)
        {
            var networks = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            var blocks = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                foreach (var member in pending.Pop().GetMembers())
                {
                    if (member is INamespaceSymbol ns)
                    {
                        pending.Push(ns);
                    }
                    else if (member is INamedTypeSymbol type)
                    {
                        pending.Push(type);
                        if (NetworkParser.IsNetworkOrVariant(type))
                        {
                            networks.Add(type);
                        }
                        else if (NetworkParser.IsBlock(type))
                        {
                            blocks.Add(type);
                        }
                    }
                }
            }
            return (networks.ToImmutable(), blocks.ToImmutable());
        }
    }

    private static (AnalyzedNetwork Analyzed, ImmutableArray<DiagnosticInfo> Diagnostics) AnalysisOf(INamedTypeSymbol type, CompilationState state, System.Threading.CancellationToken cancellationToken) =>
        state.Analyses.GetOrAdd(type, t =>
        {
            NetworkModel model;
            try
            {
                model = NetworkParser.Parse(t, state.Compilation, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                model = NetworkParser.Failed(t, e);
            }
            return Checked(model);
        });

    /// <summary>
    /// Inference and the emitter's check of a parsed network, kept across compilations by the value of its model: an
    /// editor runs the analyzer on every keystroke, and an edit changes the model of the one network edited (its
    /// spans, its attributes), so the others are not inferred and emitted again. Holds no Roslyn object.
    /// </summary>
    private static (AnalyzedNetwork Analyzed, ImmutableArray<DiagnosticInfo> Diagnostics) Checked(NetworkModel model)
    {
        if (Results.TryGetValue(model, out var known))
        {
            return known;
        }
        var analyzed = NetDslGenerator.Analyze(model);
        var result = (analyzed, DiagnosticsOf(analyzed).ToImmutableArray());
        if (Results.Count >= MaxResults)
        {
            Results.Clear(); // bounded: a long editing session keeps only the recent networks
        }
        Results[model] = result;
        return result;
    }

    private const int MaxResults = 2048;

    private static readonly ConcurrentDictionary<NetworkModel, (AnalyzedNetwork, ImmutableArray<DiagnosticInfo>)> Results = new();

    /// <summary>
    /// Each finding is reported by the symbol action of the type whose declaration holds its location — the network,
    /// a block class (an error inside a block's definition), or the type a network is nested in — so that an editor
    /// analysing one open file gets every diagnostic of that file (Roslyn's document analysis runs the actions of the
    /// symbols declared in it).
    /// </summary>
    private static void AnalyzeType(SymbolAnalysisContext context, CompilationState state)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var candidates = new List<INamedTypeSymbol>();
        if (NetworkParser.IsNetworkOrVariant(type))
        {
            candidates.Add(type);
        }
        if (NetworkParser.IsBlock(type))
        {
            candidates.AddRange(state.Networks);
        }
        foreach (var nested in type.GetTypeMembers())
        {
            AddNested(nested, candidates);
        }
        foreach (var network in candidates.Distinct(SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>())
        {
            foreach (var diagnostic in FindingsOf(network, state, context.CancellationToken))
            {
                if (SymbolEqualityComparer.Default.Equals(Owner(diagnostic.Location, network, state), type))
                {
                    Report(context, state.Reported, diagnostic);
                }
            }
        }
    }

    private static void AddNested(INamedTypeSymbol type, List<INamedTypeSymbol> into)
    {
        if (NetworkParser.IsNetworkOrVariant(type))
        {
            into.Add(type);
        }
        foreach (var nested in type.GetTypeMembers())
        {
            AddNested(nested, into);
        }
    }

    /// <summary>The type whose action reports a finding of <paramref name="network"/> at <paramref name="location"/>.</summary>
    private static INamedTypeSymbol Owner(Location location, INamedTypeSymbol network, CompilationState state)
    {
        if (location.SourceTree is null || Declares(network, location))
        {
            return network;
        }
        INamedTypeSymbol? owner = null;
        var size = int.MaxValue;
        foreach (var block in state.Blocks)
        {
            foreach (var reference in block.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == location.SourceTree && reference.Span.Contains(location.SourceSpan) && reference.Span.Length < size)
                {
                    (owner, size) = (block, reference.Span.Length);
                }
            }
        }
        if (owner is not null)
        {
            return owner;
        }
        for (var outer = network.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (Declares(outer, location))
            {
                return outer;
            }
        }
        return network;
    }

    private static ImmutableArray<Diagnostic> FindingsOf(INamedTypeSymbol type, CompilationState state, System.Threading.CancellationToken cancellationToken) =>
        state.Findings.GetOrAdd(type, t => Find(t, state, cancellationToken));

    /// <summary>A network's findings as Roslyn diagnostics, placed where the user wrote their cause.</summary>
    private static ImmutableArray<Diagnostic> Find(INamedTypeSymbol type, CompilationState state, System.Threading.CancellationToken cancellationToken)
    {
        var compilation = state.Compilation;
        var found = ImmutableArray.CreateBuilder<Diagnostic>();
        var (analyzed, diagnostics) = AnalysisOf(type, state, cancellationToken);
        var model = analyzed.Model;
        var baseType = model.BaseNetwork is null ? null : NetworkParser.VariantBase(type);
        var baseFindings = baseType is not null && baseType.DeclaringSyntaxReferences.Length > 0 && NetworkParser.IsNetworkOrVariant(baseType)
            ? new HashSet<string>(AnalysisOf(baseType, state, cancellationToken).Diagnostics.Select(d => d.Cause))
            : new HashSet<string>();
        foreach (var info in diagnostics)
        {
            var arguments = info.Arguments.Cast<object>().ToArray();
            var location = ToLocation(info.Span, compilation, type);
            var additional = info.Additional.Select(span => ToLocation(span, compilation, type)).Where(l => l != Location.None).ToList();
            var rule = Rules.Get(info.Id);
            if (model.BaseNetwork is not null && info.Id != Rules.VariantChangesNothing.Id && !Rules.IsError(info.Id))
            {
                // A variant has no layers of its own: a warning about them (a bias before BatchNorm) belongs to the base,
                // where it is reported or suppressed, even when the base lives in another assembly.
                continue;
            }
            if (model.BaseNetwork is not null && !Declares(type, location))
            {
                if (baseFindings.Contains(info.Cause))
                {
                    continue; // the base network fails the same way: reported there, once
                }
                if (arguments.Length > 0)
                {
                    // A base layer that only fails in this variant (e.g. its own smaller [Input]): the variant is the cause,
                    // so the error goes on the variant — its own [Input] if it has one, else its [Variant] — naming it, with
                    // the base layer (and the usages leading to it) as additional locations.
                    arguments[0] = $"{model.ClassName} (variant of {model.BaseNetwork}) {arguments[0]}";
                    var own = ToLocation(model.InputSpan, compilation, type);
                    var here = model.InputSpan is not null && Declares(type, own) ? own : ToLocation(model.AttributeSpan ?? model.ClassSpan, compilation, type);
                    additional.Insert(0, location);
                    var properties = PropertiesOf(info);
                    if (properties.TryGetValue("Layer", out var layer) && int.TryParse(layer, out var index))
                    {
                        properties = properties.SetItem("Layer", (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    found.Add(Diagnostic.Create(rule, here, additional, properties, arguments));
                    continue;
                }
            }
            found.Add(Diagnostic.Create(rule, location, additional, PropertiesOf(info), arguments));
        }
        return found.ToImmutable();
    }

    private static ImmutableDictionary<string, string?> PropertiesOf(DiagnosticInfo info) =>
        info.Properties.Count == 0
            ? ImmutableDictionary<string, string?>.Empty
            : info.Properties.ToImmutableDictionary(p => p.Key, p => (string?)p.Value);

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
