using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record DropoutArguments(double Rate) : LayerArguments;

/// <summary>Dropout (Keras <c>Dropout</c>, PyTorch <c>nn.Dropout</c>): inverted dropout while training.</summary>
internal sealed class DropoutKind : LayerKind
{
    public override string Name => "Dropout";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("rate") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var rate = context.Real("rate", 0);
        if (!(rate >= 0 && rate < 1))
        {
            throw context.Fail(Rules.ArgumentOutOfRange, context.ValueSpan("rate"), context.Path, $"dropout rate must be in [0, 1), got {rate.ToString("R", CultureInfo.InvariantCulture)}");
        }
        return new LayerOutcome(context.Input, new DropoutArguments(rate));
    }

    public override TorchSharpModule Module(LoweredNode node) =>
        new($"{Modules}.Dropout", $"{Nn}.Dropout({Number(((DropoutArguments)node.Arguments).Rate)})");

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>The identity: an exported network is in eval mode.</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => OnnxCode.Unary("Identity", inputs[0], node.Output);
}
