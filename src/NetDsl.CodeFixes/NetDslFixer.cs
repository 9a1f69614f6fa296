using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>One fix of one diagnostic, resolved to the document and span it edits.</summary>
internal sealed class FixRequest
{
    public FixRequest(string fix, Diagnostic diagnostic, DocumentId document, TextSpan span)
    {
        Fix = fix;
        Diagnostic = diagnostic;
        Document = document;
        Span = span;
    }

    public string Fix { get; }

    public Diagnostic Diagnostic { get; }

    public DocumentId Document { get; }

    /// <summary>The layer attribute's span, or for AddPartial and ReplaceName the diagnostic's own.</summary>
    public TextSpan Span { get; }
}

/// <summary>Applies fixes, one or many (fix all), to a solution: the edit of a layer may lie in another file than its diagnostic.</summary>
internal static class NetDslFixer
{
    /// <summary>The request for a fix of a diagnostic, or null where its properties or locations do not allow it.</summary>
    public static FixRequest? Resolve(Solution solution, Diagnostic diagnostic, string fix)
    {
        if (!FixContract.HasWhatItNeeds(diagnostic, fix) || FixContract.TargetLocation(diagnostic, fix) is not { IsInSource: true } location)
        {
            return null;
        }
        var document = solution.GetDocument(location.SourceTree)?.Id
            ?? solution.GetDocumentIdsWithFilePath(location.SourceTree!.FilePath).FirstOrDefault();
        return document is null ? null : new FixRequest(fix, diagnostic, document, location.SourceSpan);
    }

