using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Lowering;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record BatchNormArguments(long Channels, int Rank, double Epsilon, double KerasMomentum, bool Affine, bool TrackRunningStats) : LayerArguments;

/// <summary>
/// BatchNorm over channels or features (Keras <c>BatchNormalization</c>; PyTorch <c>nn.BatchNorm1d/2d/3d</c> by the
/// input's rank). Momentum is Keras': running = momentum·running + (1 − momentum)·batch.
/// </summary>
internal sealed class BatchNormKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "BatchNorm";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("epsilon"), ArgumentSpec.Double("momentum"), ArgumentSpec.Bool("affine"), ArgumentSpec.Bool("trackRunningStats") };

    /// <summary>The float32 scale, shift and running statistics, and PyTorch's int64 <c>num_batches_tracked</c> counter.</summary>
    public override long StateBytes(LoweredNode node) =>
        Memory.Add(base.StateBytes(node), ((BatchNormArguments)node.Arguments).TrackRunningStats ? 8 : 0);

    public override LayerOutcome Lower(LayerContext context)
    {
        var torch = context.TorchBatchNormDefaults;
        var epsilon = context.Real("epsilon", torch ? 1e-5 : 1e-3);
        var momentum = context.Real("momentum", torch ? 0.9 : 0.99);
        if (!(epsilon > 0))
        {
            throw context.Invalid("epsilon", $"epsilon must be > 0, got {Format(epsilon)}");
        }
        if (!(momentum >= 0 && momentum < 1))
        {
            throw context.Invalid("momentum", $"momentum must be in [0, 1), got {Format(momentum)}");
        }
        var channels = context.Input.Channels;
        var affine = context.Bool("affine", true);
        var track = context.Bool("trackRunningStats", true);
        return new LayerOutcome(context.Input, new BatchNormArguments(channels, context.Input.Rank, epsilon, momentum, affine, track),
            affine ? checked(2 * channels) : 0, track ? checked(2 * channels) : 0);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (BatchNormArguments)node.Arguments;
        var type = a.Rank switch
        {
            1 or 2 => "BatchNorm1d",
            3 => "BatchNorm2d",
            _ => "BatchNorm3d",
        };
        var switches = (a.Affine ? string.Empty : ", affine: false") + (a.TrackRunningStats ? string.Empty : ", track_running_stats: false");
        return new TorchSharpModule($"{Modules}.{type}", $"{Nn}.{type}({Int(a.Channels)}, eps: {Number(a.Epsilon)}, momentum: {TorchMomentum(a.KerasMomentum)}{switches})",
            $"Keras momentum {Number(a.KerasMomentum)}");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>
    /// BatchNormalization with the running statistics (eval mode); without them PyTorch normalizes by the batch's own
    /// statistics in eval too, written out with ReduceMean over the batch and every axis but the channels.
    /// </summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var a = (BatchNormArguments)node.Arguments;
        var x = inputs[0];
        string Gamma(IReadOnlyList<long> shape) => a.Affine ? $"graph.Parameter({module}.weight!, \"weight\", {Longs(shape)})" : $"graph.Filled(1, {Longs(shape)})";
        string Beta(IReadOnlyList<long> shape) => a.Affine ? $"graph.Parameter({module}.bias!, \"bias\", {Longs(shape)})" : $"graph.Filled(0, {Longs(shape)})";
        if (a.TrackRunningStats)
        {
            var vector = new[] { a.Channels };
            return OnnxCode.Node("BatchNormalization", new[] { x, Gamma(vector), Beta(vector), $"graph.Parameter({module}.running_mean!, \"running_mean\")",
                $"graph.Parameter({module}.running_var!, \"running_var\")" }, node.Output, OnnxCode.Float("epsilon", a.Epsilon));
        }
        var channelShape = new[] { a.Channels }.Concat(Enumerable.Repeat(1L, node.Output.Rank - 1)).ToArray();
        return $"graph.BatchStatisticsNormalization({x}, {Gamma(channelShape)}, {Beta(channelShape)}, {Number(a.Epsilon)}, {Longs(node.Output.Dimensions)})";
    }

    /// <summary>PyTorch's BatchNorm momentum from Keras', without binary noise: 1 − 0.99 is written 0.01.</summary>
    internal static string TorchMomentum(double kerasMomentum)
    {
        try
        {
            return Number((double)(1m - (decimal)kerasMomentum));
        }
        catch (OverflowException)
        {
            return Number(1 - kerasMomentum);
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
