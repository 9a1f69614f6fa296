using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

// The element-wise activations: each keeps its input's shape, has no weights, and is one TorchSharp call.

/// <summary>An activation without arguments or weights: the shape is kept and forward is one call.</summary>
internal abstract class ElementwiseKind : LayerKind
{
    public override LayerOutcome Lower(LayerContext context) => new(context.Input, NoArguments.Instance);

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => Call(inputs[0]);

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => OnnxCall(inputs[0], node.Output);

    protected abstract string Call(string input);

    /// <summary>The ONNX form of the activation of <paramref name="input"/> (a local), of shape <paramref name="shape"/>.</summary>
    protected abstract string OnnxCall(string input, Shape shape);
}

/// <summary>ReLU: max(x, 0) (Keras <c>ReLU</c>, PyTorch <c>nn.ReLU</c>).</summary>
internal sealed class ReLUKind : ElementwiseKind
{
    public override string Name => "ReLU";

    public override string Stem => "relu";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.relu({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Unary("Relu", input, shape);

    public override string? ForwardInPlace(LoweredNode node, IReadOnlyList<string> inputs) => $"{Functional}.relu({inputs[0]}, inplace: true)";

    public override bool CanRunInPlace(LoweredNode node) => true;
}

/// <summary>ReLU6: min(max(x, 0), 6) (Keras <c>ReLU(6.0)</c>, PyTorch <c>nn.ReLU6</c>).</summary>
internal sealed class ReLU6Kind : ElementwiseKind
{
    public override string Name => "ReLU6";

    public override string Stem => "relu6";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.relu6({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Node("Clip", new[] { input, OnnxCode.Scalar(0), OnnxCode.Scalar(6) }, shape);

    public override string? ForwardInPlace(LoweredNode node, IReadOnlyList<string> inputs) => $"{Functional}.relu6({inputs[0]}, inplace: true)";

    public override bool CanRunInPlace(LoweredNode node) => true;
}

/// <summary>Sigmoid: 1 / (1 + e^−x) (PyTorch <c>nn.Sigmoid</c>).</summary>
internal sealed class SigmoidKind : ElementwiseKind
{
    public override string Name => "Sigmoid";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Torch}.sigmoid({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Unary("Sigmoid", input, shape);
}

/// <summary>Tanh (PyTorch <c>nn.Tanh</c>).</summary>
internal sealed class TanhKind : ElementwiseKind
{
    public override string Name => "Tanh";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Torch}.tanh({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Unary("Tanh", input, shape);
}

/// <summary>SiLU, also called Swish: x·sigmoid(x) (PyTorch <c>nn.SiLU</c>).</summary>
internal sealed class SiLUKind : ElementwiseKind
{
    public override string Name => "SiLU";

    public override string Stem => "silu";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.silu({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Node("Mul", new[] { input, OnnxCode.Unary("Sigmoid", input, shape) }, shape);
}

/// <summary>HardSigmoid: relu6(x + 3) / 6 (Keras 3 <c>hard_sigmoid</c>, PyTorch <c>nn.Hardsigmoid</c>).</summary>
internal sealed class HardSigmoidKind : ElementwiseKind
{
    public override string Name => "HardSigmoid";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.hardsigmoid({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Unary("HardSigmoid", input, shape, OnnxCode.Float("alpha", 1.0 / 6), OnnxCode.Float("beta", 0.5));
}

/// <summary>HardSwish: x·relu6(x + 3) / 6 (PyTorch <c>nn.Hardswish</c>).</summary>
internal sealed class HardSwishKind : ElementwiseKind
{
    public override string Name => "HardSwish";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.hardswish({input})";

    protected override string OnnxCall(string input, Shape shape) => OnnxCode.Unary("HardSwish", input, shape);
}

/// <summary>Mish: x·tanh(softplus(x)) (PyTorch <c>nn.Mish</c>).</summary>
internal sealed class MishKind : ElementwiseKind
{
    public override string Name => "Mish";

    public override bool IsActivation => true;

    protected override string Call(string input) => $"{Functional}.mish({input})";

    // Mish is an operator from opset 18; x·tanh(softplus(x)) works in every set.
    protected override string OnnxCall(string input, Shape shape) =>
        OnnxCode.Node("Mul", new[] { input, OnnxCode.Unary("Tanh", OnnxCode.Unary("Softplus", input, shape), shape) }, shape);
}

internal sealed record SlopeArguments(double Alpha) : LayerArguments;

/// <summary>LeakyReLU: x for x ≥ 0, αx below (Keras default α = 0.3; PyTorch's <c>nn.LeakyReLU</c> defaults to 0.01).</summary>
internal sealed class LeakyReLUKind : LayerKind
{
    public override string Name => "LeakyReLU";

    public override string Stem => "leaky_relu";

    public override bool IsActivation => true;

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("alpha") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var alpha = context.Real("alpha", 0.3);
        if (!(alpha >= 0))
        {
            throw context.Fail(Rules.ArgumentOutOfRange, context.ValueSpan("alpha"), context.Path, $"alpha must be ≥ 0, got {alpha.ToString("R", CultureInfo.InvariantCulture)}");
        }
        return new LayerOutcome(context.Input, new SlopeArguments(alpha));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{Functional}.leaky_relu({inputs[0]}, {Number(((SlopeArguments)node.Arguments).Alpha)})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Unary("LeakyRelu", inputs[0], node.Output, OnnxCode.Float("alpha", ((SlopeArguments)node.Arguments).Alpha));
}

/// <summary>ELU: x for x > 0, α(e^x − 1) below (Keras and PyTorch <c>nn.ELU</c>, α = 1).</summary>
internal sealed class ELUKind : LayerKind
{
    public override string Name => "ELU";

    public override bool IsActivation => true;

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Double("alpha") };

    public override LayerOutcome Lower(LayerContext context)
    {
        var alpha = context.Real("alpha", 1.0);
        if (!(alpha > 0))
        {
            throw context.Fail(Rules.ArgumentOutOfRange, context.ValueSpan("alpha"), context.Path, $"alpha must be > 0, got {alpha.ToString("R", CultureInfo.InvariantCulture)}");
        }
        return new LayerOutcome(context.Input, new SlopeArguments(alpha));
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{Functional}.elu({inputs[0]}, {Number(((SlopeArguments)node.Arguments).Alpha)})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Unary("Elu", inputs[0], node.Output, OnnxCode.Float("alpha", ((SlopeArguments)node.Arguments).Alpha));
}

internal sealed record GeluArguments(bool Approximate) : LayerArguments;

/// <summary>GELU: x·Φ(x), exact or with the tanh approximation (PyTorch <c>nn.GELU(approximate='tanh')</c>).</summary>
internal sealed class GELUKind : LayerKind
{
    public override string Name => "GELU";

    public override bool IsActivation => true;

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Bool("approximate") };

    public override LayerOutcome Lower(LayerContext context) => new(context.Input, new GeluArguments(context.Bool("approximate", false)));

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) => ((GeluArguments)node.Arguments).Approximate
        ? $"{Functional}.gelu({inputs[0]}, global::TorchSharp.Modules.GELU.Approximate.tanh)"
        : $"{Functional}.gelu({inputs[0]})";

    // Gelu is an operator from opset 20: x·Φ(x) written out, exactly (erf) or with PyTorch's tanh approximation.
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs)
    {
        var (x, s) = (inputs[0], node.Output);
        string Mul(string a, string b) => OnnxCode.Node("Mul", new[] { a, b }, s);
        string Add(string a, string b) => OnnxCode.Node("Add", new[] { a, b }, s);
        var half = Mul(x, OnnxCode.Scalar(0.5));
        if (!((GeluArguments)node.Arguments).Approximate)
        {
            return Mul(half, Add(OnnxCode.Unary("Erf", Mul(x, OnnxCode.Scalar(0.70710678118654752)), s), OnnxCode.Scalar(1)));
        }
        var cube = Mul(Mul(x, x), x);
        var inner = Mul(Add(x, Mul(cube, OnnxCode.Scalar(0.044715))), OnnxCode.Scalar(0.79788456080286536));
        return Mul(half, Add(OnnxCode.Unary("Tanh", inner, s), OnnxCode.Scalar(1)));
    }
}

internal sealed record SoftmaxArguments(long Dim) : LayerArguments;

/// <summary>
/// Softmax over one axis. <c>Axis</c> counts as PyTorch's <c>dim</c>, with the batch: 1 is the channels (or features),
/// −1 (the default, as in Keras) the last axis.
/// </summary>
internal sealed class SoftmaxKind : LayerKind
{
    public override string Name => "Softmax";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Int("axis") };

    public override LayerOutcome Lower(LayerContext context) => new(context.Input, new SoftmaxArguments(Axes.Resolve(context, "axis", -1)));

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"{Functional}.softmax({inputs[0]}, {Int(((SoftmaxArguments)node.Arguments).Dim)})";

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        OnnxCode.Unary("Softmax", inputs[0], node.Output, OnnxCode.Int("axis", ((SoftmaxArguments)node.Arguments).Dim));
}

/// <summary>Axis arguments, counted as PyTorch's dim (with the batch at 0; negative from the end).</summary>
internal static class Axes
{
    public static long Resolve(LayerContext context, string argument, long fallback)
    {
        var rank = context.Input.Rank + 1;
        var axis = context.Int(argument, fallback);
        var resolved = axis < 0 ? axis + rank : axis;
        if (resolved < 1 || resolved >= rank)
        {
            throw context.Misfit(argument, $"{argument} = {axis} is not an axis of a sample of {context.Input} (1 to {rank - 1}, or −1 to −{rank - 1}; 0 is the batch)");
        }
        return resolved;
    }
}

internal sealed record ChosenActivation(LoweredNode? Chosen) : LayerArguments;

/// <summary>
/// Activation (Keras <c>layers.Activation</c>): the activation layer an <c>Activation</c> value names, with that layer's
/// defaults (LeakyReLU α 0.3, ELU α 1, exact GELU, Softmax over the last axis); <c>Activation.None</c> is the identity.
/// The same choice serves <c>Activation = …</c> on Conv2D, Dense and the other weighted layers.
/// </summary>
internal sealed class ActivationKind : LayerKind
{
    private static readonly string[] Kinds = { "", "ReLU", "ReLU6", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "ELU", "GELU", "SiLU", "HardSigmoid", "HardSwish", "Mish" };

    public override string Name => "Activation";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[] { ArgumentSpec.Activation() };

    public override bool HasActivationShorthand => false; // its argument is the layer itself

    public override bool IsActivation => true;

    /// <summary>
    /// The node of the layer NetDsl.Activation's member <paramref name="activation"/> (≥ 1, in its declared order) names,
    /// reading <paramref name="input"/>: this layer's choice, and the <c>Activation = …</c> shorthand's.
    /// </summary>
    public static LoweredNode Node(string name, long activation, Shape input)
    {
        var kind = Kinds[activation];
        LayerArguments arguments = kind switch
        {
            "Softmax" => new SoftmaxArguments(input.Rank),
            "LeakyReLU" => new SlopeArguments(0.3),
            "ELU" => new SlopeArguments(1.0),
            "GELU" => new GeluArguments(false),
            _ => NoArguments.Instance,
        };
        return new LoweredNode(name, kind, new[] { 0 }.ToEquatableArray(), new[] { input }.ToEquatableArray(), input, arguments, 0, 0, 0, LayerRegularizers.None, null);
    }

    public override LayerOutcome Lower(LayerContext context)
    {
        var activation = context.Enum("activation", 0);
        var chosen = activation == 0 ? null : Node(context.Layer.Name, activation, context.Input);
        return new LayerOutcome(context.Input, new ChosenActivation(chosen));
    }

    public override string SummaryType(LoweredNode node) =>
        ((ChosenActivation)node.Arguments).Chosen is { } chosen ? Name + ", " + chosen.Kind : Name + ", None";

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        ((ChosenActivation)node.Arguments).Chosen is { } chosen ? LayerCatalog.Get(chosen.Kind).Forward(chosen, module, inputs) : inputs[0];

    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        ((ChosenActivation)node.Arguments).Chosen is { } chosen ? LayerCatalog.Get(chosen.Kind).Onnx(chosen, module, inputs) : OnnxCode.Unary("Identity", inputs[0], node.Output);

    public override string? ForwardInPlace(LoweredNode node, IReadOnlyList<string> inputs) =>
        ((ChosenActivation)node.Arguments).Chosen is { } chosen ? LayerCatalog.Get(chosen.Kind).ForwardInPlace(chosen, inputs) : null;

    public override bool CanRunInPlace(LoweredNode node) =>
        ((ChosenActivation)node.Arguments).Chosen is { } chosen && LayerCatalog.Get(chosen.Kind).CanRunInPlace(chosen);
}