    public static async Task<Solution> ApplyAsync(Solution solution, IEnumerable<FixRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var group in requests.GroupBy(r => r.Document))
        {
            var document = solution.GetDocument(group.Key);
            if (document is null)
            {
                continue;
            }
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                continue;
            }
            var model = group.Any(r => r.Fix == FixContract.PaddingSame)
                ? await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false)
                : null;
            var fixedRoot = Apply(root, model, group.ToList(), cancellationToken);
            if (fixedRoot != root)
            {
                solution = solution.WithDocumentSyntaxRoot(group.Key, fixedRoot);
            }
        }
        return solution;
    }

    private sealed class Target
    {
        public Target(FixRequest request, SyntaxNode node)
        {
            Request = request;
            Node = node;
        }

        public FixRequest Request { get; }

        public SyntaxNode Node { get; }

        /// <summary>For ReplaceName: where the replaced characters start inside the literal's token text.</summary>
        public int Offset { get; set; }

        /// <summary>For PaddingSame: the expression that names Padding.Same at the layer.</summary>
        public string Value { get; set; } = "Padding.Same";
    }

    /// <summary>
    /// Applies the fixes to one document's root. Each target node is marked first, then the fixes run last to first
    /// in the file, each on the current root, so fixes of one list or one string compose.
    /// </summary>
    internal static SyntaxNode Apply(SyntaxNode root, SemanticModel? model, IReadOnlyList<FixRequest> requests, CancellationToken cancellationToken)
    {
        var targets = new List<Target>();
        var seen = new HashSet<(string, TextSpan, string?)>();
        foreach (var request in requests)
        {
            // A block's layer can be the subject of a diagnostic at each use of the block: it is fixed once.
            var key = (request.Fix, request.Span, request.Fix == FixContract.ReplaceName ? FixContract.Property(request.Diagnostic, FixContract.Replacement) : null);
            if (seen.Add(key) && Find(root, request) is { } target)
            {
                targets.Add(target);
            }
        }
        if (targets.Count == 0)
        {
            return root;
        }

        var addUsing = false;
        foreach (var target in targets.Where(t => t.Request.Fix == FixContract.PaddingSame))
        {
            switch (PaddingInScope(model, target.Node.SpanStart, cancellationToken))
            {
                case Scope.Bound:
                    break;
                case Scope.Unbound when root is CompilationUnitSyntax unit && !HasUsing(unit, "NetDsl"):
                    addUsing = true;
                    break;
                case Scope.Unbound:
                    break;
                default:
                    target.Value = "global::NetDsl.Padding.Same";
                    break;
            }
        }

        var endOfLine = SyntaxEdits.EndOfLine(root);
        var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var target in targets)
        {
            if (!annotations.ContainsKey(target.Node))
            {
                annotations[target.Node] = new SyntaxAnnotation();
            }
        }
        root = root.ReplaceNodes(annotations.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original]));
        foreach (var target in targets.OrderByDescending(t => t.Request.Span.Start).ThenByDescending(t => t.Request.Span.End))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (root.GetAnnotatedNodes(annotations[target.Node]).FirstOrDefault() is { } current)
            {
                root = ApplyOne(root, current, target, endOfLine);
            }
        }
        if (addUsing && root is CompilationUnitSyntax compilationUnit)
        {
            root = AddUsing(compilationUnit, "NetDsl", endOfLine);
        }
        return WithoutElasticTrivia(root);
    }

    /// <summary>
    /// Tokens made by SyntaxFactory carry elastic trivia, which the IDE's clean-up after a code action reformats (it
    /// would move a new attribute list onto a line of its own): the fixes write their layout exactly, so it is made plain.
    /// </summary>
    private static SyntaxNode WithoutElasticTrivia(SyntaxNode root)
    {
        static bool IsElastic(SyntaxTrivia trivia) => trivia.HasAnnotation(SyntaxAnnotation.ElasticAnnotation);
        static SyntaxTriviaList Plain(SyntaxTriviaList list) => SyntaxFactory.TriviaList(list
            .Where(t => !IsElastic(t) || t.FullSpan.Length > 0)
            .Select(t => !IsElastic(t) ? t
                : t.IsKind(SyntaxKind.EndOfLineTrivia) ? SyntaxFactory.EndOfLine(t.ToFullString())
                : SyntaxFactory.Whitespace(t.ToFullString())));
        var tokens = root.DescendantTokens(descendIntoTrivia: true).Where(t => t.LeadingTrivia.Any(IsElastic) || t.TrailingTrivia.Any(IsElastic));
        return root.ReplaceTokens(tokens, (_, token) => token.WithLeadingTrivia(Plain(token.LeadingTrivia)).WithTrailingTrivia(Plain(token.TrailingTrivia)));
    }

    private static Target? Find(SyntaxNode root, FixRequest request)
    {
        if (!root.FullSpan.Contains(request.Span))
        {
            return null;
        }
        switch (request.Fix)
        {
            case FixContract.AddPartial:
            {
                var token = root.FindToken(request.Span.Start);
                return token.Parent is TypeDeclarationSyntax type && type.Identifier == token && !type.Modifiers.Any(SyntaxKind.PartialKeyword)
                    ? new Target(request, type)
                    : null;
            }
            case FixContract.ReplaceName:
            {
                var token = root.FindToken(request.Span.Start);
                return token.Parent is LiteralExpressionSyntax literal && IsStringToken(token) && token.Span.Contains(request.Span)
                    ? new Target(request, literal) { Offset = request.Span.Start - token.SpanStart }
                    : null;
            }
            default:
            {
                var attribute = root.FindNode(request.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
                return attribute?.Parent is AttributeListSyntax ? new Target(request, attribute) : null;
            }
        }
    }

    private static bool IsStringToken(SyntaxToken token) =>
        token.IsKind(SyntaxKind.StringLiteralToken) || token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) || token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken);

    private static SyntaxNode ApplyOne(SyntaxNode root, SyntaxNode node, Target target, SyntaxTrivia endOfLine)
    {
        var diagnostic = target.Request.Diagnostic;
        switch (target.Request.Fix)
        {
            case FixContract.AddPartial:
                return root.ReplaceNode(node, AddPartial((TypeDeclarationSyntax)node));
            case FixContract.ReplaceName:
                return ReplaceName(root, (LiteralExpressionSyntax)node, target.Offset, target.Request.Span.Length, FixContract.Property(diagnostic, FixContract.Replacement)!);
        }
        var attribute = (AttributeSyntax)node;
        switch (target.Request.Fix)
        {
            case FixContract.InsertFlatten:
                return SyntaxEdits.InsertBefore(root, attribute, SyntaxFactory.Attribute(SyntaxFactory.ParseName("Flatten")), endOfLine);
            case FixContract.InsertGlobalAveragePooling:
                return SyntaxEdits.InsertBefore(root, attribute, SyntaxFactory.Attribute(SyntaxFactory.ParseName(FixContract.PoolingOf(diagnostic))), endOfLine);
            case FixContract.UseBiasFalse:
                return root.ReplaceNode(attribute, SyntaxEdits.SetNamedArgument(attribute, "UseBias", SyntaxFactory.ParseExpression("false")));
            case FixContract.PaddingSame:
                // Explicit padding, per side or in all, and PyTorch's ceil_mode cannot be set together with Padding.Same.
                return root.ReplaceNode(attribute, SyntaxEdits.SetNamedArgument(attribute, "Padding", SyntaxFactory.ParseExpression(target.Value),
                    "Pad", "PadHeight", "PadWidth", "CeilMode"));
            case FixContract.ReorderInput:
            {
                var arguments = SyntaxFactory.ParseAttributeArgumentList("(" + FixContract.Property(diagnostic, FixContract.Input) + ")")!;
                var replaced = attribute.ArgumentList is { } old
                    ? attribute.WithArgumentList(arguments.WithTriviaFrom(old))
                    : attribute.WithName(attribute.Name.WithoutTrailingTrivia()).WithArgumentList(arguments.WithTrailingTrivia(attribute.Name.GetTrailingTrivia()));
                return root.ReplaceNode(attribute, replaced);
            }
            case FixContract.RemoveShortcut:
                return SyntaxEdits.Remove(root, attribute);
            case FixContract.ProjectShortcut:
                return ProjectShortcut(root, attribute, diagnostic, endOfLine);
            default:
                return root;
        }
    }

    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Count == 0)
        {
            // class Net → partial class Net: the keyword's leading trivia (indentation, comments) moves to the modifier.
            var partial = SyntaxFactory.Token(type.Keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.WithKeyword(type.Keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }
        // 'partial' goes last, immediately before the keyword, where C# requires it (public sealed partial class).
        return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }

    private static SyntaxNode ReplaceName(SyntaxNode root, LiteralExpressionSyntax literal, int offset, int length, string replacement)
    {
        var token = literal.Token;
        var text = token.Text;
        if (offset < 0 || offset + length > text.Length)
        {
            return root;
        }
        var newText = text.Substring(0, offset) + replacement + text.Substring(offset + length);
        var newToken = SyntaxFactory.ParseToken(newText);
        if (!IsStringToken(newToken) || newToken.Text != newText || newToken.ContainsDiagnostics)
        {
            return root;
        }
        return root.ReplaceNode(literal, literal.WithToken(newToken.WithTriviaFrom(token)));
    }

    /// <summary>
    /// [Add] → [Conv2D(filters, 1, strides, UseBias = false, From = "input", Name = "proj")] [Add("previous", "proj")]:
    /// a 1×1 convolution makes the block's input the shape of its output, and the Add sums the two by name.
    /// </summary>
    private static SyntaxNode ProjectShortcut(SyntaxNode root, AttributeSyntax add, Diagnostic diagnostic, SyntaxTrivia endOfLine)
    {
        var filters = FixContract.Size(diagnostic, FixContract.Filters)!;
        var strides = FixContract.Size(diagnostic, FixContract.Strides) ?? "1";
        var previous = FixContract.Property(diagnostic, FixContract.Previous)!;
        var shortcut = FixContract.Property(diagnostic, FixContract.Shortcut)!;

        var arguments = new List<AttributeArgumentSyntax>
        {
            SyntaxEdits.Argument(Literal(previous)),
            SyntaxEdits.Argument(Literal(shortcut)),
        };
        // Named arguments (Name, When, …) stay; the shortcut had no inputs of its own.
        arguments.AddRange(add.ArgumentList?.Arguments.Where(a => a.NameEquals is not null) ?? Enumerable.Empty<AttributeArgumentSyntax>());
        var newAdd = add.ArgumentList is null
            ? add.WithName(add.Name.WithoutTrailingTrivia()).WithArgumentList(SyntaxFactory.AttributeArgumentList().WithTrailingTrivia(add.Name.GetTrailingTrivia()))
            : add.WithArgumentList(add.ArgumentList.WithArguments(default));
        newAdd = SyntaxEdits.WithArguments(newAdd, arguments);
        var annotation = new SyntaxAnnotation();
        root = root.ReplaceNode(add, newAdd.WithAdditionalAnnotations(annotation));

        // The stride is Conv2D's third constructor argument (it has no Strides property), left out when it is 1.
        var text = "(" + filters + ", 1" + (strides == "1" ? "" : ", " + strides) + ", UseBias = false, From = \"input\", Name = " + Literal(shortcut) + ")";
        var convolution = SyntaxFactory.Attribute(SyntaxFactory.ParseName("Conv2D"), SyntaxFactory.ParseAttributeArgumentList(text)!);
        root = SyntaxEdits.InsertBefore(root, (AttributeSyntax)root.GetAnnotatedNodes(annotation).Single(), convolution, endOfLine);
        var marked = root.GetAnnotatedNodes(annotation).Single();
        return root.ReplaceNode(marked, marked.WithoutAnnotations(annotation));
    }

    private static string Literal(string value) => SyntaxFactory.Literal(value).Text;

    private enum Scope
    {
        /// <summary><c>Padding.Same</c> is NetDsl's at the layer.</summary>
        Bound,

        /// <summary>Nothing is called Padding there: a <c>using NetDsl;</c> makes it NetDsl's.</summary>
        Unbound,

        /// <summary>Something else is called Padding there: only <c>global::NetDsl.Padding.Same</c> is NetDsl's.</summary>
        Other,
    }

    private static Scope PaddingInScope(SemanticModel? model, int position, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            return Scope.Bound;
        }
        var same = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.ParseExpression("Padding.Same"), SpeculativeBindingOption.BindAsExpression);
        if (same.Symbol is IFieldSymbol { Name: "Same" } field && field.ContainingType.ToDisplayString() == "NetDsl.Padding")
        {
            return Scope.Bound;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var name = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.ParseTypeName("Padding"), SpeculativeBindingOption.BindAsTypeOrNamespace);
        return name.Symbol is null && name.CandidateSymbols.IsEmpty ? Scope.Unbound : Scope.Other;
    }

    private static bool HasUsing(CompilationUnitSyntax unit, string name) =>
        unit.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == name);

    /// <summary>Adds <c>using name;</c> among the file's usings, in order (System first), or above its first line when it has none.</summary>
    private static SyntaxNode AddUsing(CompilationUnitSyntax unit, string name, SyntaxTrivia endOfLine)
    {
        var directive = SyntaxFactory.ParseCompilationUnit("using " + name + ";").Usings[0].WithTrailingTrivia(endOfLine);
        var usings = unit.Usings;
        if (usings.Count == 0)
        {
            var first = unit.GetFirstToken(includeZeroWidth: true);
            directive = directive.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(endOfLine, endOfLine);
            unit = unit.ReplaceToken(first, first.WithLeadingTrivia());
            return unit.WithUsings(SyntaxFactory.SingletonList(directive));
        }
        var index = 0;
        while (index < usings.Count && Before(usings[index], name))
        {
            index++;
        }
        if (index == 0)
        {
            directive = directive.WithLeadingTrivia(usings[0].GetLeadingTrivia());
            usings = usings.Replace(usings[0], usings[0].WithLeadingTrivia());
        }
        return unit.WithUsings(usings.Insert(index, directive));
    }

    /// <summary>Whether an existing using stays before <c>using name;</c>: global and System usings, and plain ones ordered before it.</summary>
    private static bool Before(UsingDirectiveSyntax existing, string name)
    {
        if (!existing.GlobalKeyword.IsKind(SyntaxKind.None))
        {
            return true;
        }
        if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None) || existing.Name is null)
        {
            return false;
        }
        var other = existing.Name.ToString();
        return other == "System" || other.StartsWith("System.", System.StringComparison.Ordinal) || string.CompareOrdinal(other, name) < 0;
    }
}
