namespace NetDsl;

/// <summary>How a convolution or pooling layer pads its input (Keras semantics).</summary>
public enum Padding
{
    /// <summary>No padding: the window only visits positions fully inside the input.</summary>
    Valid,

    /// <summary>
    /// Output size is ceil(input / stride). As in TensorFlow, an odd total padding puts the extra row at the
    /// bottom and the extra column at the right, also for stride 2.
    /// </summary>
    Same,

    /// <summary>
    /// dilation·(kernel − 1)/2 zeros on every side, as PyTorch's usual <c>padding=kernel_size // 2</c>: keeps the size at
    /// stride 1 for an odd kernel, and at stride 2 pads both sides (unlike <see cref="Same"/>), so PyTorch weights port.
    /// </summary>
    Half,
}

/// <summary>How UpSampling2D fills the new rows and columns.</summary>
public enum Interpolation
{
    /// <summary>Each value copied into a size × size square.</summary>
    Nearest,

    /// <summary>Linear in both directions (PyTorch's align_corners decides where the corners sit).</summary>
    Bilinear,
}

/// <summary>Defaults used by <see cref="BatchNormAttribute"/> when epsilon or momentum is not given.</summary>
public enum BatchNormDefaults
{
    /// <summary>Keras: epsilon 1e-3, momentum 0.99 (running = 0.99·running + 0.01·batch).</summary>
    Keras,

    /// <summary>PyTorch: epsilon 1e-5, momentum 0.9 in Keras terms (torch's momentum=0.1).</summary>
    Torch,
}

/// <summary>How a network's weights are initialized when it is built.</summary>
public enum WeightInitialization
{
    /// <summary>TorchSharp's defaults: Kaiming-uniform kernels, fan-in-scaled uniform biases.</summary>
    Torch,

    /// <summary>Keras' defaults: Glorot-uniform kernels of Dense and convolution layers, zero biases.</summary>
    GlorotUniform,
}

/// <summary>Where a variant puts each BatchNorm layer relative to the activation that follows it.</summary>
public enum BatchNormPlacement
{
    /// <summary>As the base network writes it (Layer → BN → Activation).</summary>
    AsDeclared,

    /// <summary>Layer → Activation → BN wherever a BN is directly followed by an activation.</summary>
    AfterActivation,

    /// <summary>Every BatchNorm layer removed.</summary>
    Removed,
}

/// <summary>Which layers a <see cref="DefaultRegularizerAttribute"/> applies to.</summary>
[System.Flags]
public enum RegularizedLayers
{
    /// <summary>Every convolution: Conv2D, DepthwiseConv2D, Conv2DTranspose and Conv1D.</summary>
    Convolutions = 1,

    /// <summary>Dense.</summary>
    Dense = 2,

    /// <summary>Every layer with weights.</summary>
    All = Convolutions | Dense,
}

/// <summary>
/// An activation applied to a layer's output, Keras' <c>activation=</c> shorthand: <c>[Dense(64, Activation =
/// Activation.ReLU)]</c> is a Dense followed by a ReLU, in one layer (the layer's name then stands for the activated output).
/// </summary>
public enum Activation
{
    /// <summary>None (Keras' "linear").</summary>
    None,

    /// <summary>max(x, 0).</summary>
    ReLU,

    /// <summary>min(max(x, 0), 6).</summary>
    ReLU6,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>Softmax over the last axis.</summary>
    Softmax,

    /// <summary>LeakyReLU with Keras' α = 0.3.</summary>
    LeakyReLU,

    /// <summary>ELU with α = 1.</summary>
    ELU,

    /// <summary>Exact GELU.</summary>
    GELU,

    /// <summary>x·sigmoid(x) (Swish).</summary>
    SiLU,

    /// <summary>relu6(x + 3) / 6.</summary>
    HardSigmoid,

    /// <summary>x·relu6(x + 3) / 6.</summary>
    HardSwish,

    /// <summary>x·tanh(softplus(x)).</summary>
    Mish,
}
