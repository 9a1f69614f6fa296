using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.CodeFixes;

/// <summary>
/// The fixes of NetDsl's diagnostics. Each diagnostic says in its properties which fixes it offers (<c>Fix</c>) and
/// what they need (the layer's location, a replacement, a shape); this provider offers one code action per fix, with
/// the equivalence key <c>NetDsl.</c> + the fix's name, so that fix all applies the same fix everywhere.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NetDslCodeFixProvider)), Shared]
public sealed class NetDslCodeFixProvider : CodeFixProvider
{
    /// <summary>
    /// Every NetDsl diagnostic: which of them offers which fix is the analyzer's to say (its <c>Fix</c> property), so a
    /// diagnostic that starts offering a known fix needs no change here.
    /// </summary>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        "ND0001", "ND0002", "ND0003", "ND0004", "ND0005", "ND0006", "ND0007", "ND0008", "ND0009", "ND0010",
        "ND0011", "ND0012", "ND0013", "ND0014", "ND0015", "ND0016", "ND0017", "ND0018", "ND0019", "ND0020",
        "ND0021", "ND0022", "ND0023", "ND0024", "ND0025", "ND0026", "ND0027", "ND0028", "ND0029", "ND0030",
        "ND0031", "ND0032", "ND0033", "ND0099", "ND0101", "ND0102", "ND0103", "ND0104");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => NetDslFixAllProvider.Instance;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var fix in FixContract.FixesOf(diagnostic))
            {
                if (NetDslFixer.Resolve(solution, diagnostic, fix) is not { } request)
                {
                    continue;
                }
                var action = CodeAction.Create(
                    Title(fix, diagnostic),
                    cancellationToken => NetDslFixer.ApplyAsync(solution, new[] { request }, cancellationToken),
                    FixContract.KeyPrefix + fix);
                context.RegisterCodeFix(action, diagnostic);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>What the light bulb says.</summary>
    internal static string Title(string fix, Diagnostic diagnostic)
    {
        switch (fix)
        {
            case FixContract.InsertFlatten:
                return "Insert [Flatten]" + Before(diagnostic);
            case FixContract.InsertGlobalAveragePooling:
                return "Insert [" + FixContract.PoolingOf(diagnostic) + "]" + Before(diagnostic);
            case FixContract.UseBiasFalse:
                return "Set UseBias = false";
            case FixContract.AddPartial:
                return "Make '" + TextAt(diagnostic.Location) + "' partial";
            case FixContract.ReplaceName:
                return "Replace '" + TextAt(diagnostic.Location) + "' with '" + FixContract.Property(diagnostic, FixContract.Replacement) + "'";
            case FixContract.PaddingSame:
                return "Set Padding = Padding.Same";
            case FixContract.RemoveShortcut:
                return "Remove the shortcut [Add]";
            case FixContract.ProjectShortcut:
            {
                var strides = FixContract.Size(diagnostic, FixContract.Strides) ?? "1";
                return "Project the shortcut with a 1×1 Conv2D (" + FixContract.Size(diagnostic, FixContract.Filters) + " filters"
                    + (strides == "1" ? "" : ", strides " + strides) + ")";
            }
            case FixContract.ReorderInput:
                return "Write the input channels first: Input(" + FixContract.Property(diagnostic, FixContract.Input) + ")";
            default:
                return fix;
        }
    }

    private static string Before(Diagnostic diagnostic) =>
        FixContract.LayerLocation(diagnostic) is { IsInSource: true } location
        && location.SourceTree!.GetRoot().FindNode(location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>() is { } attribute
            ? " before " + attribute.Name
            : "";

    private static string TextAt(Location location) =>
        location.IsInSource ? location.SourceTree!.GetText().ToString(location.SourceSpan) : "";
}

/// <summary>Fix all: the same fix (one equivalence key) for every diagnostic that offers it in the document, project or solution.</summary>
internal sealed class NetDslFixAllProvider : FixAllProvider
{
    public static readonly NetDslFixAllProvider Instance = new();

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
        new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        if (FixContract.FixOfKey(fixAllContext.CodeActionEquivalenceKey) is not { } fix)
        {
            return null;
        }
        var diagnostics = new List<Diagnostic>();
        switch (fixAllContext.Scope)
        {
            case FixAllScope.Document when fixAllContext.Document is not null:
                diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in fixAllContext.Solution.Projects)
                {
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                }
                break;
            default:
                return null;
        }
        var solution = fixAllContext.Solution;
        var requests = diagnostics
            .Where(d => FixContract.FixesOf(d).Contains(fix))
            .Select(d => NetDslFixer.Resolve(solution, d, fix))
            .Where(r => r is not null)
            .Select(r => r!)
            .ToList();
        if (requests.Count == 0)
        {
            return null;
        }
        return CodeAction.Create(
            FixAllTitle(fix),
            cancellationToken => NetDslFixer.ApplyAsync(solution, requests, cancellationToken),
            fixAllContext.CodeActionEquivalenceKey);
    }

    private static string FixAllTitle(string fix) => fix switch
    {
        FixContract.InsertFlatten => "Insert [Flatten] before every layer that needs a flat input",
        FixContract.InsertGlobalAveragePooling => "Insert global average pooling before every layer that needs a flat input",
        FixContract.UseBiasFalse => "Set UseBias = false on every layer before a BatchNorm",
        FixContract.AddPartial => "Make every network class partial",
        FixContract.ReplaceName => "Replace every unknown name with the suggested one",
        FixContract.PaddingSame => "Set Padding = Padding.Same on every layer that is too large for its input",
        FixContract.RemoveShortcut => "Remove every shortcut [Add] whose shapes differ",
        FixContract.ProjectShortcut => "Project every shortcut whose shapes differ",
        FixContract.ReorderInput => "Write every input channels first",
        _ => fix,
    };
}
