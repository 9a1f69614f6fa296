using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generators.Model;

// The backend-neutral description of a network, as parsed from attributes. Every type here is a value-equal record
// holding no Roslyn symbol, syntax node or Location, so the incremental pipeline can cache it; every emitter
// (TorchSharp today) reads it together with the shape-inference result.

/// <summary>A place in source: file, span, and its line/column range (what a Location is made from).</summary>
internal sealed record SourceSpan(string FilePath, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter);

internal enum ValueKind
{
    Int,
    Double,
    Bool,
    Expression,
    List,

    /// <summary>A typeof(...) argument: Text is the type's global:: name, Bool whether its constructor takes the input Shape.</summary>
    Type,

    /// <summary>A member of an enum: Int its value, Text how it is written (Activation.ReLU), EnumType its type's full name.</summary>
    Enum,
}

/// <summary>An attribute argument: a constant, or an expression over block parameters written as a string.</summary>
internal sealed record ArgumentValue(ValueKind Kind, long Int, double Double, bool Bool, string? Text, SourceSpan? Span)
{
    public static ArgumentValue OfInt(long value, SourceSpan? span) => new(ValueKind.Int, value, value, false, null, span);

    public static ArgumentValue OfDouble(double value, SourceSpan? span) => new(ValueKind.Double, 0, value, false, null, span);

    public static ArgumentValue OfBool(bool value, SourceSpan? span) => new(ValueKind.Bool, 0, 0, value, null, span);

    public static ArgumentValue OfExpression(string text, SourceSpan? span) => new(ValueKind.Expression, 0, 0, false, text, span);

    public static ArgumentValue OfType(string fullName, bool takesShape, SourceSpan? span) => new(ValueKind.Type, 0, 0, takesShape, fullName, span);

    public static ArgumentValue OfList(EquatableArray<ArgumentValue> items, SourceSpan? span) => new(ValueKind.List, 0, 0, false, null, span) { Items = items };

    public static ArgumentValue OfEnum(string enumType, long value, string display, SourceSpan? span) => new(ValueKind.Enum, value, value, false, display, span) { EnumType = enumType };

    /// <summary>An enum constant's type, by its full name (NetDsl.Activation); null for other values.</summary>
    public string? EnumType { get; init; }

    /// <summary>The elements of an array argument (<c>params</c>), each with its own span.</summary>
    public EquatableArray<ArgumentValue> Items { get; init; } = EquatableArray<ArgumentValue>.Empty;
}

internal sealed record Argument(string Name, ArgumentValue Value);

/// <summary>A name written in an attribute to say where a layer takes its input from, with where it was written.</summary>
internal sealed record NameReference(string Name, SourceSpan? Span);

/// <summary>
/// One layer or block usage, with its final name (written by the user or derived from kind and position).
/// <see cref="Kind"/> is the catalogue name of a built-in layer (<c>Conv2D</c>, see Layers/LayerCatalog.cs), or
/// <see cref="BlockKind"/> with <see cref="BlockType"/> naming the block's attribute class.
/// </summary>
internal sealed record LayerSpec(
    string Kind,
    string Name,
    ArgumentValue? When,
    EquatableArray<Argument> Arguments,
    string? BlockType,
    SourceSpan? Span)
{
    public const string BlockKind = "Block";

    /// <summary>
    /// The outputs this layer reads, by name ("input" is the scope's input): a merge's list, or <c>From</c>. Empty:
    /// the previous layer's output (and, for a legacy <c>[Add]</c>, also the scope's input).
    /// </summary>
    public EquatableArray<NameReference> Inputs { get; init; } = EquatableArray<NameReference>.Empty;

    public bool IsBlock => BlockType is not null;

    /// <summary><c>Repeat = "n"</c>: the layer is a chain of n copies, whose arguments may read <c>repeatIndex</c>.</summary>
    public ArgumentValue? Repeat { get; init; }

    /// <summary><c>Key = "…"</c>: the layer's state-dict key template (braces hold int expressions), or null for its name.</summary>
    public ArgumentValue? Key { get; init; }

    public ArgumentValue? Get(string name)
    {
        foreach (var argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument.Value;
            }
        }
        return null;
    }
}

internal enum ParameterType
{
    Int,
    Bool,
    Double,

    /// <summary>An enum: <see cref="BlockParameter.EnumType"/> says which.</summary>
    Enum,
}

/// <summary>The C# type NetDsl emits for a block parameter.</summary>
internal static class ParameterTypes
{
    public static string CSharp(ParameterType type) => type switch
    {
        ParameterType.Bool => "bool",
        ParameterType.Double => "double",
        ParameterType.Enum => "enum",
        _ => "long",
    };
}

internal sealed record BlockParameter(string Name, ParameterType Type, ArgumentValue? Default)
{
    /// <summary>The full name of an enum parameter's type (NetDsl.Activation, Ns.Kind); null for other types.</summary>
    public string? EnumType { get; init; }
}

/// <summary>An enum whose members expressions may name (NetDsl's own, and the types of enum block parameters).</summary>
internal sealed record EnumDefinition(string FullName, EquatableArray<EnumMember> Members);

internal sealed record EnumMember(string Name, long Value);

