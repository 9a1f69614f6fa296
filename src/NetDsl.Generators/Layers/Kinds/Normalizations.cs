using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Lowering;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record NormalizationArguments(long Features, long Groups, double Epsilon, bool Affine) : LayerArguments;

/// <summary>What LayerNormalization, GroupNormalization and InstanceNormalization check alike.</summary>
internal static class Normalization
{
    public static double Epsilon(LayerContext context)
    {
        var epsilon = context.Real("epsilon", 1e-3);
        if (!(epsilon > 0))
        {
            throw context.Invalid("epsilon", $"epsilon must be > 0, got {epsilon.ToString("R", CultureInfo.InvariantCulture)}");
        }
        return epsilon;
    }
}

/// <summary>
/// LayerNormalization over the last axis of each sample (Keras <c>LayerNormalization(axis=-1)</c>, PyTorch
/// <c>nn.LayerNorm(last)</c>): the features of a flat input, the positions of a sequence. Keras' epsilon 1e-3.
/// </summary>
internal sealed class LayerNormalizationKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "LayerNormalization";

    public override string Stem => "layer_norm";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("epsilon"), ArgumentSpec.Bool("affine") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var epsilon = Normalization.Epsilon(context);
        var affine = context.Bool("affine", true);
        var last = context.Input[context.Input.Rank - 1];
        return new LayerOutcome(context.Input, new NormalizationArguments(last, 1, epsilon, affine), affine ? checked(2 * last) : 0);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (NormalizationArguments)node.Arguments;
        return new TorchSharpModule($"{Modules}.LayerNorm", $"{Nn}.LayerNorm({Int(a.Features)}, eps: {Number(a.Epsilon)}{(a.Affine ? string.Empty : ", elementwise_affine: false")})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>LayerNormalization over the last axis (an operator since opset 17).</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (NormalizationArguments)node.Arguments;
        var scale = a.Affine ? $"graph.Parameter({module}.weight!, \"weight\")" : $"graph.Filled(1, {Longs(new[] { a.Features })})";
        var bias = a.Affine ? $"graph.Parameter({module}.bias!, \"bias\")" : "null";
        return OnnxCode.Node("LayerNormalization", new[] { inputs[0], scale, bias }, node.Output, OnnxCode.Int("axis", -1), OnnxCode.Float("epsilon", a.Epsilon));
    }
}

/// <summary>
/// GroupNormalization: channels split into groups, each normalized over its channels and positions (Keras
/// <c>GroupNormalization</c>, PyTorch <c>nn.GroupNorm</c>). Keras' epsilon 1e-3.
/// </summary>
internal sealed class GroupNormalizationKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "GroupNormalization";

    public override string Stem => "group_norm";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("groups"), ArgumentSpec.Double("epsilon"), ArgumentSpec.Bool("affine") };

    public override LayerOutcome Lower(LayerContext context)
    {
        if (context.Input.Rank < 2)
        {
            context.RequireRank(3, "an input with channels and positions [N, C, ...]");
        }
        var channels = context.Input.Channels;
        var groups = context.Positive("groups", 32);
        if (channels % groups != 0)
        {
            throw context.Misfit("groups", $"groups = {groups} must divide the channels ({channels})");
        }
        var epsilon = Normalization.Epsilon(context);
        var affine = context.Bool("affine", true);
        return new LayerOutcome(context.Input, new NormalizationArguments(channels, groups, epsilon, affine), affine ? checked(2 * channels) : 0);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (NormalizationArguments)node.Arguments;
        // TorchSharp's nn.GroupNorm leaves γ and β uninitialized; NetDsl's factory starts them at 1 and 0, as PyTorch does.
        return new TorchSharpModule($"{Modules}.GroupNorm", $"global::NetDsl.Normalizations.GroupNorm({Int(a.Groups)}, {Int(a.Features)}, {Number(a.Epsilon)}, {Bool(a.Affine)})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>
    /// The channels as [groups, rest], each group normalized by InstanceNormalization, reshaped back, then scaled and
    /// shifted per channel (GroupNormalization is an operator from opset 18 only, with a per-group scale).
    /// </summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (NormalizationArguments)node.Arguments;
        var grouped = new[] { a.Groups, node.Output.Size / a.Groups };
        var split = OnnxCode.Node("Reshape", new[] { inputs[0], OnnxCode.Longs(0, a.Groups, -1) }, grouped);
        var normalized = OnnxCode.Node("InstanceNormalization", new[] { split, $"graph.Filled(1, {Longs(new[] { a.Groups })})", $"graph.Filled(0, {Longs(new[] { a.Groups })})" }, grouped,
            OnnxCode.Float("epsilon", a.Epsilon));
        var back = OnnxCode.Node("Reshape", new[] { normalized, OnnxCode.Longs(new[] { 0L }.Concat(node.Output.Dimensions).ToArray()) }, node.Output);
        if (!a.Affine)
        {
            return back;
        }
        var channel = Longs(new[] { a.Features }.Concat(Enumerable.Repeat(1L, node.Output.Rank - 1)));
        var scaled = OnnxCode.Node("Mul", new[] { back, $"graph.Parameter({module}.weight!, \"weight\", {channel})" }, node.Output);
        return OnnxCode.Node("Add", new[] { scaled, $"graph.Parameter({module}.bias!, \"bias\", {channel})" }, node.Output);
    }
}

