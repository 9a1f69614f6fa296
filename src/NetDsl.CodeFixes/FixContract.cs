using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.CodeFixes;

/// <summary>
/// What NetDsl's analyzer puts into <see cref="Diagnostic.Properties"/> for a diagnostic that offers a fix (see
/// docs/diagnostics.md, "Code fixes"). The fixes read only these strings, never the analyzer's types.
/// </summary>
internal static class FixContract
{
    /// <summary>Comma-separated names of the fixes offered; absent: none.</summary>
    public const string Fix = "Fix";

    /// <summary>Where the layer attribute to change is: "0" (or absent) the diagnostic's location, "k" its k-th additional location.</summary>
    public const string Layer = "Layer";

    public const string Pooling = "Pooling";
    public const string Replacement = "Replacement";
    public const string Filters = "Filters";
    public const string Strides = "Strides";
    public const string Previous = "Previous";
    public const string Shortcut = "Shortcut";
    public const string Input = "Input";

    /// <summary>A code action's equivalence key is this prefix and the fix name, e.g. "NetDsl.InsertFlatten".</summary>
    public const string KeyPrefix = "NetDsl.";

    public const string InsertFlatten = "InsertFlatten";
    public const string InsertGlobalAveragePooling = "InsertGlobalAveragePooling";
    public const string UseBiasFalse = "UseBiasFalse";
    public const string AddPartial = "AddPartial";
    public const string ReplaceName = "ReplaceName";
    public const string PaddingSame = "PaddingSame";
    public const string RemoveShortcut = "RemoveShortcut";
    public const string ProjectShortcut = "ProjectShortcut";
    public const string ReorderInput = "ReorderInput";

    public static readonly ImmutableHashSet<string> Known = ImmutableHashSet.Create(StringComparer.Ordinal,
        InsertFlatten, InsertGlobalAveragePooling, UseBiasFalse, AddPartial, ReplaceName, PaddingSame, RemoveShortcut,
        ProjectShortcut, ReorderInput);

    /// <summary>The known fix names a diagnostic offers, in its order, each once.</summary>
    public static ImmutableArray<string> FixesOf(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(Fix, out var value) || string.IsNullOrWhiteSpace(value))
        {
            return ImmutableArray<string>.Empty;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fixes = ImmutableArray.CreateBuilder<string>();
        foreach (var part in value!.Split(','))
        {
            var name = part.Trim();
            if (Known.Contains(name) && seen.Add(name))
            {
                fixes.Add(name);
            }
        }
        return fixes.ToImmutable();
    }

    /// <summary>The fix name of an equivalence key, or null when the key is not one of ours.</summary>
    public static string? FixOfKey(string? key) =>
        key is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal) && Known.Contains(key.Substring(KeyPrefix.Length))
            ? key.Substring(KeyPrefix.Length)
            : null;

    /// <summary>The location that holds the layer attribute: the diagnostic's own, or one of its additional locations.</summary>
    public static Location? LayerLocation(Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(Layer, out var value) || string.IsNullOrEmpty(value))
        {
            return diagnostic.Location;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return null;
        }
        if (index == 0)
        {
            return diagnostic.Location;
        }
        return index <= diagnostic.AdditionalLocations.Count ? diagnostic.AdditionalLocations[index - 1] : null;
    }

    /// <summary>The location a fix edits: the layer attribute's for the layer fixes, the diagnostic's own for the others.</summary>
    public static Location? TargetLocation(Diagnostic diagnostic, string fix) =>
        fix is AddPartial or ReplaceName ? diagnostic.Location : LayerLocation(diagnostic);

    public static string? Property(Diagnostic diagnostic, string name) =>
        diagnostic.Properties.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>
    /// A size as the new layer's argument: an int ≥ 1 as it is ("12"), anything else as an expression string over the
    /// block's parameters ("\"filters * 2\""), which is right for every use of the block; null if absent or 0 or less.
    /// </summary>
    public static string? Size(Diagnostic diagnostic, string name)
    {
        var text = Property(diagnostic, name)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value >= 1 && value <= int.MaxValue ? value.ToString(CultureInfo.InvariantCulture) : null;
        }
        return SyntaxFactory.Literal(text!).Text;
    }

    /// <summary>Whether the diagnostic carries everything the fix needs (a malformed property offers no fix).</summary>
    public static bool HasWhatItNeeds(Diagnostic diagnostic, string fix)
    {
        switch (fix)
        {
            case ReplaceName:
                return Property(diagnostic, Replacement) is not null;
            case InsertGlobalAveragePooling:
                return Property(diagnostic, Pooling) is not { } pooling || IsName(pooling);
            case ProjectShortcut:
                return Size(diagnostic, Filters) is not null
                    && (Property(diagnostic, Strides) is null || Size(diagnostic, Strides) is not null)
                    && Property(diagnostic, Previous) is not null
                    && Property(diagnostic, Shortcut) is { } shortcut && SyntaxFacts.IsValidIdentifier(shortcut);
            case ReorderInput:
                return Property(diagnostic, Input) is { } input && !SyntaxFactory.ParseAttributeArgumentList("(" + input + ")")!.ContainsDiagnostics;
            default:
                return true;
        }
    }

    /// <summary>The attribute a pooling fix inserts: the diagnostic's <c>Pooling</c>, else GlobalAveragePooling2D.</summary>
    public static string PoolingOf(Diagnostic diagnostic) => Property(diagnostic, Pooling) ?? "GlobalAveragePooling2D";

    private static bool IsName(string text)
    {
        var name = SyntaxFactory.ParseName(text);
        return !name.ContainsDiagnostics && name.FullSpan.Length == text.Length;
    }
}
