using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record UpSamplingArguments(long Size, bool Bilinear, bool AlignCorners) : LayerArguments;

/// <summary>
/// UpSampling2D by an integer factor (Keras <c>UpSampling2D</c>, PyTorch <c>nn.Upsample(scale_factor)</c>): nearest
/// (copies) or bilinear; <c>AlignCorners</c> is PyTorch's align_corners (Keras' bilinear is align_corners=False).
/// </summary>
internal sealed class UpSampling2DKind : LayerKind
{
    public override string Name => "UpSampling2D";

    public override string Stem => "up_sampling2d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("size"), ArgumentSpec.Enum("interpolation", "NetDsl.Interpolation"), ArgumentSpec.Bool("alignCorners") };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var size = context.Positive("size", 2);
        var bilinear = context.Enum("interpolation", 0) == 1;
        var align = context.Bool("alignCorners", false);
        if (align && !bilinear)
        {
            throw context.Conflict("alignCorners", "AlignCorners applies to Interpolation.Bilinear only");
        }
        var input = context.Input;
        return new LayerOutcome(Shape.Image(input.Channels, checked(input.Height * size), checked(input.Width * size)), new UpSamplingArguments(size, bilinear, align));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (UpSamplingArguments)node.Arguments;
        var factor = Number(a.Size);
        return a.Bilinear
            ? $"{Functional}.interpolate({inputs[0]}, scale_factor: new double[] {{ {factor}, {factor} }}, mode: {Torch}.InterpolationMode.Bilinear, align_corners: {Bool(a.AlignCorners)})"
            : $"{Functional}.interpolate({inputs[0]}, scale_factor: new double[] {{ {factor}, {factor} }}, mode: {Torch}.InterpolationMode.Nearest)";
    }

    /// <summary>
    /// Resize by the factor: nearest picks floor(output index / factor), as PyTorch's nearest; bilinear samples at
    /// PyTorch's half-pixel or aligned-corner positions.
    /// </summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (UpSamplingArguments)node.Arguments;
        var factor = Int(a.Size);
        var scales = $"graph.Floats(new float[] {{ 1, 1, {factor}, {factor} }}, 4)";
        var attributes = a.Bilinear
            ? new[] { OnnxCode.String("mode", "linear"), OnnxCode.String("coordinate_transformation_mode", a.AlignCorners ? "align_corners" : "pytorch_half_pixel") }
            : new[] { OnnxCode.String("mode", "nearest"), OnnxCode.String("coordinate_transformation_mode", "asymmetric"), OnnxCode.String("nearest_mode", "floor") };
        return OnnxCode.Node("Resize", new[] { inputs[0], "null", scales }, node.Output, attributes);
    }
}

internal sealed record AdaptivePoolArguments(long Height, long Width) : LayerArguments;

/// <summary>
/// AdaptiveAveragePooling2D to a fixed output size (PyTorch <c>nn.AdaptiveAvgPool2d</c>, as in VGG and AlexNet; Keras has
/// no such layer): window i covers rows floor(i·H/h) to ceil((i + 1)·H/h).
/// </summary>
internal sealed class AdaptiveAveragePooling2DKind : LayerKind
{
    public override string Name => "AdaptiveAveragePooling2D";

    public override string Stem => "adaptive_average_pooling2d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("size"), ArgumentSpec.Int("height"), ArgumentSpec.Int("width") };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var height = context.Has("size") ? context.Positive("size", 1) : context.Positive("height", 1);
        var width = context.Has("size") ? height : context.Positive("width", 1);
        return new LayerOutcome(Shape.Image(context.Input.Channels, height, width), new AdaptivePoolArguments(height, width));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (AdaptivePoolArguments)node.Arguments;
        return $"{Functional}.adaptive_avg_pool2d({inputs[0]}, {Longs(new[] { a.Height, a.Width })})";
    }

    /// <summary>
    /// AveragePool when each side divides evenly (every window the same size and step); otherwise each of PyTorch's
    /// windows on its own (<c>OnnxGraph.AdaptiveAveragePool</c>): a Slice of its rows and columns, ReduceMean over both,
    /// the windows of a row joined by Concat, then the rows.
    /// </summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (AdaptivePoolArguments)node.Arguments;
        var input = node.InputShapes[0];
        if (input.Height % a.Height == 0 && input.Width % a.Width == 0)
        {
            var (kh, kw) = (input.Height / a.Height, input.Width / a.Width);
            return OnnxCode.Node("AveragePool", new[] { inputs[0] }, node.Output, OnnxCode.Ints("kernel_shape", kh, kw), OnnxCode.Ints("strides", kh, kw));
        }
        // One Slice and ReduceMean per window: written by the graph at export time, not unrolled into the generated code.
        return $"graph.AdaptiveAveragePool({inputs[0]}, {Int(a.Height)}, {Int(a.Width)})";
    }
}

/// <summary>Cropping2D: rows and columns removed at each side (Keras <c>Cropping2D</c>; PyTorch slicing).</summary>
internal sealed class Cropping2DKind : LayerKind
{
    public override string Name => "Cropping2D";

