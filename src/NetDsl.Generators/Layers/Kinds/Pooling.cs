using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record PoolArguments(long Window, long Stride, Pads Pads, bool Ceil) : LayerArguments
{
    /// <summary>Average pooling: padded zeros count in the divisor (PyTorch's count_include_pad).</summary>
    public bool CountPadded { get; init; }
}

/// <summary>MaxPooling2D and AveragePooling2D share their window arithmetic.</summary>
internal static class Pool
{
    public static readonly IReadOnlyList<ArgumentSpec> AverageArguments = new[]
    {
        ArgumentSpec.Int("poolSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(), ArgumentSpec.Int("pad"),
        ArgumentSpec.Bool("ceilMode"), ArgumentSpec.Bool("countIncludePad"),
    };

    public static readonly IReadOnlyList<ArgumentSpec> MaxArguments = new[]
    {
        ArgumentSpec.Int("poolSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(), ArgumentSpec.Int("pad"),
        ArgumentSpec.Bool("ceilMode"),
    };

    public static LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var size = context.Positive("poolSize", 2);
        var strides = context.Int("strides", 0);
        if (strides < 0)
        {
            throw context.Invalid("strides", $"strides must be ≥ 1 (or 0 for the pool size), got {strides}");
        }
        var stride = strides == 0 ? size : strides; // Keras: strides default to the pool size
        var window = new Windows.Window(size, size, stride, stride, 1);
        var pads = Windows.Resolve(context, window);
        if (context.Has("pad") && pads.Top * 2 > size)
        {
            throw context.Invalid("pad", $"pad = {pads.Top} must be at most half the pool size ({size}), as in PyTorch");
        }
        var ceil = context.Bool("ceilMode", false);
        if (ceil && context.Enum("padding", Windows.Valid) == Windows.Same)
        {
            throw context.Conflict("ceilMode", "CeilMode and Padding.Same both decide the last window; keep one");
        }
        var output = Windows.Output(context, context.Input.Channels, window, pads, pooling: true, ceil);
        return new LayerOutcome(output, new PoolArguments(size, stride, pads, ceil) { CountPadded = context.Bool("countIncludePad", false) });
    }

    /// <summary>NetDsl's pooling over explicit (possibly asymmetric) padding: −∞ cells for max, uncounted cells for the average.</summary>
    public static string Onnx(string op, PoolArguments a, LoweredNode node, string input, params string[] extra) =>
        OnnxCode.Node(op, new[] { input }, node.Output, new[]
        {
            OnnxCode.Ints("kernel_shape", a.Window, a.Window), OnnxCode.Ints("strides", a.Stride, a.Stride),
            OnnxCode.Ints("pads", a.Pads.Top, a.Pads.Left, a.Pads.Bottom, a.Pads.Right), OnnxCode.Int("ceil_mode", a.Ceil ? 1 : 0),
        }.Concat(extra).ToArray());

    /// <summary>A global pooling to [C, 1, 1], then flattened to [C].</summary>
    public static string Global(string op, LoweredNode node, string input) =>
        OnnxCode.Node("Flatten", new[] { OnnxCode.Node(op, new[] { input }, new[] { node.Output.Channels, 1L, 1L }) }, node.Output, OnnxCode.Int("axis", 1));

    public static string Padded(string function, PoolArguments a, string input)
    {
        var p = a.Pads;
        return $"global::NetDsl.Pooling.{function}({input}, {Int(a.Window)}, {Int(a.Stride)}, new global::NetDsl.SpatialPadding({Int(p.Top)}, {Int(p.Bottom)}, {Int(p.Left)}, {Int(p.Right)}))";
    }
}

/// <summary>
/// MaxPooling2D (Keras <c>MaxPooling2D</c>, PyTorch <c>nn.MaxPool2d</c>): padded cells are −∞, so they never win.
/// </summary>
internal sealed class MaxPooling2DKind : LayerKind
{
    public override string Name => "MaxPooling2D";

    public override IReadOnlyList<ArgumentSpec> Arguments => Pool.MaxArguments;

