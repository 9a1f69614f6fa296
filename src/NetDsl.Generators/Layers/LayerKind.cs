using System;
using System.Collections.Generic;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Shapes;

namespace NetDsl.Generators.Layers;

/// <summary>What an argument of a layer attribute holds, so the analyzer can type-check expressions written for it.</summary>
internal enum ArgumentType
{
    Int,
    Double,
    Bool,
    Enum,

    /// <summary>Names of earlier outputs (a merge's inputs).</summary>
    Names,

    /// <summary>A list of ints (<c>params int[]</c>, or <c>params object[]</c> of ints and expressions).</summary>
    IntList,

    /// <summary>A <c>typeof(...)</c> of a TorchSharp module ([Custom]).</summary>
    Type,
}

/// <summary>
/// One argument a layer attribute declares: a constructor parameter or a property, under the name the parser stores it
/// (the parameter's name, or the property's with a lower-case first letter). <c>LayerCatalogTests</c> checks every
/// spec against the attribute class, so renaming an attribute member without its spec fails a test.
/// </summary>
internal sealed class ArgumentSpec
{
    public ArgumentSpec(string name, ArgumentType type, string? enumType = null)
    {
        Name = name;
        Type = type;
        EnumType = enumType;
    }

    public string Name { get; }

    public ArgumentType Type { get; }

    /// <summary>An enum argument's type, by its full name (NetDsl.Padding).</summary>
    public string? EnumType { get; }

    public static ArgumentSpec Int(string name) => new(name, ArgumentType.Int);

    public static ArgumentSpec Double(string name) => new(name, ArgumentType.Double);

    public static ArgumentSpec Bool(string name) => new(name, ArgumentType.Bool);

    public static ArgumentSpec Enum(string name, string enumType) => new(name, ArgumentType.Enum, enumType);

    public static ArgumentSpec Padding(string name = "padding") => Enum(name, "NetDsl.Padding");

    public static ArgumentSpec Activation(string name = "activation") => Enum(name, "NetDsl.Activation");

    public static ArgumentSpec Names(string name) => new(name, ArgumentType.Names);

    public static ArgumentSpec IntList(string name) => new(name, ArgumentType.IntList);

    public static ArgumentSpec TypeOf(string name) => new(name, ArgumentType.Type);
}

/// <summary>A kernel a regularizer can reach: the stem of its λ properties and the parameter's path below the module.</summary>
internal sealed record KernelFacts(string Property, string Parameter);

/// <summary>Which network-wide default regularizer reaches a weighted layer, and the properties of its λs.</summary>
internal sealed class WeightFacts
{
    public WeightFacts(string kernelProperty, bool isDense)
        : this(isDense, "bias", new KernelFacts(kernelProperty, "weight"))
    {
    }

    public WeightFacts(bool isDense, string biasParameter, params KernelFacts[] kernels)
    {
        IsDense = isDense;
        BiasParameter = biasParameter;
        Kernels = kernels;
    }

    /// <summary>
    /// Each kernel: "kernel" (KernelL1/KernelL2 on .weight), "depthwise" (DepthwiseL1/DepthwiseL2), and for
    /// SeparableConv2D both "depthwise" and "pointwise" on its two convolutions.
    /// </summary>
    public IReadOnlyList<KernelFacts> Kernels { get; }

    /// <summary>The bias's path below the module (BiasL1/BiasL2).</summary>
    public string BiasParameter { get; }

    /// <summary>Dense (RegularizedLayers.Dense) rather than a convolution (RegularizedLayers.Convolutions).</summary>
    public bool IsDense { get; }
}

/// <summary>A layer's concrete arguments after lowering. Each kind declares its own value-equal record.</summary>
internal abstract record LayerArguments;

/// <summary>The arguments of a kind that has none.</summary>
internal sealed record NoArguments : LayerArguments
{
    public static readonly NoArguments Instance = new();
}

/// <summary>What a kind computes for one use: its output shape, concrete arguments and counts.</summary>
internal sealed record LayerOutcome(Shape Output, LayerArguments Arguments, long Trainable = 0, long NonTrainable = 0, long MultiplyAdds = 0);

/// <summary>The TorchSharp module a layer keeps in a field: the field's type and the expression that creates it.</summary>
internal sealed record TorchSharpModule(string Type, string Create, string? Comment = null);

