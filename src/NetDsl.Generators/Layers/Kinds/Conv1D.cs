using System;
using System.Collections.Generic;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record Convolution1DArguments(long InChannels, long Filters, long Kernel, long Stride, long Dilation, long Groups, long Before, long After, bool Bias) : LayerArguments;

/// <summary>
/// Conv1D over a sequence [N, C, L] (Keras <c>Conv1D</c> channels-first, PyTorch <c>nn.Conv1d</c>): filters, kernel,
/// stride, dilation, groups, padding 'valid', TensorFlow's 'same' or explicit (<c>Pad</c>).
/// </summary>
internal sealed class Conv1DKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "Conv1D";

    public override string Stem => "conv1d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("filters"), ArgumentSpec.Int("kernelSize"), ArgumentSpec.Int("strides"), ArgumentSpec.Padding(),
        ArgumentSpec.Int("pad"), ArgumentSpec.Int("dilation"), ArgumentSpec.Int("groups"), ArgumentSpec.Bool("useBias"), ArgumentSpec.Activation(),
        ArgumentSpec.Double("kernelL1"), ArgumentSpec.Double("kernelL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    public override WeightFacts Weights { get; } = new("kernel", isDense: false);

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireRank(2, "a sequence input [N, C, L]");
        var input = context.Input;
        var filters = context.Positive("filters", 1);
        var kernel = context.Positive("kernelSize", 1);
        var stride = context.Positive("strides", 1);
        var dilation = context.Positive("dilation", 1);
        var groups = context.Positive("groups", 1);
        if (input.Channels % groups != 0 || filters % groups != 0)
        {
            throw context.Misfit("groups", $"groups = {groups} must divide both the input channels ({input.Channels}) and filters ({filters})");
        }
        var effective = checked(dilation * (kernel - 1) + 1);
        long before = 0, after = 0;
        if (context.Has("pad"))
        {
            if (context.Enum("padding", Windows.Valid) != Windows.Valid)
            {
                throw context.Conflict("pad", "Pad and Padding both set the padding; keep one");
            }
            before = after = context.NonNegative("pad", 0);
        }
        else if (context.Enum("padding", Windows.Valid) == Windows.Same)
        {
            (before, after) = ShapeRules.SameAxis(input.Length, effective, stride);
        }
        else if (context.Enum("padding", Windows.Valid) == Windows.Half)
        {
            before = after = checked(dilation * (kernel - 1) / 2);
        }
        var padded = checked(input.Length + before + after);
        if (padded < effective)
        {
            var same = Windows.OffersSame(context);
            var diagnostic = Rules.KernelTooLarge.At(context.Where, context.Path, effective.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-long", input.ToString(),
                $" (it needs a length of at least {Math.Max(1, effective - before - after)}): {(same ? "set Padding = Padding.Same, use a smaller kernel, or give the network a longer [Input]" : "use a smaller kernel or give the network a longer [Input]")}");
            throw context.Fail(same ? diagnostic.Offer("PaddingSame") : diagnostic);
        }
        var length = (padded - effective) / stride + 1;
        var bias = context.Bool("useBias", true);
        var weights = checked(kernel * (input.Channels / groups) * filters + (bias ? filters : 0));
        var macs = checked(length * filters * (input.Channels / groups) * kernel);
        return new LayerOutcome(Shape.Sequence(filters, length),
            new Convolution1DArguments(input.Channels, filters, kernel, stride, dilation, groups, before, after, bias), weights, 0, macs);
    }

    public override bool HasBias(LoweredNode node) => ((Convolution1DArguments)node.Arguments).Bias;

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (Convolution1DArguments)node.Arguments;
        var symmetric = System.Math.Min(a.Before, a.After);
        var text = $"{Nn}.Conv1d({Int(a.InChannels)}, {Int(a.Filters)}, kernel_size: {Int(a.Kernel)}, stride: {Int(a.Stride)}";
        text += symmetric != 0 ? $", padding: {Int(symmetric)}" : string.Empty;
        text += a.Dilation != 1 ? $", dilation: {Int(a.Dilation)}" : string.Empty;
        text += a.Groups != 1 ? $", groups: {Int(a.Groups)}" : string.Empty;
        text += a.Bias ? string.Empty : ", bias: false";
        return new TorchSharpModule($"{Modules}.Conv1d", text + ")");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (Convolution1DArguments)node.Arguments;
        var symmetric = System.Math.Min(a.Before, a.After);
        return a.Before == a.After
            ? $"{module}.forward({inputs[0]})"
            : $"{module}.forward({Functional}.pad({inputs[0]}, {Longs(new[] { a.Before - symmetric, a.After - symmetric })}))";
    }

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (Convolution1DArguments)node.Arguments;
        return OnnxCode.Node("Conv", new[] { inputs[0], OnnxCode.Parameter(module!, "weight", "weight"), a.Bias ? OnnxCode.Parameter(module!, "bias", "bias") : "null" }, node.Output,
            OnnxCode.Ints("kernel_shape", a.Kernel), OnnxCode.Ints("strides", a.Stride), OnnxCode.Ints("pads", a.Before, a.After),
            OnnxCode.Ints("dilations", a.Dilation), OnnxCode.Int("group", a.Groups));
    }
}
