using System.Collections.Generic;
using NetDsl.Generators.Lowering;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record SeparableArguments(long InChannels, long Filters, long Kernel, long Stride, long Dilation, long Multiplier, Pads Pads, bool Bias) : LayerArguments;

/// <summary>
/// SeparableConv2D (Keras <c>SeparableConv2D</c>; in PyTorch a grouped <c>nn.Conv2d</c> then a 1×1 one): a depthwise
/// k×k convolution without bias, <c>DepthMultiplier</c> outputs per channel, then a pointwise 1×1 to the filters.
/// </summary>
internal sealed class SeparableConv2DKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "SeparableConv2D";

    public override string Stem => "separable_conv2d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("filters"), ArgumentSpec.Int("kernelSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(),
        ArgumentSpec.Int("pad"), ArgumentSpec.Int("dilation"), ArgumentSpec.Int("depthMultiplier"), ArgumentSpec.Bool("useBias"),
        ArgumentSpec.Activation(), ArgumentSpec.Double("depthwiseL1"), ArgumentSpec.Double("depthwiseL2"), ArgumentSpec.Double("pointwiseL1"),
        ArgumentSpec.Double("pointwiseL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    /// <summary>Keras' depthwise_regularizer, pointwise_regularizer and bias_regularizer, on the runtime module's two convolutions.</summary>
    public override WeightFacts Weights { get; } = new(isDense: false, "Pointwise.bias", new KernelFacts("depthwise", "Depthwise.weight"), new KernelFacts("pointwise", "Pointwise.weight"));

    public override bool HasBias(LoweredNode node) => ((SeparableArguments)node.Arguments).Bias;

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var filters = context.Positive("filters", 1);
        var multiplier = context.Positive("depthMultiplier", 1);
        var window = Windows.Read(context, "kernelSize", 1, context.Positive("strides", 1));
        var pads = Windows.Resolve(context, window);
        var output = Windows.Output(context, filters, window, pads, pooling: false);
        var bias = context.Bool("useBias", true);
        var channels = context.Input.Channels;
        var middle = checked(channels * multiplier);
        var kernel = checked(window.KernelHeight * window.KernelWidth);
        var weights = checked(kernel * middle + middle * filters + (bias ? filters : 0));
        var macs = checked(output.Height * output.Width * (middle * kernel + middle * filters));
        return new LayerOutcome(output, new SeparableArguments(channels, filters, window.KernelHeight, window.StrideHeight, window.Dilation, multiplier, pads, bias), weights, 0, macs);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (SeparableArguments)node.Arguments;
        var (rows, columns) = a.Pads.Symmetric;
        return new TorchSharpModule("global::NetDsl.SeparableConv2d",
            $"new global::NetDsl.SeparableConv2d({Int(a.InChannels)}, {Int(a.Filters)}, {Int(a.Kernel)}, {Int(a.Stride)}, {Int(rows)}, {Int(columns)}, {Int(a.Dilation)}, {Int(a.Multiplier)}, {Bool(a.Bias)})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var remainder = ((SeparableArguments)node.Arguments).Pads.Remainder();
        return remainder is null ? $"{module}.forward({inputs[0]})" : $"{module}.forward({Functional}.pad({inputs[0]}, {Longs(remainder)}))";
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (SeparableArguments)node.Arguments;
        var middle = node.Output.With(0, a.InChannels * a.Multiplier);
        var depthwise = OnnxCode.Node("Conv", new[] { inputs[0], OnnxCode.Parameter(module!, "Depthwise.weight", "depthwise.weight") }, middle,
            OnnxCode.Ints("kernel_shape", a.Kernel, a.Kernel), OnnxCode.Ints("strides", a.Stride, a.Stride),
            OnnxCode.Ints("pads", a.Pads.Top, a.Pads.Left, a.Pads.Bottom, a.Pads.Right), OnnxCode.Ints("dilations", a.Dilation, a.Dilation), OnnxCode.Int("group", a.InChannels));
        return OnnxCode.Node("Conv", new[] { depthwise, OnnxCode.Parameter(module!, "Pointwise.weight", "pointwise.weight"), a.Bias ? OnnxCode.Parameter(module!, "Pointwise.bias", "pointwise.bias") : "null" },
            node.Output, OnnxCode.Ints("kernel_shape", 1, 1));
    }
}
