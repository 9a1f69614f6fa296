using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

/// <summary>Flatten: [N, C, H, W] (or a sequence, or a volume) → [N, C·H·W] (Keras <c>Flatten</c>, PyTorch <c>nn.Flatten</c>).</summary>
internal sealed class FlattenKind : LayerKind
{
    public override string Name => "Flatten";

    public override LayerOutcome Lower(LayerContext context)
    {
        if (context.Input.Rank < 2)
        {
            context.RequireImage(); // a flat input has nothing to flatten
        }
        return new LayerOutcome(Shape.Vector(context.Input.Size), NoArguments.Instance);
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{inputs[0]}.flatten(1)";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => OnnxCode.Unary("Flatten", inputs[0], node.Output, OnnxCode.Int("axis", 1));
}

internal sealed record ReshapeArguments(EquatableArray<long> Target) : LayerArguments;

/// <summary>
/// Reshape (Keras <c>Reshape</c>, PyTorch <c>x.reshape(N, ...)</c>): the sample's new dimensions, channels first; one
/// may be −1 (inferred). The element count must stay the same.
/// </summary>
internal sealed class ReshapeKind : LayerKind
{
    public override string Name => "Reshape";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.IntList("dimensions") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var dims = context.Ints("dimensions").ToArray();
        if (dims.Length < 1 || dims.Length > Shape.MaxRank)
        {
            throw context.Invalid("dimensions", $"a sample has 1 to {Shape.MaxRank} dimensions, got {dims.Length}");
        }
        var free = dims.Count(d => d == -1);
        if (free > 1 || dims.Any(d => d == 0 || d < -1))
        {
            throw context.Invalid("dimensions", $"dimensions must be ≥ 1, with at most one −1 (inferred), got ({string.Join(", ", dims)})");
        }
        var known = dims.Where(d => d != -1).Aggregate(1L, (a, d) => checked(a * d));
        var size = context.Input.Size;
        if (free == 1 && size % known == 0)
        {
            dims = dims.Select(d => d == -1 ? size / known : d).ToArray();
        }
        var output = Shape.Of(dims);
        if (free == 1 && size % known != 0 || free == 0 && output.Size != size)
        {
            throw context.Misfit("dimensions", $"cannot reshape {context.Input} ({size} values per sample) to ({string.Join(", ", context.Ints("dimensions"))})");
        }
        return new LayerOutcome(output, new ReshapeArguments(output.Dimensions.ToEquatableArray()));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{inputs[0]}.reshape({Longs(new[] { -1L }.Concat(((ReshapeArguments)node.Arguments).Target))})";

    /// <summary>Reshape to [batch (0: kept), …the resolved dimensions].</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Node("Reshape", new[] { inputs[0], OnnxCode.Longs(new[] { 0L }.Concat(((ReshapeArguments)node.Arguments).Target).ToArray()) }, node.Output);
}

/// <summary>ZeroPadding2D (Keras <c>ZeroPadding2D</c>, PyTorch <c>nn.ZeroPad2d</c>): rows and columns of zeros.</summary>
internal sealed class ZeroPadding2DKind : LayerKind
{
    public override string Name => "ZeroPadding2D";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("padding"), ArgumentSpec.Int("vertical"), ArgumentSpec.Int("horizontal"),
        ArgumentSpec.Int("top"), ArgumentSpec.Int("bottom"), ArgumentSpec.Int("left"), ArgumentSpec.Int("right"),
    };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var pads = Pads.ReadSides(context, "padding", "padding");
        var input = context.Input;
        var output = Shape.Image(input.Channels, checked(input.Height + pads.Top + pads.Bottom), checked(input.Width + pads.Left + pads.Right));
        return new LayerOutcome(output, pads);
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var p = (Pads)node.Arguments;
        return $"{Functional}.pad({inputs[0]}, {Longs(new[] { p.Left, p.Right, p.Top, p.Bottom })})";
    }

    /// <summary>Pad with zeros; its pads are every axis's begin, then every axis's end.</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var p = (Pads)node.Arguments;
        return OnnxCode.Node("Pad", new[] { inputs[0], OnnxCode.Longs(0, 0, p.Top, p.Left, 0, 0, p.Bottom, p.Right) }, node.Output);
    }
}

internal sealed record ChunkArguments(long Chunks, long Index) : LayerArguments;

/// <summary>
/// Chunk (PyTorch <c>x.chunk(chunks, dim=1)[index]</c>, ShuffleNetV2's channel split): part <c>index</c> of
/// <c>chunks</c> equal parts of the channels (the features of a flat input); every other axis is kept.
/// </summary>
internal sealed class ChunkKind : LayerKind
{
    public override string Name => "Chunk";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("chunks"), ArgumentSpec.Int("index") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var chunks = context.Positive("chunks", 1);
        var index = context.Int("index", 0);
        if (index < 0 || index >= chunks)
        {
            throw context.Invalid("index", $"index must be ≥ 0 and below chunks ({chunks}), got {index}");
        }
        var input = context.Input;
        if (input.Channels % chunks != 0)
        {
            var axis = input.IsFlat ? "features" : "channels";
            throw context.Misfit("chunks", $"the {input.Channels} {axis} of {input} do not split into {chunks} equal chunks");
        }
        return new LayerOutcome(input.With(0, input.Channels / chunks), new ChunkArguments(chunks, index));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        // A view of the input, as torch.chunk's parts are: nothing is copied, and every layer takes a strided input.
        var length = node.Output.Channels;
        return $"{inputs[0]}.narrow(1, {Int(((ChunkArguments)node.Arguments).Index * length)}, {Int(length)})";
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var length = node.Output.Channels;
        var start = ((ChunkArguments)node.Arguments).Index * length;
        return OnnxCode.Node("Slice", new[] { inputs[0], OnnxCode.Longs(start), OnnxCode.Longs(start + length), OnnxCode.Longs(1) }, node.Output);
    }
}
