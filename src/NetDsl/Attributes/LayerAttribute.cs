using System;

namespace NetDsl;

/// <summary>
/// Base of every layer and block attribute. Layers run in the order their attributes are written.
/// </summary>
/// <remarks>
/// Every size and option of a layer (the properties typed <c>object</c>: <c>Pad</c>, <c>Dilation</c>, <c>Groups</c>,
/// <c>Padding</c>, <c>Activation</c>, <c>UseBias</c>, …) takes a constant of the type its documentation names, or a
/// string with an expression over the block's parameters (<c>Groups = "groups"</c>, <c>Activation = "act"</c>); the
/// analyzer checks the type of each. Regularizer λs are constants.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The module name (and state-dict key prefix). Without it a stable name is derived from the layer kind and
    /// its position among layers of that kind, e.g. <c>conv2d_2</c>.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The name of the layer's tensors in weight files exchanged with PyTorch (<c>Weights.Load</c>, <c>Weights.Save</c>): its module path
    /// below the enclosing block's, where that differs from <see cref="Name"/>, e.g. <c>"downsample.0"</c> for
    /// torchvision's <c>layer1.0.downsample.0.weight</c>. <c>""</c> on a block puts its layers' tensors directly under
    /// the enclosing path. Parts in braces are int expressions over the block's parameters and <c>repeatIndex</c>:
    /// <c>Key = "conv.{expand != 1 ? 1 : 0}"</c>. On a <see cref="Repeat"/> the key is each copy's own, relative to the
    /// enclosing block (the chain of copies adds no segment of its own): <c>Key = "denseblock1.denselayer{repeatIndex + 1}"</c>.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>
    /// Inside a block: an expression over the block's parameters; the layer exists only where it is true
    /// (e.g. <c>When = "shortcut"</c>).
    /// </summary>
    public string? When { get; set; }

    /// <summary>
    /// The name of the output this layer reads instead of the previous layer's: an earlier layer of the same network
    /// or block, or <c>"input"</c> (the network's or block's input). A branch starts here, e.g. a shortcut projection
    /// <c>[Conv2D(64, 1, Name = "proj", From = "input")]</c>. Merges name their inputs in their constructor instead.
    /// A block with several inputs (<see cref="BlockInputsAttribute"/>) takes one name per input, separated by commas:
    /// <c>From = "bottom, enc3"</c>.
    /// </summary>
    public string? From { get; set; }

    /// <summary>
    /// How many copies to chain, as an expression (<c>"3"</c>, or <c>"blocks"</c> inside a block): a stage of N blocks
    /// as one module whose children are named 0, 1, …, like a PyTorch <c>nn.Sequential</c> (torchvision's
    /// <c>layer1.0.conv1</c>). The copy's arguments may read <c>repeatIndex</c> (0 for the first), e.g. a stride
    /// <c>"repeatIndex == 0 ? 2 : 1"</c>.
    /// </summary>
    public string? Repeat { get; set; }
}

/// <summary>
/// Base of a reusable block. Declare a class <c>XyzAttribute : BlockAttribute</c> whose constructor parameters are
/// the block's parameters and whose own layer attributes are its body; use it as <c>[Xyz(...)]</c> in a network
/// or another block. Body arguments given as strings are expressions over the parameters (and <c>inputChannels</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class BlockAttribute : LayerAttribute
{
}

/// <summary>Weights of a layer that can carry a regularizer.</summary>
public abstract class WeightedLayerAttribute : LayerAttribute
{
    /// <summary>An activation applied to the output (Keras' <c>activation=</c>); none by default.</summary>
    public object? Activation { get; set; }

    /// <summary>Add a bias vector (Keras default: true). A bias right before BatchNorm is wasted.</summary>
    public object? UseBias { get; set; } = true;

    /// <summary>λ of an L1 regularizer on the bias.</summary>
    public double BiasL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the bias.</summary>
    public double BiasL2 { get; set; }
}
