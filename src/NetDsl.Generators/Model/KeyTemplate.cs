using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace NetDsl.Generators.Model;

/// <summary>
/// A layer's <c>Key = "…"</c>: literal text (letters, digits, '_' and '.') with int expressions in braces,
/// e.g. <c>"denselayer{repeatIndex + 1}"</c>. <see cref="Parse"/> splits it; a key, once evaluated, is
/// <see cref="IsValid"/> when it is empty or dot-separated non-empty segments.
/// </summary>
internal static class KeyTemplate
{
    /// <summary>A literal run, or an expression (the text between braces) starting at <see cref="Start"/> in the template.</summary>
    internal readonly struct Part
    {
        public Part(string text, int start, bool isExpression)
        {
            Text = text;
            Start = start;
            IsExpression = isExpression;
        }

        public string Text { get; }

        public int Start { get; }

        public bool IsExpression { get; }
    }

    private static readonly Regex Valid = new(@"^([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)?$");

    public static bool IsValid(string key) => Valid.IsMatch(key);

    /// <summary>The parts, or null with <paramref name="error"/> and its position in the template.</summary>
    public static List<Part>? Parse(string template, out string error, out int errorAt)
    {
        var parts = new List<Part>();
        error = string.Empty;
        errorAt = 0;
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{')
            {
                var close = template.IndexOf('}', i + 1);
                var nested = template.IndexOf('{', i + 1);
                if (close < 0 || nested >= 0 && nested < close)
                {
                    error = "'{' has no matching '}'";
                    errorAt = i;
                    return null;
                }
                if (template.Substring(i + 1, close - i - 1).Trim().Length == 0)
                {
                    error = "'{}' holds no expression";
                    errorAt = i;
                    return null;
                }
                parts.Add(new Part(template.Substring(i + 1, close - i - 1), i + 1, isExpression: true));
                i = close + 1;
                continue;
            }
            if (c == '}')
            {
                error = "'}' has no matching '{'";
                errorAt = i;
                return null;
            }
            var start = i;
            while (i < template.Length && template[i] != '{' && template[i] != '}')
            {
                if (!(char.IsLetterOrDigit(template[i]) && template[i] < 128 || template[i] is '_' or '.'))
                {
                    error = $"'{template[i]}' cannot be part of a key: use letters, digits, '_' and '.' between segments";
                    errorAt = i;
                    return null;
                }
                i++;
            }
            parts.Add(new Part(template.Substring(start, i - start), start, isExpression: false));
        }
        return parts;
    }
}
