using System.Collections.Generic;
using NetDsl.Generators.Lowering;

namespace NetDsl.Generators.Layers.Kinds;

/// <summary>
/// DepthwiseConv2D (Keras <c>DepthwiseConv2D</c>; PyTorch <c>nn.Conv2d</c> with <c>groups = in_channels</c>): one
/// kernel per input channel, <c>DepthMultiplier</c> outputs per channel.
/// </summary>
internal sealed class DepthwiseConv2DKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "DepthwiseConv2D";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("kernelSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(), ArgumentSpec.Int("pad"),
        ArgumentSpec.Int("dilation"), ArgumentSpec.Int("depthMultiplier"), ArgumentSpec.Bool("useBias"), ArgumentSpec.Activation(),
        ArgumentSpec.Int("kernelHeight"), ArgumentSpec.Int("kernelWidth"), ArgumentSpec.Int("strideHeight"), ArgumentSpec.Int("strideWidth"),
        ArgumentSpec.Int("padHeight"), ArgumentSpec.Int("padWidth"),
        ArgumentSpec.Double("depthwiseL1"), ArgumentSpec.Double("depthwiseL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    public override WeightFacts Weights { get; } = new("depthwise", isDense: false);

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var channels = context.Input.Channels;
        var filters = checked(channels * context.Positive("depthMultiplier", 1));
        return Convolution.Lower(context, filters, channels);
    }

    public override bool HasBias(LoweredNode node) => ((ConvolutionArguments)node.Arguments).Bias;

    public override TorchSharpModule Module(LoweredNode node) => Convolution.Module((ConvolutionArguments)node.Arguments);

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        Convolution.Forward((ConvolutionArguments)node.Arguments, module!, inputs[0]);

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        Convolution.Onnx((ConvolutionArguments)node.Arguments, node, module!, inputs[0]);
}
