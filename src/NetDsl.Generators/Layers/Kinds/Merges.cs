using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

/// <summary>
/// A merge of the outputs it names. Element-wise merges broadcast as PyTorch does along axes of size 1 of equal-rank
/// inputs (an SE gate [N, C, 1, 1] times [N, C, H, W]); every other axis must be equal.
/// </summary>
internal abstract class ElementwiseMergeKind : LayerKind
{
    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Names("inputs") };

    public override string InputsArgument => "inputs";

    /// <summary>Exactly two inputs (Subtract), or two or more.</summary>
    protected virtual bool ExactlyTwo => false;

    /// <summary>What the merge needs, for the message: "equal shapes".</summary>
    protected virtual string Needs => "shapes that are equal or broadcast (size 1) on every axis";

    public override LayerOutcome Lower(LayerContext context)
    {
        Merge.RequireCount(context, ExactlyTwo);
        var rank = context.Inputs[0].Rank;
        if (context.Inputs.Any(s => s.Rank != rank))
        {
            throw Merge.Mismatch(context, Name, "inputs of the same rank", "the ranks differ");
        }
        var output = new long[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            var sizes = context.Inputs.Select(s => s[axis]).Distinct().ToList();
            var wide = sizes.Where(s => s != 1).ToList();
            if (wide.Count > 1)
            {
                throw Merge.Mismatch(context, Name, Needs, $"axis {axis + 1} ({Merge.AxisName(rank, axis)}) differs", axis, broadcast: true);
            }
            output[axis] = wide.Count == 1 ? wide[0] : 1;
        }
        return new LayerOutcome(Shape.Of(output), NoArguments.Instance);
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => Combine(inputs);

    protected abstract string Combine(IReadOnlyList<string> inputs);

    /// <summary>The ONNX operator that takes any number of inputs (Sum, Mean, Max, Min), or null.</summary>
    protected virtual string? Variadic => null;

    /// <summary>The binary ONNX operator chained over the inputs (Add, Sub, Mul), or null: the variadic one always.</summary>
    protected virtual string? Binary => null;

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        if (Binary is not { } binary || Variadic is { } && inputs.Count > 2)
        {
            return OnnxCode.Node(Variadic!, inputs, node.Output);
        }
        // Each partial result broadcasts like the whole: its shape is the broadcast of the inputs so far.
        var value = inputs[0];
        var shape = node.InputShapes[0];
        for (var k = 1; k < inputs.Count; k++)
        {
            var next = node.InputShapes[k];
            shape = Shape.Of(Enumerable.Range(0, shape.Rank).Select(axis => System.Math.Max(shape[axis], next[axis])).ToArray());
            value = OnnxCode.Node(binary, new[] { value, inputs[k] }, k == inputs.Count - 1 ? node.Output : shape);
        }
        return value;
    }
}

/// <summary>Add: the sum of its inputs (Keras <c>Add</c>, PyTorch <c>a + b</c>). <c>[Add]</c> without names adds the scope's input to the previous output.</summary>
internal sealed class AddKind : ElementwiseMergeKind
{
    public override string Name => "Add";

    public override LayerOutcome Lower(LayerContext context)
    {
        if (context.Layer.Inputs.Count == 0 && context.Inputs.Count == 2 && context.Inputs[0] != context.Inputs[1])
        {
            // The residual shortcut [Add]: the previous output plus the scope's unchanged input.
            var output = context.Inputs[0];
            var input = context.Inputs[1];
            var strides = output.IsImage && input.IsImage ? ProjectionStride(input, output) : null;
            // Inside a block the projection is written as the block's text writes its channels and stride (another
            // use of the block may have other values), where that text can be found.
            (string Filters, string Strides)? written = strides is null ? null
                : context.InsideBlock ? context.Projection(0)
                : (output.Channels.ToString(CultureInfo.InvariantCulture), strides.Value.ToString(CultureInfo.InvariantCulture));
            var hint = strides is null
                ? "; make the layers above keep the input's shape, or remove the [Add]"
                : $"; project the shortcut with a 1×1 Conv2D({output.Channels}, 1{(strides > 1 ? $", {strides}" : string.Empty)}, From = \"input\"), or remove the [Add]";
            var diagnostic = Rules.AddShapeMismatch.At(context.Where, context.Path, output.ToString(), input.ToString(), hint).Offer("RemoveShortcut");
            if (written is { } projection)
            {
                diagnostic = diagnostic.Offer("ProjectShortcut")
                    .With("Filters", projection.Filters)
                    .With("Strides", projection.Strides)
                    .With("Previous", context.InputNames[0])
                    .With("Shortcut", context.InputNames[0] == "shortcut" ? "projection" : "shortcut");
            }
            throw context.Fail(diagnostic);
        }
        return base.Lower(context);
    }

