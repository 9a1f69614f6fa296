using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.CodeFixes;

/// <summary>
/// The edits the fixes are made of, on attributes and attribute lists, each returning a new root and keeping the
/// source's layout: a new attribute list gets its own line with the same indentation, a removed one takes its line with
/// it, and arguments are written as a person writes them (<c>UseBias = false</c>, after a comma and a space).
/// </summary>
internal static class SyntaxEdits
{
    private static readonly SyntaxTrivia Space = SyntaxFactory.Space;

    /// <summary>The document's line ending: the first one it has, else "\n".</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia(descendIntoTrivia: true))
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToFullString() == "\r\n" ? SyntaxFactory.CarriageReturnLineFeed : SyntaxFactory.LineFeed;
            }
        }
        return SyntaxFactory.LineFeed;
    }

    public static AttributeArgumentSyntax Argument(string text) =>
        SyntaxFactory.ParseAttributeArgumentList("(" + text + ")")!.Arguments[0];

    private static SyntaxToken Comma() => SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space);

    /// <summary>Whether the node is the first thing on its line (only whitespace before it).</summary>
    public static bool StartsLine(SyntaxNode node)
    {
        var first = node.GetFirstToken();
        var previous = first.GetPreviousToken();
        return previous.IsKind(SyntaxKind.None)
            || previous.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
            || first.LeadingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.HasStructure);
    }

    /// <summary>The whitespace that ends a leading trivia list: the indentation of what follows it.</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        var start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }
        return SyntaxFactory.TriviaList(leading.Skip(start));
    }

    private static SyntaxTriviaList WithoutIndentation(SyntaxTriviaList leading) =>
        SyntaxFactory.TriviaList(leading.Take(leading.Count - Indentation(leading).Count));

    /// <summary>
    /// Inserts <paramref name="inserted"/> immediately before the attribute: into its list when the list holds several
    /// attributes (<c>[Conv2D(4, 3), Flatten, Dense(10)]</c>), else as a list of its own, on the line above with the
    /// same indentation (or just before it, when the list shares its line with what precedes it).
    /// </summary>
    public static SyntaxNode InsertBefore(SyntaxNode root, AttributeSyntax attribute, AttributeSyntax inserted, SyntaxTrivia endOfLine)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
        {
            var items = new List<SyntaxNodeOrToken>();
            foreach (var item in list.Attributes.GetWithSeparators())
            {
                if (item.IsNode && item.AsNode() == attribute)
                {
                    items.Add(inserted.WithLeadingTrivia(attribute.GetLeadingTrivia()));
                    items.Add(Comma());
                    items.Add(attribute.WithLeadingTrivia());
                }
                else
                {
                    items.Add(item);
                }
            }
            return root.ReplaceNode(list, list.WithAttributes(SyntaxFactory.SeparatedList<AttributeSyntax>(items)));
        }
        var leading = list.GetLeadingTrivia();
        var ownLine = StartsLine(list);
        var newList = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(inserted.WithoutTrivia()))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(ownLine ? endOfLine : Space);
        var annotation = new SyntaxAnnotation();
        root = root.ReplaceNode(list, list.WithLeadingTrivia(ownLine ? Indentation(leading) : default).WithAdditionalAnnotations(annotation));
        root = root.InsertNodesBefore(root.GetAnnotatedNodes(annotation).Single(), new[] { newList });
        var marked = root.GetAnnotatedNodes(annotation).Single();
        return root.ReplaceNode(marked, marked.WithoutAnnotations(annotation));
    }

    /// <summary>Removes the attribute: from its list when the list holds others, else the whole list, with its line when it had one of its own.</summary>
    public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
        {
            var items = list.Attributes.GetWithSeparators().ToList();
            var index = items.FindIndex(i => i.IsNode && i.AsNode() == attribute);
            if (index == 0)
            {
                // [Add, B] → [B]: B takes Add's place, leading trivia included.
                items[2] = items[2].AsNode()!.WithLeadingTrivia(attribute.GetLeadingTrivia());
                items.RemoveRange(0, 2);
            }
            else
            {
                items.RemoveRange(index - 1, 2);
            }
            return root.ReplaceNode(list, list.WithAttributes(SyntaxFactory.SeparatedList<AttributeSyntax>(items)));
        }

        var previous = list.GetFirstToken().GetPreviousToken();
        var next = list.GetLastToken().GetNextToken(includeZeroWidth: true);
        var leading = list.GetLeadingTrivia();
        var trailing = list.GetTrailingTrivia();
        var tokens = new Dictionary<SyntaxToken, SyntaxToken>();
        if (StartsLine(list))
        {
            // A list alone on its line takes the line with it; one followed by code on its line leaves that code where the list began.
            var moved = trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? WithoutIndentation(leading) : leading;
            tokens[next] = next.WithLeadingTrivia(moved.AddRange(next.LeadingTrivia));
        }
        else if (!previous.IsKind(SyntaxKind.None))
        {
            // [A] [Add]⏎ → [A]⏎: what followed the removed list now follows the one before it.
            tokens[previous] = previous.WithTrailingTrivia(trailing);
        }
        var annotation = new SyntaxAnnotation();
        root = root.ReplaceSyntax(
            new[] { list }, (_, rewritten) => rewritten.WithAdditionalAnnotations(annotation),
            tokens.Keys, (original, _) => tokens[original],
            Enumerable.Empty<SyntaxTrivia>(), (_, rewritten) => rewritten);
        return root.RemoveNode(root.GetAnnotatedNodes(annotation).Single(), SyntaxRemoveOptions.KeepNoTrivia)!;
    }

    private static string? NameOf(AttributeArgumentSyntax argument) => argument.NameEquals?.Name.Identifier.ValueText;

    /// <summary>
    /// Sets the named argument <paramref name="name"/> to <paramref name="value"/>: replaces its value where it is set,
    /// else takes the place of the first of <paramref name="removed"/> that is set, else goes last; the arguments named in
    /// <paramref name="removed"/> go.
    /// </summary>
    public static AttributeSyntax SetNamedArgument(AttributeSyntax attribute, string name, ExpressionSyntax value, params string[] removed)
    {
        var arguments = attribute.ArgumentList?.Arguments.ToList() ?? new List<AttributeArgumentSyntax>();
        var result = new List<AttributeArgumentSyntax>();
        var placed = false;
        var existing = arguments.Any(a => NameOf(a) == name);
        foreach (var argument in arguments)
        {
            var argumentName = NameOf(argument);
            if (argumentName == name)
            {
                if (!placed)
                {
                    result.Add(argument.WithExpression(value.WithTriviaFrom(argument.Expression)));
                    placed = true;
                }
            }
            else if (argumentName is not null && Array.IndexOf(removed, argumentName) >= 0)
            {
                if (!existing && !placed)
                {
                    result.Add(Argument(name + " = " + value.ToFullString()).WithTriviaFrom(argument));
                    placed = true;
                }
            }
            else
            {
                result.Add(argument);
            }
        }
        if (!placed)
        {
            result.Add(Argument(name + " = " + value.ToFullString()));
        }
        return WithArguments(attribute, result);
    }

    /// <summary>The attribute with these arguments, keeping the separators it had where there are as many.</summary>
    public static AttributeSyntax WithArguments(AttributeSyntax attribute, IReadOnlyList<AttributeArgumentSyntax> arguments)
    {
        var oldList = attribute.ArgumentList;
        var separators = oldList?.Arguments.GetSeparators().ToList() ?? new List<SyntaxToken>();
        var items = new List<SyntaxNodeOrToken>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (i > 0)
            {
                items.Add(i - 1 < separators.Count ? separators[i - 1] : Comma());
            }
            items.Add(arguments[i]);
        }
        var separated = SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items);
        if (oldList is not null)
        {
            return attribute.WithArgumentList(oldList.WithArguments(separated));
        }
        if (arguments.Count == 0)
        {
            return attribute;
        }
        // [MaxPooling2D] → [MaxPooling2D(Padding = Padding.Same)]: what followed the name follows the closing parenthesis.
        var newList = SyntaxFactory.AttributeArgumentList(separated).WithTrailingTrivia(attribute.Name.GetTrailingTrivia());
        return attribute.WithName(attribute.Name.WithoutTrailingTrivia()).WithArgumentList(newList);
    }
}
