using System;

namespace NetDsl;

/// <summary>
/// Marks a <c>partial</c> class as a network. Its layers are the layer and block attributes on the class, in
/// source order; the generator makes the class a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Epsilon and momentum of every BatchNorm layer that does not set its own.</summary>
    public BatchNormDefaults BatchNormDefaults { get; set; }

    /// <summary>How the weights are initialized (TorchSharp's defaults unless set; Keras code uses GlorotUniform).</summary>
    public WeightInitialization Initialization { get; set; }
}

/// <summary>
/// The shape of one input sample (without the batch dimension), channels first. On a block class it is a contract,
/// checked at every use of the block, where <see cref="Any"/> (0) leaves a size free: <c>[Input(64, InputAttribute.Any, InputAttribute.Any)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>In a block's declared input: any size on this axis.</summary>
    public const int Any = 0;

    /// <summary>A flat input of <paramref name="features"/> values, e.g. 784 for a flattened MNIST digit.</summary>
    public InputAttribute(int features) { }

    /// <summary>A sequence input of <paramref name="channels"/> × <paramref name="length"/> (Conv1D's input).</summary>
    public InputAttribute(int channels, int length) { }

    /// <summary>An image input of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public InputAttribute(int channels, int height, int width) { }

    /// <summary>A volume input of <paramref name="channels"/> × <paramref name="depth"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public InputAttribute(int channels, int depth, int height, int width) { }
}

/// <summary>
/// The names of a block's inputs, for a block that reads more than one (a U-Net decoder level reads the upsampled map
/// and the skip connection): <c>[BlockInputs("x", "skip")]</c>. Its layers read them by name (<c>From = "skip"</c>, a
/// merge's inputs); the first layer reads the first. A use names what it passes in the same order:
/// <c>[Up(128, From = "bottom, enc3")]</c>. The generated block's <c>forward</c> takes one tensor per name. A block's
/// <see cref="InputAttribute"/> contract applies to its first input.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BlockInputsAttribute : Attribute
{
    /// <param name="names">Two to six names, each a C#-style identifier, all different.</param>
    public BlockInputsAttribute(params string[] names) { }
}

/// <summary>
/// Derives a network from a base network without copying its layers: the variant has the same layers,
/// changed as this attribute (and a <see cref="DefaultRegularizerAttribute"/> on the variant) says.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class VariantAttribute : Attribute
{
    /// <param name="baseNetwork">A class marked <see cref="NetworkAttribute"/> or <see cref="VariantAttribute"/>.</param>
    public VariantAttribute(Type baseNetwork) { }

    /// <summary>Keep, move after the activation, or remove every BatchNorm layer.</summary>
    public BatchNormPlacement BatchNorm { get; set; }
}

/// <summary>
/// A regularizer for every weighted layer of the network (including layers inside blocks) that sets none of its own.
/// Keras semantics: L1(λ) adds λ·Σ|w|, L2(λ) adds λ·Σw²; setting both gives L1L2.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DefaultRegularizerAttribute : Attribute
{
    /// <summary>λ of the L1 term.</summary>
    public double L1 { get; set; }

    /// <summary>λ of the L2 term.</summary>
    public double L2 { get; set; }

    /// <summary>Which layers get it (default: all weighted layers).</summary>
    public RegularizedLayers Layers { get; set; } = RegularizedLayers.All;

    /// <summary>Also regularize biases, where a layer has one.</summary>
    public bool Biases { get; set; }
}

/// <summary>
/// A named value or function for the expressions of this network or block class, written once:
/// <c>[Let("hidden", "inputChannels * expand")]</c>, or with parameters
/// <c>[Let("divisible(v, d)", "max(d, int(v + d / 2.0) / d * d)")]</c> (torchvision's channel rounding). Expressions may
/// call min, max, floor, ceil, round (to even, as Python) and int (toward zero); a Let reads the Lets above it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LetAttribute : Attribute
{
    /// <param name="name">"name", or "name(a, b)" for a function.</param>
    /// <param name="expression">Its value: an expression over the block's parameters, its input size, the Lets above and its own parameters.</param>
    public LetAttribute(string name, string expression) { }
}
