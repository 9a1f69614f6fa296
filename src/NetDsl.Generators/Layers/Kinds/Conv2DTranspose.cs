using System.Collections.Generic;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record TransposedConvolutionArguments(long InChannels, long Filters, long Kernel, long Stride, long Pad, long OutputPadding, long Dilation, bool Bias) : LayerArguments;

/// <summary>
/// Conv2DTranspose (Keras <c>Conv2DTranspose</c> with 'valid' padding, PyTorch <c>nn.ConvTranspose2d</c>): output side
/// (in − 1)·stride − 2·pad + dilation·(kernel − 1) + outputPadding + 1; a 2×2 stride-2 one doubles the size (U-Net).
/// </summary>
internal sealed class Conv2DTransposeKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "Conv2DTranspose";

    public override string Stem => "conv2d_transpose";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("filters"), ArgumentSpec.Int("kernelSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Int("pad"),
        ArgumentSpec.Int("outputPadding"), ArgumentSpec.Int("dilation"), ArgumentSpec.Bool("useBias"), ArgumentSpec.Activation(),
        ArgumentSpec.Double("kernelL1"), ArgumentSpec.Double("kernelL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    public override WeightFacts Weights { get; } = new("kernel", isDense: false);

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var filters = context.Positive("filters", 1);
        var kernel = context.Positive("kernelSize", 1);
        var stride = context.Positive("strides", 1);
        var dilation = context.Positive("dilation", 1);
        var pad = context.NonNegative("pad", 0);
        var outputPadding = context.NonNegative("outputPadding", 0);
        if (outputPadding >= stride && outputPadding >= dilation)
        {
            throw context.Invalid("outputPadding", $"outputPadding = {outputPadding} must be smaller than strides ({stride}) or dilation ({dilation}), as in PyTorch");
        }
        var input = context.Input;
        long Side(long side) => checked((side - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPadding + 1);
        var output = Shape.Image(filters, Side(input.Height), Side(input.Width));
        if (output.Height <= 0 || output.Width <= 0)
        {
            throw context.Fail(Rules.SpatialCollapse, context.Where, context.Path, output.ToString(), input.ToString(), ": lower Pad, or give the network a larger [Input]");
        }
        var bias = context.Bool("useBias", true);
        var weights = checked(input.Channels * filters * kernel * kernel + (bias ? filters : 0));
        var macs = checked(input.Channels * filters * kernel * kernel * input.Height * input.Width);
        return new LayerOutcome(output, new TransposedConvolutionArguments(input.Channels, filters, kernel, stride, pad, outputPadding, dilation, bias), weights, 0, macs);
    }

    public override bool HasBias(LoweredNode node) => ((TransposedConvolutionArguments)node.Arguments).Bias;

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (TransposedConvolutionArguments)node.Arguments;
        var text = $"{Nn}.ConvTranspose2d({Int(a.InChannels)}, {Int(a.Filters)}, kernel_size: {Int(a.Kernel)}, stride: {Int(a.Stride)}";
        text += a.Pad != 0 ? $", padding: {Int(a.Pad)}" : string.Empty;
        text += a.OutputPadding != 0 ? $", output_padding: {Int(a.OutputPadding)}" : string.Empty;
        text += a.Dilation != 1 ? $", dilation: {Int(a.Dilation)}" : string.Empty;
        text += a.Bias ? string.Empty : ", bias: false";
        return new TorchSharpModule($"{Modules}.ConvTranspose2d", text + ")");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (TransposedConvolutionArguments)node.Arguments;
        return OnnxCode.Node("ConvTranspose", new[] { inputs[0], OnnxCode.Parameter(module!, "weight", "weight"), a.Bias ? OnnxCode.Parameter(module!, "bias", "bias") : "null" }, node.Output,
            OnnxCode.Ints("kernel_shape", a.Kernel, a.Kernel), OnnxCode.Ints("strides", a.Stride, a.Stride), OnnxCode.Ints("pads", a.Pad, a.Pad, a.Pad, a.Pad),
            OnnxCode.Ints("output_padding", a.OutputPadding, a.OutputPadding), OnnxCode.Ints("dilations", a.Dilation, a.Dilation));
    }
}