    /// <summary>The stride of a 1×1 convolution that takes <paramref name="input"/>'s size to <paramref name="output"/>'s, or null.</summary>
    private static long? ProjectionStride(Shape input, Shape output)
    {
        for (long stride = 1; stride <= Math.Min(64, Math.Max(input.Height, input.Width)); stride++)
        {
            if ((input.Height - 1) / stride + 1 == output.Height && (input.Width - 1) / stride + 1 == output.Width)
            {
                return stride;
            }
        }
        return null;
    }

    protected override string Combine(IReadOnlyList<string> inputs) => string.Join(" + ", inputs);

    protected override string? Variadic => "Sum";

    protected override string? Binary => "Add";

    public override string? ForwardInPlace(LoweredNode node, IReadOnlyList<string> inputs) =>
        inputs[0] + string.Concat(inputs.Skip(1).Select(i => $".add_({i})"));

    public override bool InPlaceIntoAnyInput => true;

    public override bool CanRunInPlace(LoweredNode node) => true;

    public override bool OutputMayBeOverwritten => true;
}

/// <summary>Subtract: the first input minus the second (Keras <c>Subtract</c>, PyTorch <c>a - b</c>).</summary>
internal sealed class SubtractKind : ElementwiseMergeKind
{
    public override string Name => "Subtract";

    protected override bool ExactlyTwo => true;

    protected override string Combine(IReadOnlyList<string> inputs) => $"{inputs[0]} - {inputs[1]}";

    protected override string? Binary => "Sub";

    public override bool OutputMayBeOverwritten => true;
}

/// <summary>Multiply: the element-wise product (Keras <c>Multiply</c>, PyTorch <c>a * b</c>), e.g. an SE gate.</summary>
internal sealed class MultiplyKind : ElementwiseMergeKind
{
    public override string Name => "Multiply";

    protected override string Combine(IReadOnlyList<string> inputs) => string.Join(" * ", inputs);

    protected override string? Binary => "Mul";
}

/// <summary>Average: the element-wise mean (Keras <c>Average</c>, PyTorch <c>(a + b) / 2</c>).</summary>
internal sealed class AverageKind : ElementwiseMergeKind
{
    public override string Name => "Average";

    protected override string Combine(IReadOnlyList<string> inputs) =>
        $"({string.Join(" + ", inputs)}) / {inputs.Count.ToString(CultureInfo.InvariantCulture)}.0";

    protected override string? Variadic => "Mean";
}

/// <summary>Maximum: the element-wise maximum (Keras <c>Maximum</c>, PyTorch <c>torch.maximum</c>).</summary>
internal sealed class MaximumKind : ElementwiseMergeKind
{
    public override string Name => "Maximum";

    protected override string Combine(IReadOnlyList<string> inputs) =>
        inputs.Skip(1).Aggregate(inputs[0], (all, next) => $"{Torch}.maximum({all}, {next})");

    protected override string? Variadic => "Max";
}

/// <summary>Minimum: the element-wise minimum (Keras <c>Minimum</c>, PyTorch <c>torch.minimum</c>).</summary>
internal sealed class MinimumKind : ElementwiseMergeKind
{
    public override string Name => "Minimum";