/// <summary>
/// InstanceNormalization: each channel of each sample normalized over its positions (Keras
/// <c>GroupNormalization(groups=-1)</c>; PyTorch <c>nn.InstanceNorm2d(affine=True)</c>, no running statistics).
/// </summary>
internal sealed class InstanceNormalizationKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "InstanceNormalization";

    public override string Stem => "instance_norm";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("epsilon"), ArgumentSpec.Bool("affine") };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        var epsilon = Normalization.Epsilon(context);
        var affine = context.Bool("affine", true);
        var channels = context.Input.Channels;
        return new LayerOutcome(context.Input, new NormalizationArguments(channels, channels, epsilon, affine), affine ? checked(2 * channels) : 0);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (NormalizationArguments)node.Arguments;
        return new TorchSharpModule($"{Modules}.InstanceNorm2d", $"{Nn}.InstanceNorm2d({Int(a.Features)}, eps: {Number(a.Epsilon)}, affine: {Bool(a.Affine)})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (NormalizationArguments)node.Arguments;
        var vector = Longs(new[] { a.Features });
        return OnnxCode.Node("InstanceNormalization", new[]
        {
            inputs[0], a.Affine ? $"graph.Parameter({module}.weight!, \"weight\")" : $"graph.Filled(1, {vector})",
            a.Affine ? $"graph.Parameter({module}.bias!, \"bias\")" : $"graph.Filled(0, {vector})",
        }, node.Output, OnnxCode.Float("epsilon", a.Epsilon));
    }
}

internal sealed record PReLUArguments(long Parameters, double Init) : LayerArguments;

/// <summary>
/// PReLU: x for x ≥ 0, a learned αx below (PyTorch <c>nn.PReLU</c>: one α, or one per channel with <c>Channelwise</c>,
/// as Keras' <c>PReLU(shared_axes=[1, 2])</c>); α starts at <c>Init</c> (0.25).
/// </summary>
internal sealed class PReLUKind : LayerKind
{
    public override string Name => "PReLU";

    public override string Stem => "prelu";

    public override bool IsActivation => true;

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Bool("channelwise"), ArgumentSpec.Double("init") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var count = context.Bool("channelwise", false) ? context.Input.Channels : 1;
        return new LayerOutcome(context.Input, new PReLUArguments(count, context.Real("init", 0.25)), count);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (PReLUArguments)node.Arguments;
        return new TorchSharpModule($"{Modules}.PReLU", $"{Nn}.PReLU({Int(a.Parameters)}, {Number(a.Init)})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>PRelu with the slope shaped to broadcast over the channels (axis 1) as PyTorch applies it.</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (PReLUArguments)node.Arguments;
        var shape = a.Parameters == 1 ? new[] { 1L } : new[] { a.Parameters }.Concat(Enumerable.Repeat(1L, node.Output.Rank - 1)).ToArray();
        return OnnxCode.Node("PRelu", new[] { inputs[0], $"graph.Parameter({module}.weight!, \"weight\", {Longs(shape)})" }, node.Output);
    }
}

/// <summary>SpatialDropout2D: whole channels zeroed while training (Keras <c>SpatialDropout2D</c>, PyTorch <c>nn.Dropout2d</c>).</summary>
internal sealed class SpatialDropout2DKind : LayerKind
{
    public override string Name => "SpatialDropout2D";

    public override string Stem => "spatial_dropout2d";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("rate") };

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireImage();
        return new DropoutKind().Lower(context);
    }

    public override TorchSharpModule Module(LoweredNode node) =>
        new($"{Modules}.Dropout2d", $"{Nn}.Dropout2d({Number(((DropoutArguments)node.Arguments).Rate)})");

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => OnnxCode.Unary("Identity", inputs[0], node.Output);
}

/// <summary>AlphaDropout: dropout that keeps SELU's mean and variance (Keras <c>AlphaDropout</c>, PyTorch <c>nn.AlphaDropout</c>).</summary>
internal sealed class AlphaDropoutKind : LayerKind
{
    public override string Name => "AlphaDropout";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("rate") };

    public override LayerOutcome Lower(LayerContext context) => new DropoutKind().Lower(context);

    public override TorchSharpModule Module(LoweredNode node) =>
        new($"{Modules}.AlphaDropout", $"{Nn}.AlphaDropout({Number(((DropoutArguments)node.Arguments).Rate)})");

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => OnnxCode.Unary("Identity", inputs[0], node.Output);
}
