using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetDsl.Tests.Fuzz;

/// <summary>
/// Mutations of the text of a random valid program: numbers, layer lines, names and expression strings. Each looks
/// for a site in a freshly generated program and tries new programs until it finds one.
/// </summary>
internal static class FuzzTextMutations
{
    private static readonly Regex IntegerLiteral = new(@"(?<![\w.]|[eE][-+])\d+(?![\w.])", RegexOptions.CultureInvariant);
    private static readonly Regex HeaderAttribute = new(@"\b(Network|Variant|Input|DefaultRegularizer)\b", RegexOptions.CultureInvariant);
    private static readonly Regex NameProperty = new(@"(?<!\w)Name = ""[^""]*""", RegexOptions.CultureInvariant);

    private delegate string? Edit(Random rng, List<string> lines, string text);

    private static FuzzMutant Mutate(Random rng, Edit edit)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var generator = new ValidNetworkGenerator(rng);
            var files = FuzzRenderer.Render(generator.Generate());
            var index = rng.Next(files.Length);
            var lines = files[index].Source.Split('\n').ToList();
            var detail = edit(rng, lines, files[index].Source);
            if (detail is null)
            {
                continue;
            }
            files[index] = (files[index].Path, string.Join("\n", lines));
            return new FuzzMutant(detail, files, Array.Empty<FuzzExpectation>()) { UsesGeneratedMembers = generator.Program.Networks.Any(n => n.MembersUseGenerated) };
        }
        throw new InvalidOperationException("no mutation site in 100 programs");
    }

    private static bool IsAttributeLine(string line)
    {
        var trimmed = line.Trim();
        return trimmed.StartsWith('[') && trimmed.EndsWith(']');
    }

    private static bool IsLayerLine(string line) => IsAttributeLine(line) && !HeaderAttribute.IsMatch(Unquoted(line));

    /// <summary>The line with the contents of its string literals blanked out, so patterns only see code.</summary>
    private static string Unquoted(string line)
    {
        var chars = line.ToCharArray();
        var inside = false;
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '"')
            {
                inside = !inside;
                continue;
            }
            if (inside)
            {
                chars[i] = ' ';
            }
        }
        return new string(chars);
    }

    /// <summary>Single attributes per line: no comma at bracket depth 1 outside parentheses and strings.</summary>
    private static bool IsSingleAttribute(string line)
    {
        var code = Unquoted(line.Trim());
        var depth = 0;
        foreach (var c in code)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Runs of attribute lines that end at a class declaration: the layer lists of networks and blocks.</summary>
    private static List<List<int>> Groups(List<string> lines)
    {
        var groups = new List<List<int>>();
        var current = new List<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (IsAttributeLine(lines[i]))
            {
                current.Add(i);
                continue;
            }
            if (current.Count > 0 && (lines[i].Contains(" class ", StringComparison.Ordinal) || lines[i].TrimStart().StartsWith("class ", StringComparison.Ordinal)))
            {
                groups.Add(current.Where(j => IsLayerLine(lines[j])).ToList());
            }
            current = new List<int>();
        }
        return groups.Where(g => g.Count > 0).ToList();
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    public static FuzzMutant Number(Random rng, string replacement) => Mutate(rng, (r, lines, _) =>
    {
        var sites = new List<(int Line, Match Match)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (IsAttributeLine(lines[i]))
            {
                sites.AddRange(IntegerLiteral.Matches(Unquoted(lines[i])).Select(m => (i, m)));
            }
        }
        if (sites.Count == 0)
        {
            return null;
        }
        var (line, match) = Pick(r, sites);
        var before = lines[line].Trim();
        lines[line] = lines[line].Substring(0, match.Index) + replacement + lines[line].Substring(match.Index + match.Length);
        return $"{before} → {lines[line].Trim()}";
    });

    public static FuzzMutant LayerDelete(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var groups = Groups(lines);
        if (groups.Count == 0)
        {
            return null;
        }
        var line = Pick(r, Pick(r, groups));
        var removed = lines[line].Trim();
        lines.RemoveAt(line);
        return "deleted " + removed;
    });

    public static FuzzMutant LayerDuplicate(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var groups = Groups(lines);
        if (groups.Count == 0)
        {
            return null;
        }
        var line = Pick(r, Pick(r, groups));
        lines.Insert(line, lines[line]);
        return "duplicated " + lines[line].Trim();
    });

    public static FuzzMutant LayerMove(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var groups = Groups(lines).Where(g => g.Count >= 2).ToList();
        if (groups.Count == 0)
        {
            return null;
        }
        var group = Pick(r, groups);
        var from = Pick(r, group);
        var to = Pick(r, group.Where(g => g != from).ToList());
        var text = lines[from];
        lines[from] = lines[to];
        lines[to] = text;
        return $"swapped {text.Trim()} and {lines[from].Trim()}";
    });

    private static string SetName(string line, string name)
    {
        if (NameProperty.IsMatch(line))
        {
            return NameProperty.Replace(line, $"Name = \"{name}\"", 1);
        }
        var close = line.LastIndexOf(")]", StringComparison.Ordinal);
        if (close < 0)
        {
            var end = line.LastIndexOf(']');
            return line.Substring(0, end) + $"(Name = \"{name}\")" + line.Substring(end);
        }
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var empty = line.Substring(open + 1, close - open - 1).Trim().Length == 0;
        return line.Substring(0, close) + (empty ? string.Empty : ", ") + $"Name = \"{name}\"" + line.Substring(close);
    }

    public static FuzzMutant NameDuplicate(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var groups = Groups(lines).Select(g => g.Where(i => IsSingleAttribute(lines[i])).ToList()).Where(g => g.Count >= 2).ToList();
        if (groups.Count == 0)
        {
            return null;
        }
        var group = Pick(r, groups).OrderBy(_ => r.Next()).Take(2).ToList();
        var existing = NameProperty.Match(lines[group[0]]);
        var name = existing.Success ? existing.Value.Substring("Name = \"".Length).TrimEnd('"') : "dup";
        lines[group[0]] = SetName(lines[group[0]], name);
        lines[group[1]] = SetName(lines[group[1]], name);
        return $"both named {name}: {lines[group[0]].Trim()} {lines[group[1]].Trim()}";
    });

    private static readonly HashSet<string> Merges = new(StringComparer.Ordinal) { "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate" };

    /// <summary>
    /// String literals in attribute lines that are expressions: (line, start of contents, length). Not names: a
    /// layer's Name, its From, the inputs a merge names in its constructor, or a block's [BlockInputs] names.
    /// </summary>
    private static List<(int Line, int Start, int Length, bool IsWhen)> Expressions(List<string> lines)
    {
        var result = new List<(int, int, int, bool)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!IsAttributeLine(lines[i]))
            {
                continue;
            }
            var line = lines[i];
            // The attribute or call each parenthesis opens, so a string knows whose argument it is.
            var calls = new Stack<string>();
            for (var c = 0; c < line.Length; c++)
            {
                if (line[c] == '(')
                {
                    var nameEnd = c;
                    var nameStart = c;
                    while (nameStart > 0 && (char.IsLetterOrDigit(line[nameStart - 1]) || line[nameStart - 1] == '_'))
                    {
                        nameStart--;
                    }
                    var call = line.Substring(nameStart, nameEnd - nameStart);
                    calls.Push(call.EndsWith("Attribute", StringComparison.Ordinal) ? call.Substring(0, call.Length - "Attribute".Length) : call);
                    continue;
                }
                if (line[c] == ')')
                {
                    if (calls.Count > 0)
                    {
                        calls.Pop();
                    }
                    continue;
                }
                if (line[c] != '"')
                {
                    continue;
                }
                var end = line.IndexOf('"', c + 1);
                if (end < 0)
                {
                    break;
                }
                var before = line.Substring(0, c).TrimEnd();
                var property = before.EndsWith('=');
                // A [Let]'s header ("width", "half(v)") is a name too, not an expression.
                var isName = before.EndsWith("Name =", StringComparison.Ordinal) || before.EndsWith("From =", StringComparison.Ordinal) ||
                    !property && calls.Count > 0 && (Merges.Contains(calls.Peek()) || calls.Peek() == "BlockInputs") ||
                    calls.Count > 0 && calls.Peek() == "Let" && before.EndsWith("Let(", StringComparison.Ordinal);
                if (!isName)
                {
                    result.Add((i, c + 1, end - c - 1, before.EndsWith("When =", StringComparison.Ordinal)));
                }
                c = end;
            }
        }
        return result;
    }

    private static string? ReplaceExpression(Random rng, List<string> lines, Func<string, bool, string> change)
    {
        var sites = Expressions(lines);
        if (sites.Count == 0)
        {
            return null;
        }
        var (line, start, length, isWhen) = Pick(rng, sites);
        var old = lines[line].Substring(start, length);
        var replacement = change(old, isWhen);
        lines[line] = lines[line].Substring(0, start) + replacement + lines[line].Substring(start + length);
        return $"\"{old}\" → \"{replacement}\"";
    }

    public static FuzzMutant ExpressionUnknownName(Random rng) => Mutate(rng, (r, lines, _) => ReplaceExpression(r, lines, (old, isWhen) =>
    {
        var misspelled = Regex.Replace(old, @"\binputChannels\b", "inputChanels");
        if (misspelled != old && r.Next(2) == 0)
        {
            return misspelled;
        }
        // Only in a When is the site's type known (bool); elsewhere (a size, a rate, a block argument of any type)
        // the unknown name replaces the whole expression, so that it adds no type error as well.
        return isWhen ? old + " && missing" : r.Next(2) == 0 ? "missing" : "Width";
    }));

    public static FuzzMutant ExpressionSyntaxError(Random rng) => Mutate(rng, (r, lines, _) => ReplaceExpression(r, lines, (old, _) => r.Next(7) switch
    {
        0 => old + " *",
        1 => "(" + old,
        2 => old + ")",
        3 => string.Empty,
        4 => old + " ? 1",
        5 => old.Replace(" ", " +* ", StringComparison.Ordinal) + " $",
        _ => old + " 2",
    }));

    public static FuzzMutant ExpressionTypeError(Random rng) => Mutate(rng, (r, lines, text) =>
    {
        var bools = Regex.Matches(text, @"\bbool (\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        return ReplaceExpression(r, lines, (old, isWhen) =>
        {
            if (isWhen)
            {
                return r.Next(2) == 0 ? "inputChannels" : "(" + old + ") + 1";
            }
            if (bools.Count > 0 && r.Next(2) == 0)
            {
                return Pick(r, bools) + " + 1";
            }
            return r.Next(2) == 0 ? "inputChannels > 1" : "true ? 1 : false";
        });
    });

    public static FuzzMutant ExpressionDivisionByZero(Random rng) => Mutate(rng, (r, lines, _) => ReplaceExpression(r, lines, (old, isWhen) =>
        isWhen ? "(" + old + ") && 1 / 0 == 0" : r.Next(3) switch
        {
            0 => "(" + old + ") / 0",
            1 => "(" + old + ") % (inputChannels - inputChannels)",
            _ => "inputChannels / (1 - 1) + (" + old + ")",
        }));

    public static FuzzMutant WhenNegationRemoved(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var sites = new List<(int Line, Match Match)>();
        var negated = new Regex(@"When = ""!([^""]*)""", RegexOptions.CultureInvariant);
        for (var i = 0; i < lines.Count; i++)
        {
            sites.AddRange(negated.Matches(lines[i]).Select(m => (i, m)));
        }
        if (sites.Count == 0)
        {
            return null;
        }
        var (line, match) = Pick(r, sites);
        var inner = match.Groups[1].Value;
        if (inner.StartsWith('(') && inner.EndsWith(')'))
        {
            inner = inner.Substring(1, inner.Length - 2);
        }
        lines[line] = lines[line].Substring(0, match.Index) + $"When = \"{inner}\"" + lines[line].Substring(match.Index + match.Length);
        return $"{match.Value} → When = \"{inner}\"";
    });

    public static FuzzMutant WrongArgumentType(Random rng) => Mutate(rng, (r, lines, _) =>
    {
        var groups = Groups(lines);
        if (groups.Count == 0)
        {
            return null;
        }
        var choice = r.Next(7);
        var candidates = groups.SelectMany(g => g).Where(i => IsSingleAttribute(lines[i])).ToList();
        switch (choice)
        {
            case 0:
            {
                var first = Pick(r, groups)[0];
                var indent = lines[first].Substring(0, lines[first].Length - lines[first].TrimStart().Length);
                lines.Insert(first, indent + "[Dense(\"x\", UseBias = 3)]");
                return "inserted [Dense(\"x\", UseBias = 3)]";
            }
            case 1:
                return AddProperty(r, lines, candidates, @"\[(Dense|Conv2D|DepthwiseConv2D)\(", "UseBias = 3");
            case 2:
                return AddProperty(r, lines, candidates, @"\[(Conv2D|DepthwiseConv2D|MaxPooling2D|AveragePooling2D)\(", "Padding = 1");
            case 3:
                return AddProperty(r, lines, candidates, @"\[\w+\(", "Name = 5");
            case 4:
                return AddProperty(r, lines, candidates, @"\[\w+\(", "When = true");
            case 5:
                return AddProperty(r, lines, candidates, @"\[BatchNorm", "Epsilon = \"1e-3\"");
            default:
            {
                var sites = lines.Select((l, i) => (l, i)).Where(p => Regex.IsMatch(p.l, @"\[Dense\(\d+")).Select(p => p.i).ToList();
                if (sites.Count == 0)
                {
                    return null;
                }
                var line = Pick(r, sites);
                lines[line] = Regex.Replace(lines[line], @"\[Dense\((\d+)", "[Dense($1.5", RegexOptions.CultureInvariant);
                return "Dense(n.5) " + lines[line].Trim();
            }
        }
    });

    private static string? AddProperty(Random rng, List<string> lines, List<int> candidates, string pattern, string property)
    {
        var sites = candidates.Where(i => Regex.IsMatch(lines[i], pattern) || pattern.Contains("BatchNorm", StringComparison.Ordinal) && lines[i].Contains("[BatchNorm", StringComparison.Ordinal)).ToList();
        if (sites.Count == 0)
        {
            return null;
        }
        var line = Pick(rng, sites);
        var text = lines[line];
        var close = text.LastIndexOf(")]", StringComparison.Ordinal);
        lines[line] = close < 0
            ? text.Substring(0, text.LastIndexOf(']')) + "(" + property + ")]"
            : text.Substring(0, close) + ", " + property + text.Substring(close);
        return property + " on " + lines[line].Trim();
    }
}