    protected override string Combine(IReadOnlyList<string> inputs) =>
        inputs.Skip(1).Aggregate(inputs[0], (all, next) => $"{Torch}.minimum({all}, {next})");

    protected override string? Variadic => "Min";
}

internal sealed record ConcatenateArguments(long Dim) : LayerArguments;

/// <summary>
/// Concatenate: its inputs joined along one axis, the channels by default (Keras <c>Concatenate</c>, PyTorch
/// <c>torch.cat(dim=1)</c>). <c>Axis</c> counts as PyTorch's dim, with the batch at 0; every other axis must be equal.
/// </summary>
internal sealed class ConcatenateKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "Concatenate";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Names("inputs"), ArgumentSpec.Int("axis") };

    public override string InputsArgument => "inputs";

    public override LayerOutcome Lower(LayerContext context)
    {
        Merge.RequireCount(context, exactlyTwo: false);
        var rank = context.Inputs[0].Rank;
        if (context.Inputs.Any(s => s.Rank != rank))
        {
            throw Merge.Mismatch(context, Name, "inputs of the same rank", "the ranks differ");
        }
        var dim = Axes.Resolve(context, "axis", 1);
        var axis = (int)dim - 1;
        for (var other = 0; other < rank; other++)
        {
            if (other != axis && context.Inputs.Select(s => s[other]).Distinct().Count() > 1)
            {
                throw Merge.Mismatch(context, Name, $"equal sizes on every axis but axis {dim}", $"axis {other + 1} ({Merge.AxisName(rank, other)}) differs", other);
            }
        }
        var total = context.Inputs.Aggregate(0L, (sum, s) => checked(sum + s[axis]));
        return new LayerOutcome(context.Inputs[0].With(axis, total), new ConcatenateArguments(dim));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{Torch}.cat(new {Tensor}[] {{ {string.Join(", ", inputs)} }}, {Int(((ConcatenateArguments)node.Arguments).Dim)})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Node("Concat", inputs, node.Output, OnnxCode.Int("axis", ((ConcatenateArguments)node.Arguments).Dim));
}

/// <summary>What every merge checks.</summary>
internal static class Merge
{
    public static void RequireCount(LayerContext context, bool exactlyTwo)
    {
        var count = context.Inputs.Count;
        if (exactlyTwo ? count != 2 : count < 2)
        {
            throw context.Fail(Rules.WrongInputCount, context.Where, context.Path,
                $"{context.Layer.Kind} takes {(exactlyTwo ? "exactly two" : "two or more")} inputs, got {count}{(count == 1 ? $" ({context.InputNames[0]})" : string.Empty)}");
        }
    }

    /// <summary>
    /// ND0022, listing every input with its shape, on the name of the first input that differs from the first one
    /// on <paramref name="axis"/> (−1: in rank).
    /// </summary>
    public static System.Exception Mismatch(LayerContext context, string kind, string needs, string what, int axis = -1, bool broadcast = false)
    {
        var list = string.Join(", ", context.InputNames.Zip(context.Inputs, (name, shape) => $"{name} {shape}"));
        var first = context.Inputs[0];
        var odd = Enumerable.Range(1, context.Inputs.Count - 1)
            .FirstOrDefault(i => axis < 0 ? context.Inputs[i].Rank != first.Rank : context.Inputs[i][axis] != first[axis] && !(broadcast && (context.Inputs[i][axis] == 1 || first[axis] == 1)));
        return context.Fail(Rules.MergeMismatch, context.InputSpan(odd == 0 ? 1 : odd), context.Path, kind, needs, what, list);
    }

    public static string AxisName(int rank, int axis) => (rank, axis) switch
    {
        (_, 0) => rank == 1 ? "features" : "channels",
        (2, 1) => "length",
        (3, 1) or (4, 2) => "height",
        (3, 2) or (4, 3) => "width",
        (4, 1) => "depth",
        _ => "axis",
    };
}
