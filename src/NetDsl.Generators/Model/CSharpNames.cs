using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generators.Model;

/// <summary>How a name the user wrote is spelt in generated C#.</summary>
internal static class CSharpNames
{
    /// <summary>The identifier as C# source: keywords get '@' (a class named <c>@class</c> has the name "class").</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.VarKeyword or SyntaxKind.NameOfKeyword
            ? "@" + name
            : name;

    /// <summary>A C# string literal holding <paramref name="text"/>.</summary>
    public static string StringLiteral(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