    public override LayerOutcome Lower(LayerContext context) => Pool.Lower(context);

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (PoolArguments)node.Arguments;
        var ceil = a.Ceil ? ", ceil_mode: true" : string.Empty;
        if (a.Pads.IsZero)
        {
            return $"{Functional}.max_pool2d({inputs[0]}, {Int(a.Window)}, {Int(a.Stride)}{ceil})";
        }
        if (a.Pads.IsSymmetric && a.Pads.Top == a.Pads.Left && a.Pads.Top * 2 <= a.Window)
        {
            // torch pads max pooling with −∞ itself (it allows at most half the window).
            return $"{Functional}.max_pool2d({inputs[0]}, {Int(a.Window)}, {Int(a.Stride)}, padding: {Int(a.Pads.Top)}{ceil})";
        }
        return Pool.Padded("MaxSame", a, inputs[0]);
    }

    /// <summary>MaxPool: padded cells never win, whatever the sides.</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => Pool.Onnx("MaxPool", (PoolArguments)node.Arguments, node, inputs[0]);
}

/// <summary>
/// AveragePooling2D (Keras <c>AveragePooling2D</c>; PyTorch <c>nn.AvgPool2d(count_include_pad=False)</c>): each
/// window's mean over its real cells; padded cells are not counted unless <c>CountIncludePad</c> (PyTorch's default).
/// </summary>
internal sealed class AveragePooling2DKind : LayerKind
{
    public override string Name => "AveragePooling2D";

    public override IReadOnlyList<ArgumentSpec> Arguments => Pool.AverageArguments;

    public override LayerOutcome Lower(LayerContext context) => Pool.Lower(context);

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (PoolArguments)node.Arguments;
        if (a.Pads.IsZero && !a.Ceil)
        {
            return $"{Functional}.avg_pool2d({inputs[0]}, {Int(a.Window)}, {Int(a.Stride)})";
        }
        if (a.Pads.IsSymmetric && a.Pads.Top * 2 <= a.Window && a.Pads.Left * 2 <= a.Window)
        {
            // torch's own padding; with ceil mode a window past the padded input averages only what it covers.
            var count = a.CountPadded || a.Pads.IsZero ? string.Empty : ", count_include_pad: false";
            var ceil = a.Ceil ? ", ceil_mode: true" : string.Empty;
            return $"{Functional}.avg_pool2d({inputs[0]}, {Longs(new[] { a.Window, a.Window })}, {Longs(new[] { a.Stride, a.Stride })}, {Longs(new[] { a.Pads.Top, a.Pads.Left })}{ceil}{count})";
        }
        return Pool.Padded(a.CountPadded ? "AverageZeroPadded" : "AverageSame", a, inputs[0]);
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (PoolArguments)node.Arguments;
        return Pool.Onnx("AveragePool", a, node, inputs[0], OnnxCode.Int("count_include_pad", a.CountPadded ? 1 : 0));
    }
}

/// <summary>GlobalAveragePooling2D: the mean over height and width, [N, C, H, W] → [N, C] (PyTorch <c>x.mean((2, 3))</c>).</summary>
internal sealed class GlobalAveragePooling2DKind : LayerKind
{
    public override string Name => "GlobalAveragePooling2D";

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        return new LayerOutcome(Shape.Vector(context.Input.Channels), NoArguments.Instance);
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{inputs[0]}.mean(new long[] {{ 2, 3 }})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => Pool.Global("GlobalAveragePool", node, inputs[0]);
}

/// <summary>GlobalMaxPooling2D: the maximum over height and width, [N, C, H, W] → [N, C] (PyTorch <c>x.amax((2, 3))</c>).</summary>
internal sealed class GlobalMaxPooling2DKind : LayerKind
{
    public override string Name => "GlobalMaxPooling2D";

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        return new LayerOutcome(Shape.Vector(context.Input.Channels), NoArguments.Instance);
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{inputs[0]}.amax(new long[] {{ 2, 3 }})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => Pool.Global("GlobalMaxPool", node, inputs[0]);
}