/// <summary>A reusable block: an attribute class deriving from BlockAttribute, its parameters and its body.</summary>
internal sealed record BlockDefinition(
    string TypeName,
    string Name,
    EquatableArray<BlockParameter> Parameters,
    EquatableArray<LayerSpec> Body,
    SourceSpan? Span)
{
    /// <summary>[Input(...)] on the block class: the input every use must have (0: any size on that axis); empty: none.</summary>
    public EquatableArray<long> DeclaredInput { get; init; } = EquatableArray<long>.Empty;

    /// <summary>The block's [Let]s, in source order.</summary>
    public EquatableArray<LetDefinition> Lets { get; init; } = EquatableArray<LetDefinition>.Empty;

    /// <summary>[BlockInputs("x", "skip")]: the names of its inputs; empty for a block of one input, called "input".</summary>
    public EquatableArray<string> InputNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The names its layers read its inputs by.</summary>
    public IReadOnlyList<string> Inputs => InputNames.Count == 0 ? new[] { "input" } : InputNames;
}

/// <summary>
/// [Let("name", "expression")] or [Let("name(a, b)", "expression")] on a network or block class: a value, or a
/// function, that the class's own expressions can use (and the Lets after it).
/// </summary>
internal sealed record LetDefinition(string Name, EquatableArray<string> Parameters, ArgumentValue Body, SourceSpan? Span)
{
    public bool IsFunction => Parameters.Count > 0;
}

/// <summary>Regularizer applied to weighted layers that set none of their own.</summary>
internal sealed record RegularizerDefaults(double L1, double L2, bool Convolutions, bool Dense, bool Biases, SourceSpan? Span);

/// <summary>
/// A diagnostic found while parsing or inferring; the analyzer turns it into a Roslyn Diagnostic. <see cref="Span"/>
/// is the innermost place the user wrote that causes it; <see cref="Additional"/> the other places involved (the
/// failing layer inside a block's definition, the usages that lead to it, outermost last); <see cref="Properties"/>
/// what a code fix needs (docs/diagnostics.md lists them per rule).
/// </summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan? Span, EquatableArray<string> Arguments)
{
    public EquatableArray<SourceSpan> Additional { get; init; } = EquatableArray<SourceSpan>.Empty;

    public EquatableArray<DiagnosticProperty> Properties { get; init; } = EquatableArray<DiagnosticProperty>.Empty;

    /// <summary>What makes two findings the same cause: the rule and the place (a block failing alike at several uses is one).</summary>
    public string Cause => Id + "|" + Span?.FilePath + ":" + Span?.Start + ":" + Span?.Length;

    /// <summary>This diagnostic with one more property (a code fix's input).</summary>
    public DiagnosticInfo With(string key, string value) =>
        this with { Properties = Properties.Where(p => p.Key != key).Append(new DiagnosticProperty(key, value)).ToEquatableArray() };

    /// <summary>The property's value, or null.</summary>
    public string? Property(string key) => Properties.FirstOrDefault(p => p.Key == key)?.Value;

    /// <summary>This diagnostic offering one more code fix (property <c>Fix</c>, comma-separated).</summary>
    public DiagnosticInfo Offer(string fix) =>
        With("Fix", Property("Fix") is { } fixes ? fixes + "," + fix : fix);
}

/// <summary>One key and value a code fix reads from a diagnostic.</summary>
internal sealed record DiagnosticProperty(string Key, string Value);

/// <summary>A parsed network (or variant, already resolved against its base).</summary>
/// <param name="ContainingTypes">The declarations of the enclosing types, outermost first, as C# (e.g. "partial class Outer").</param>
/// <param name="HasCompilerErrors">The attributes have C# errors, or the base network cannot be generated: emit a stub.</param>
internal sealed record NetworkModel(
    string? Namespace,
    string ClassName,
    EquatableArray<string> ContainingTypes,
    SourceSpan? ClassSpan,
    EquatableArray<long> Input,
    SourceSpan? InputSpan,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<BlockDefinition> Blocks,
    int BatchNormPlacement,
    RegularizerDefaults? Regularizer,
    bool TorchBatchNormDefaults,
    string? BaseNetwork,
    bool HasCompilerErrors,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The network class's [Let]s, in source order (a variant has its base's).</summary>
    public EquatableArray<LetDefinition> Lets { get; init; } = EquatableArray<LetDefinition>.Empty;

    /// <summary>The enums whose members expressions may name (Activation.ReLU, Kind.Bottleneck).</summary>
    public EquatableArray<EnumDefinition> Enums { get; init; } = EquatableArray<EnumDefinition>.Empty;

    /// <summary>[Network(Initialization = GlorotUniform)]: the constructor re-initializes kernels Keras' way.</summary>
    public bool GlorotUniform { get; init; }

    /// <summary>The type's full name as C# writes it (global::Ns.Outer.Net), unique per type.</summary>
    public string FullName { get; init; } = ClassName;

    /// <summary>The [Network] or [Variant] attribute, where an internal error is reported.</summary>
    public SourceSpan? AttributeSpan { get; init; }

    /// <summary>
    /// The class cannot take generated members at all (not partial, static, generic, a record, a base class, a
    /// clash with a user member, …): an ND error says why and nothing is emitted, not even a stub.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>
    /// Names the emitter must not give to what it invents (nested block classes, helper fields): members the user
    /// declares, identifiers the user's code in the class mentions, and the members of TorchSharp's Module.
    /// </summary>
    public EquatableArray<string> ReservedNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Namespaces and types the user's code in the class names in expressions (System in System.Math.Max): no layer field takes these names.</summary>
    public EquatableArray<string> QualifierNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Members TorchSharp's Module declares: a field with one of these names would hide it.</summary>
    public EquatableArray<string> ModuleMemberNames { get; init; } = EquatableArray<string>.Empty;
}
