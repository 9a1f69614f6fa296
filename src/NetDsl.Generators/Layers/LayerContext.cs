using Microsoft.CodeAnalysis;
using System;
using System.Collections.Generic;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;
using NetDsl.Generators.Diagnostics;

namespace NetDsl.Generators.Layers;

/// <summary>
/// One use of a layer while lowering: its concrete argument values (expressions evaluated with the block's arguments),
/// its input shapes, and how to report an error on the argument that causes it. Every failing check throws; the
/// lowering has reported the diagnostic by then.
/// </summary>
internal abstract class LayerContext
{
    public abstract LayerSpec Layer { get; }

    /// <summary>The layer's full module path (features.bottleneck_1.expand), shown in messages.</summary>
    public abstract string Path { get; }

    /// <summary>The input shapes, in the order the layer names them (one for a one-input layer).</summary>
    public abstract IReadOnlyList<Shape> Inputs { get; }

    /// <summary>The input names as written (or "previous layer"), in the order of <see cref="Inputs"/>.</summary>
    public abstract IReadOnlyList<string> InputNames { get; }

    public Shape Input => Inputs[0];

    /// <summary>Where input <paramref name="index"/> is named (the name's string, in a network's own layers), else <see cref="Where"/>.</summary>
    public abstract SourceSpan? InputSpan(int index);

    /// <summary>[Network(BatchNormDefaults = Torch)].</summary>
    public abstract bool TorchBatchNormDefaults { get; }

    /// <summary>
    /// How a 1×1 projection of the scope's input would match input <paramref name="input"/>, as the block's text writes
    /// it (filters and strides, constants or expressions), or null.
    /// </summary>
    public abstract (string Filters, string Strides)? Projection(int input);

    /// <summary>Whether this layer is inside a block (its arguments may differ between the block's uses).</summary>
    public abstract bool InsideBlock { get; }

    /// <summary>Where a failure of this use is reported: the layer, or the innermost block usage that contains it.</summary>
    public abstract SourceSpan? Where { get; }

    public bool Has(string argument) => Layer.Get(argument) is not null;

    /// <summary>The span of a constant argument; an expression's failure is reported where the block is used.</summary>
    public SourceSpan? SpanOf(string argument) =>
        Layer.Get(argument) is { } value && value.Kind != ValueKind.Expression ? value.Span ?? Where : Where;

    /// <summary>The span of an argument as written (inside the string for an expression), else <see cref="Where"/>.</summary>
    public SourceSpan? ValueSpan(string argument) => Layer.Get(argument)?.Span ?? Where;

    public abstract long Int(string argument, long fallback);

    public abstract double Real(string argument, double fallback);

    public abstract bool Bool(string argument, bool fallback);

    /// <summary>The value of an enum argument (Padding, Activation, …): a member of the enum its spec names.</summary>
    public abstract long Enum(string argument, long fallback);

    /// <summary>
    /// The elements of an int-list argument (empty when it is not given); with <paramref name="ownInput"/>, the
    /// expressions read inputChannels, inputHeight and inputWidth of that shape.
    /// </summary>
    public abstract IReadOnlyList<long> Ints(string argument, Shape? ownInput = null);

    /// <summary>Reports the diagnostic and stops lowering this layer.</summary>
    public abstract Exception Fail(DiagnosticInfo diagnostic);

    /// <summary>Reports <paramref name="rule"/> and stops lowering this layer.</summary>
    public Exception Fail(DiagnosticDescriptor rule, SourceSpan? span, params string[] arguments) => Fail(rule.At(span, arguments));

    /// <summary>ND0002: an argument outside the values it may take (whatever the input).</summary>
    public Exception Invalid(string argument, string message) => Fail(Rules.ArgumentOutOfRange, SpanOf(argument), Path, message);

    /// <summary>ND0028: two arguments that exclude each other.</summary>
    public Exception Conflict(string argument, string message) => Fail(Rules.ConflictingArguments, SpanOf(argument), Path, message);

    /// <summary>ND0029: an argument that does not fit this input (groups that do not divide its channels, …).</summary>
    public Exception Misfit(string argument, string message) => Fail(Rules.ArgumentDoesNotFitInput, SpanOf(argument), Path, message);

    public long Positive(string argument, long fallback)
    {
        var value = Int(argument, fallback);
        if (value <= 0)
        {
            throw Invalid(argument, $"{argument} must be ≥ 1, got {value}");
        }
        return value;
    }

    public long NonNegative(string argument, long fallback)
    {
        var value = Int(argument, fallback);
        if (value < 0)
        {
            throw Invalid(argument, $"{argument} must be ≥ 0, got {value}");
        }
        return value;
    }

    /// <summary>ND0007 unless the (first) input has <paramref name="rank"/> axes.</summary>
    public void RequireRank(int rank, string what, string hint = "")
    {
        if (Input.Rank != rank)
        {
            throw Fail(Rules.WrongInputRank, Where, Path, Layer.Kind, what, Input.ToString(), hint);
        }
    }

    /// <summary>
    /// ND0007 unless the input is flat, offering the code fixes that insert a Flatten, or a global average pooling
    /// where the input is an image, before the layer.
    /// </summary>
    public void RequireFlat()
    {
        if (Input.Rank == 1)
        {
            return;
        }
        var image = Input.Rank == 3;
        var diagnostic = Rules.WrongInputRank.At(Where, Path, Layer.Kind, "a flat input [N, F]", Input.ToString(),
            image ? "; add Flatten or GlobalAveragePooling2D before it" : "; add Flatten before it").Offer("InsertFlatten");
        throw Fail(image ? diagnostic.Offer("InsertGlobalAveragePooling").With("Pooling", "GlobalAveragePooling2D") : diagnostic);
    }

    public void RequireImage() => RequireRank(3, "an image input [N, C, H, W]");
}

/// <summary>Names derived from kinds.</summary>
internal static class Naming
{
    public static string SnakeCase(string name)
    {
        var output = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])))
            {
                output.Append('_');
            }
            output.Append(char.ToLowerInvariant(c));
        }
        return output.ToString();
    }
}