/// <summary>
/// Everything NetDsl knows about one built-in layer kind, in one place: the arguments its attribute declares, their
/// checks, its shape rule, its parameter and multiply-add counts (<see cref="Lower"/>), and the TorchSharp code it
/// emits (<see cref="Module"/>, <see cref="Forward"/>). The attribute is <c>NetDsl.{Name}Attribute</c>; the catalogue
/// (<see cref="LayerCatalog"/>) finds the kind by that name. docs/layers.md documents each kind under its name.
/// </summary>
internal abstract class LayerKind
{
    private static readonly IReadOnlyList<ArgumentSpec> None = Array.Empty<ArgumentSpec>();

    /// <summary>The attribute's name without "Attribute": "Conv2D".</summary>
    public abstract string Name { get; }

    /// <summary>The stem of derived layer names: conv2d → conv2d_1, conv2d_2.</summary>
    public virtual string Stem => Naming.SnakeCase(Name);

    /// <summary>Every argument of the attribute except the ones every layer has (Name, When, From).</summary>
    public virtual IReadOnlyList<ArgumentSpec> Arguments => None;

    /// <summary>The argument holding the names of the outputs a merge reads; null for a one-input layer.</summary>
    public virtual string? InputsArgument => null;

    /// <summary>Its expressions read inputChannels, inputHeight and inputWidth of the layer's own input ([Custom]).</summary>
    public virtual bool ReadsOwnInputShape => false;

    /// <summary>Keras' <c>activation=</c> shorthand: an <c>activation</c> argument applied after the layer's output.</summary>
    public virtual bool HasActivationShorthand => System.Linq.Enumerable.Any(Arguments, a => a.Name == "activation");

    /// <summary>ReLU-like: a variant may move a BatchNorm after it.</summary>
    public virtual bool IsActivation => false;

    /// <summary>Where the kind's weights take their regularizers from; null for a layer without weights.</summary>
    public virtual WeightFacts? Weights => null;

    /// <summary>Whether the module has a bias vector (<c>.bias</c>) a regularizer can read.</summary>
    public virtual bool HasBias(LoweredNode node) => false;

    /// <summary>Bytes of the module's parameters and buffers (float32 values; a kind with other buffers says so).</summary>
    public virtual long StateBytes(LoweredNode node) => Memory.Times(4, Memory.Add(node.Trainable, node.NonTrainable));

    /// <summary>The summary's type column for one use.</summary>
    public virtual string SummaryType(LoweredNode node) => Name;

    /// <summary>Checks the concrete arguments and input shapes of one use and computes its output.</summary>
    public abstract LayerOutcome Lower(LayerContext context);

    /// <summary>The module the layer keeps in a field, or null when its forward is a function of its inputs alone.</summary>
    public virtual TorchSharpModule? Module(LoweredNode node) => null;

    /// <summary>The C# expression of the layer's output, given its module (<c>this.conv1</c>, null without one) and inputs.</summary>
    public abstract string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs);

    /// <summary>
    /// The C# expression that writes the layer's eval-mode ONNX nodes into the generated <c>ExportOnnx</c>'s
    /// <c>graph</c> (<see cref="OnnxCode"/>) and whose value is the name of its output, given its module (null without
    /// one) and the names of its inputs (locals: an expression may read each more than once).
    /// </summary>
    public abstract string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs);

    /// <summary>
    /// The layer's output computed in place in its first input (<c>functional.relu(x, inplace: true)</c>,
    /// <c>a.add_(b)</c>), or null for a kind without an in-place form. The emitter uses it only where that input is a
    /// fresh output of this scope that nothing else reads and that its own backward does not need
    /// (<see cref="OutputMayBeOverwritten"/>), as torchvision's in-place ReLUs and residual sums are.
    /// </summary>
    public virtual string? ForwardInPlace(LoweredNode node, IReadOnlyList<string> inputs) => null;

    /// <summary>Whether <see cref="ForwardInPlace"/> has a form for this use.</summary>
    public virtual bool CanRunInPlace(LoweredNode node) => false;

    /// <summary>For a merge with an in-place form: any input may take the result (addition), not only the first.</summary>
    public virtual bool InPlaceIntoAnyInput => false;

    /// <summary>
    /// The output is a new tensor (never a view of an input), and the kind's backward does not read it (a convolution
    /// saves its input, BatchNorm its input and statistics): a later in-place layer may overwrite it.
    /// </summary>
    public virtual bool OutputMayBeOverwritten => false;
}
