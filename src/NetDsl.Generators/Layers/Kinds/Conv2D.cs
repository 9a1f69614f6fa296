using System.Collections.Generic;
using NetDsl.Generators.Lowering;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

/// <summary>The concrete facts of one 2-D convolution (Conv2D, or DepthwiseConv2D with groups = channels).</summary>
internal sealed record ConvolutionArguments(
    long InChannels, long Filters, long KernelHeight, long KernelWidth, long StrideHeight, long StrideWidth, long Dilation, long Groups, Pads Pads, bool Bias) : LayerArguments;

/// <summary>
/// Conv2D (Keras <c>Conv2D</c>, PyTorch <c>nn.Conv2d</c>): filters, square kernel, stride, dilation, groups, padding
/// 'valid', TensorFlow's 'same' or explicit (<c>Pad</c>).
/// </summary>
internal sealed class Conv2DKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "Conv2D";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("filters"), ArgumentSpec.Int("kernelSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(),
        ArgumentSpec.Int("pad"), ArgumentSpec.Int("dilation"), ArgumentSpec.Int("groups"), ArgumentSpec.Bool("useBias"), ArgumentSpec.Activation(),
        ArgumentSpec.Int("kernelHeight"), ArgumentSpec.Int("kernelWidth"), ArgumentSpec.Int("strideHeight"), ArgumentSpec.Int("strideWidth"),
        ArgumentSpec.Int("padHeight"), ArgumentSpec.Int("padWidth"),
        ArgumentSpec.Double("kernelL1"), ArgumentSpec.Double("kernelL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    public override WeightFacts Weights { get; } = new("kernel", isDense: false);

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var filters = context.Positive("filters", 1);
        var groups = context.Positive("groups", 1);
        if (context.Input.Channels % groups != 0 || filters % groups != 0)
        {
            throw context.Misfit("groups", $"groups = {groups} must divide both the input channels ({context.Input.Channels}) and filters ({filters})");
        }
        return Convolution.Lower(context, filters, groups);
    }

    public override bool HasBias(LoweredNode node) => ((ConvolutionArguments)node.Arguments).Bias;

    public override TorchSharpModule Module(LoweredNode node) => Convolution.Module((ConvolutionArguments)node.Arguments);

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        Convolution.Forward((ConvolutionArguments)node.Arguments, module!, inputs[0]);

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        Convolution.Onnx((ConvolutionArguments)node.Arguments, node, module!, inputs[0]);
}

/// <summary>What Conv2D and DepthwiseConv2D share.</summary>
internal static class Convolution
{
    public static LayerOutcome Lower(LayerContext context, long filters, long groups)
    {
        var window = Windows.Read(context, "kernelSize", 1, context.Positive("strides", 1));
        var pads = Windows.Resolve(context, window);
        var output = Windows.Output(context, filters, window, pads, pooling: false);
        var bias = context.Bool("useBias", true);
        var inChannels = context.Input.Channels;
        var kernel = checked(window.KernelHeight * window.KernelWidth);
        var weights = checked(kernel * (inChannels / groups) * filters + (bias ? filters : 0));
        var macs = checked(output.Height * output.Width * filters * (inChannels / groups) * kernel);
        return new LayerOutcome(output, new ConvolutionArguments(inChannels, filters, window.KernelHeight, window.KernelWidth,
            window.StrideHeight, window.StrideWidth, window.Dilation, groups, pads, bias), weights, 0, macs);
    }

    public static TorchSharpModule Module(ConvolutionArguments a)
    {
        var (rows, columns) = a.Pads.Symmetric;
        var text = $"{Nn}.Conv2d({Int(a.InChannels)}, {Int(a.Filters)}, kernel_size: ({Int(a.KernelHeight)}, {Int(a.KernelWidth)}), stride: ({Int(a.StrideHeight)}, {Int(a.StrideWidth)})";
        if (rows != 0 || columns != 0)
        {
            text += $", padding: ({Int(rows)}, {Int(columns)})";
        }
        if (a.Dilation != 1)
        {
            text += $", dilation: ({Int(a.Dilation)}, {Int(a.Dilation)})";
        }
        if (a.Groups != 1)
        {
            text += $", groups: {Int(a.Groups)}";
        }
        if (!a.Bias)
        {
            text += ", bias: false";
        }
        return new TorchSharpModule($"{Modules}.Conv2d", text + ")");
    }

    /// <summary>ONNX Conv: its pads take each side separately ([top, left, bottom, right]), so TF's 'same' needs no Pad node.</summary>
    public static string Onnx(ConvolutionArguments a, LoweredNode node, string module, string input) =>
        OnnxCode.Node("Conv", new[] { input, OnnxCode.Parameter(module, "weight", "weight"), a.Bias ? OnnxCode.Parameter(module, "bias", "bias") : "null" }, node.Output,
            OnnxCode.Ints("kernel_shape", a.KernelHeight, a.KernelWidth), OnnxCode.Ints("strides", a.StrideHeight, a.StrideWidth),
            OnnxCode.Ints("pads", a.Pads.Top, a.Pads.Left, a.Pads.Bottom, a.Pads.Right), OnnxCode.Ints("dilations", a.Dilation, a.Dilation), OnnxCode.Int("group", a.Groups));

    public static string Forward(ConvolutionArguments a, string module, string input)
    {
        var remainder = a.Pads.Remainder();
        return remainder is null
            ? $"{module}.forward({input})"
            : $"{module}.forward({Functional}.pad({input}, {Longs(remainder)}))"; // TF 'same': the odd row/column goes bottom/right
    }
}