    public override string Stem => "cropping2d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("cropping"), ArgumentSpec.Int("vertical"), ArgumentSpec.Int("horizontal"),
        ArgumentSpec.Int("top"), ArgumentSpec.Int("bottom"), ArgumentSpec.Int("left"), ArgumentSpec.Int("right"),
    };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var crop = Pads.ReadSides(context, "cropping", "cropping");
        var input = context.Input;
        var output = Shape.Image(input.Channels, input.Height - crop.Top - crop.Bottom, input.Width - crop.Left - crop.Right);
        if (output.Height <= 0 || output.Width <= 0)
        {
            throw context.Fail(Rules.SpatialCollapse, context.Where, context.Path, output.ToString(), input.ToString(),
                $": cropping {crop.Top + crop.Bottom}×{crop.Left + crop.Right} needs an input larger than that; crop less, or give the network a larger [Input]");
        }
        return new LayerOutcome(output, new CropArguments(crop, output.Height, output.Width));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (CropArguments)node.Arguments;
        return $"{inputs[0]}.narrow(2, {Int(a.Crop.Top)}, {Int(a.Height)}).narrow(3, {Int(a.Crop.Left)}, {Int(a.Width)})";
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (CropArguments)node.Arguments;
        return OnnxCode.Node("Slice", new[]
        {
            inputs[0], OnnxCode.Longs(a.Crop.Top, a.Crop.Left), OnnxCode.Longs(a.Crop.Top + a.Height, a.Crop.Left + a.Width), OnnxCode.Longs(2, 3),
        }, node.Output);
    }
}

internal sealed record CropArguments(Pads Crop, long Height, long Width) : LayerArguments;

internal sealed record PermuteArguments(EquatableArray<long> Order) : LayerArguments;

/// <summary>
/// Permute the axes of each sample (Keras <c>Permute</c>: 1-based sample axes, e.g. (2, 3, 1) makes [C, H, W] into
/// [H, W, C]; PyTorch <c>x.permute(0, ...)</c>).
/// </summary>
internal sealed class PermuteKind : LayerKind
{
    public override string Name => "Permute";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.IntList("dimensions") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var order = context.Ints("dimensions").ToArray();
        var rank = context.Input.Rank;
        if (order.Length != rank || !order.OrderBy(d => d).SequenceEqual(Enumerable.Range(1, rank).Select(d => (long)d)))
        {
            throw context.Misfit("dimensions", $"({string.Join(", ", order)}) is not an order of the {rank} axes of {context.Input} (1 to {rank}, each once)");
        }
        var output = Shape.Of(order.Select(d => context.Input[(int)d - 1]).ToArray());
        return new LayerOutcome(output, new PermuteArguments(order.ToEquatableArray()));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{inputs[0]}.permute({Longs(new[] { 0L }.Concat(((PermuteArguments)node.Arguments).Order))})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Unary("Transpose", inputs[0], node.Output, OnnxCode.Ints("perm", new[] { 0L }.Concat(((PermuteArguments)node.Arguments).Order).ToArray()));
}

internal sealed record ShuffleArguments(long Groups) : LayerArguments;

/// <summary>ChannelShuffle (ShuffleNet; PyTorch <c>nn.ChannelShuffle</c>): the channels seen as [g, C/g], transposed to [C/g, g].</summary>
internal sealed class ChannelShuffleKind : LayerKind
{
    public override string Name => "ChannelShuffle";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("groups") };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var groups = context.Positive("groups", 1);
        if (context.Input.Channels % groups != 0)
        {
            throw context.Misfit("groups", $"groups = {groups} must divide the channels ({context.Input.Channels})");
        }
        return new LayerOutcome(context.Input, new ShuffleArguments(groups));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        // As a reshape and a transpose: differentiable everywhere (libtorch's channel_shuffle has no derivative).
        var groups = ((ShuffleArguments)node.Arguments).Groups;
        var shape = node.Output;
        var split = Longs(new[] { -1, groups, shape.Channels / groups, shape.Height, shape.Width });
        return $"{inputs[0]}.reshape({split}).transpose(1, 2).reshape({Longs(new[] { -1, shape.Channels, shape.Height, shape.Width })})";
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var groups = ((ShuffleArguments)node.Arguments).Groups;
        var s = node.Output;
        var split = OnnxCode.Node("Reshape", new[] { inputs[0], OnnxCode.Longs(0, groups, s.Channels / groups, s.Height, s.Width) }, new[] { groups, s.Channels / groups, s.Height, s.Width });
        var swapped = OnnxCode.Node("Transpose", new[] { split }, new[] { s.Channels / groups, groups, s.Height, s.Width }, OnnxCode.Ints("perm", 0, 2, 1, 3, 4));
        return OnnxCode.Node("Reshape", new[] { swapped, OnnxCode.Longs(0, s.Channels, s.Height, s.Width) }, s);
    }
}
