using System.Collections.Generic;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record DenseArguments(long InFeatures, long Units, bool Bias) : LayerArguments;

/// <summary>Dense (Keras <c>Dense</c>, PyTorch <c>nn.Linear</c>) on a flat input; <c>InFeatures</c> pins the input width.</summary>
internal sealed class DenseKind : LayerKind
{
    /// <inheritdoc/>
    public override bool OutputMayBeOverwritten => true;

    public override string Name => "Dense";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.Int("units"), ArgumentSpec.Int("inFeatures"), ArgumentSpec.Bool("useBias"), ArgumentSpec.Activation(),
        ArgumentSpec.Double("kernelL1"), ArgumentSpec.Double("kernelL2"), ArgumentSpec.Double("biasL1"), ArgumentSpec.Double("biasL2"),
    };

    public override WeightFacts Weights { get; } = new("kernel", isDense: true);

    public override LayerOutcome Lower(LayerContext context)
    {
        context.RequireFlat();
        var features = context.Input.Channels;
        if (context.Has("inFeatures"))
        {
            var declared = context.Positive("inFeatures", 1);
            if (declared != features)
            {
                throw context.Fail(Rules.DeclaredShapeDiffers, context.SpanOf("inFeatures"), context.Path, $"InFeatures = {declared}", $"[N, {declared}]", context.Input.ToString());
            }
        }
        var units = context.Positive("units", 1);
        var bias = context.Bool("useBias", true);
        return new LayerOutcome(Shape.Vector(units), new DenseArguments(features, units, bias),
            checked(features * units + (bias ? units : 0)), 0, checked(features * units));
    }

    public override bool HasBias(LoweredNode node) => ((DenseArguments)node.Arguments).Bias;

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (DenseArguments)node.Arguments;
        return new TorchSharpModule($"{Modules}.Linear", $"{Nn}.Linear({Int(a.InFeatures)}, {Int(a.Units)}{(a.Bias ? string.Empty : ", hasBias: false")})");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"{module}.forward({inputs[0]})";

    /// <summary>Gemm(x, W, b) with W as stored, [units, features] (transB).</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Node("Gemm", new[] { inputs[0], OnnxCode.Parameter(module!, "weight", "weight"), ((DenseArguments)node.Arguments).Bias ? OnnxCode.Parameter(module!, "bias", "bias") : "null" },
            node.Output, OnnxCode.Int("transB", 1));
}
