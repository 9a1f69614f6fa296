using NetDsl;

// More of the model zoo in torchvision's layouts: MobileNetV3-Small, EfficientNet-B0, DenseNet-121 and GoogLeNet.
// MobileNetV3 and EfficientNet share torchvision's Conv2dNormActivation and SqueezeExcitation blocks. A layer's Key
// is its name in torchvision's state dict where that differs from its Name (torchvision's numbered nn.Sequential
// children), so every tensor has torchvision's key. The parameter counts equal torchvision's (FamilyTests, counted
// by torchvision in make_fixtures.py).
namespace NetDsl.Samples.Models;

/// <summary>
/// torchvision's Conv2dNormActivation: a convolution with kernel // 2 padding and no bias, BatchNorm and an activation
/// (<c>Activation.None</c> for none); torchvision's keys <c>0</c> (convolution) and <c>1</c> (BatchNorm).
/// </summary>
[Conv2D("filters", "kernel", "strides", Padding = Padding.Half, Groups = "groups", UseBias = false, Name = "conv", Key = "0")]
[BatchNorm(Epsilon = "epsilon", Momentum = "momentum", Name = "bn", Key = "1")]
[Activation("act", Name = "activation")]
public sealed class ConvNormActivationAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernel">Square kernel side.</param>
    /// <param name="strides">Stride.</param>
    /// <param name="groups">Groups (the channels, for a depthwise convolution).</param>
    /// <param name="act">Activation after the BatchNorm.</param>
    /// <param name="epsilon">BatchNorm epsilon (PyTorch's default 1e-5).</param>
    /// <param name="momentum">BatchNorm momentum in Keras' terms: 0.9 is PyTorch's default momentum 0.1.</param>
    public ConvNormActivationAttribute(int filters, int kernel, int strides, int groups, Activation act, double epsilon = 1e-5, double momentum = 0.9) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public ConvNormActivationAttribute(object filters, object kernel, object strides, object groups, object act, object? epsilon = null, object? momentum = null) { }
}

/// <summary>
/// torchvision's SqueezeExcitation: average to 1×1, a 1×1 convolution <c>fc1</c> to <c>squeeze</c> channels, an
/// activation, a 1×1 convolution <c>fc2</c> back to the input's channels, a gate, and the input scaled by it.
/// </summary>
[AdaptiveAveragePooling2D(1, Name = "avgpool")]
[Conv2D("squeeze", 1, Name = "fc1", Activation = "act"), Conv2D("inputChannels", 1, Name = "fc2", Activation = "gate")]
[Multiply("fc2", "input", Name = "scale")]
public sealed class SqueezeExcitationAttribute : BlockAttribute
{
    /// <param name="squeeze">Channels of the squeeze.</param>
    /// <param name="act">Activation after <c>fc1</c>.</param>
    /// <param name="gate">Activation after <c>fc2</c> (torchvision's scale_activation).</param>
    public SqueezeExcitationAttribute(int squeeze, Activation act, Activation gate) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public SqueezeExcitationAttribute(object squeeze, object act, object gate) { }
}

/// <summary>
/// MobileNetV3's inverted residual (torchvision's InvertedResidual), its arguments in the order of torchvision's
/// configuration table: a 1×1 expansion (none where <c>expanded</c> is the input's channel count), a depthwise
/// convolution with the stride, squeeze-and-excitation on _make_divisible(expanded // 4, 8) channels (ReLU,
/// Hardsigmoid) where <c>useSe</c>, a linear 1×1 projection, and the input added where the shape is kept. BatchNorm
/// has eps 0.001 and PyTorch momentum 0.01 (Keras 0.99). Keys follow torchvision's <c>block</c> Sequential, whose
/// indices shift where the expansion or the SE is absent.
/// </summary>
[Let("rounded(v, d)", "max(d, int(v + d / 2.0) / d * d)")]
[Let("divisible(v, d)", "rounded(v, d) < 0.9 * v ? rounded(v, d) + d : rounded(v, d)")]
[Let("expands", "expanded != inputChannels")]
[ConvNormActivation("expanded", 1, 1, 1, "act", 0.001, 0.99, Name = "expand", Key = "block.0", When = "expands")]
[ConvNormActivation("expanded", "kernel", "strides", "expanded", "act", 0.001, 0.99, Name = "depthwise", Key = "block.{expands ? 1 : 0}")]
[SqueezeExcitation("divisible(expanded / 4, 8)", Activation.ReLU, Activation.HardSigmoid, Name = "se", Key = "block.{expands ? 2 : 1}", When = "useSe")]
[ConvNormActivation("outChannels", 1, 1, 1, Activation.None, 0.001, 0.99, Name = "project", Key = "block.{(expands ? 2 : 1) + (useSe ? 1 : 0)}")]
[Add(Name = "residual", When = "strides == 1 && inputChannels == outChannels")]
public sealed class MobileNetV3BlockAttribute : BlockAttribute
{
    /// <param name="kernel">Kernel side of the depthwise convolution (3 or 5).</param>
    /// <param name="expanded">Channels after the expansion.</param>
    /// <param name="outChannels">Channels out.</param>
    /// <param name="useSe">Whether the block has squeeze-and-excitation.</param>
    /// <param name="act">ReLU or HardSwish, after the expansion and the depthwise convolution.</param>
    /// <param name="strides">Stride of the depthwise convolution.</param>
    public MobileNetV3BlockAttribute(int kernel, int expanded, int outChannels, bool useSe, Activation act, int strides) { }
}

/// <summary>torchvision's MobileNetV3-Small features: a 3×3 stride-2 stem, eleven inverted residuals, a 1×1 convolution to 576 channels.</summary>
[ConvNormActivation(16, 3, 2, 1, Activation.HardSwish, 0.001, 0.99, Name = "stem", Key = "0")]
[MobileNetV3Block(3, 16, 16, true, Activation.ReLU, 2, Name = "block1", Key = "1")]
[MobileNetV3Block(3, 72, 24, false, Activation.ReLU, 2, Name = "block2", Key = "2")]
[MobileNetV3Block(3, 88, 24, false, Activation.ReLU, 1, Name = "block3", Key = "3")]
[MobileNetV3Block(5, 96, 40, true, Activation.HardSwish, 2, Name = "block4", Key = "4")]
[MobileNetV3Block(5, 240, 40, true, Activation.HardSwish, 1, Name = "block5", Key = "5")]
[MobileNetV3Block(5, 240, 40, true, Activation.HardSwish, 1, Name = "block6", Key = "6")]
[MobileNetV3Block(5, 120, 48, true, Activation.HardSwish, 1, Name = "block7", Key = "7")]
[MobileNetV3Block(5, 144, 48, true, Activation.HardSwish, 1, Name = "block8", Key = "8")]
[MobileNetV3Block(5, 288, 96, true, Activation.HardSwish, 2, Name = "block9", Key = "9")]
[MobileNetV3Block(5, 576, 96, true, Activation.HardSwish, 1, Name = "block10", Key = "10")]
[MobileNetV3Block(5, 576, 96, true, Activation.HardSwish, 1, Name = "block11", Key = "11")]
[ConvNormActivation(576, 1, 1, 1, Activation.HardSwish, 0.001, 0.99, Name = "head", Key = "12")]
public sealed class MobileNetV3SmallFeaturesAttribute : BlockAttribute { }

/// <summary>
/// torchvision's mobilenet_v3_small() for ImageNet: 2,542,856 parameters; the classifier is a 1024-wide Hardswish
/// layer, Dropout 0.2 and the linear layer (torchvision's <c>classifier.0</c> and <c>classifier.3</c>).
/// </summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[MobileNetV3SmallFeatures(Name = "features"), GlobalAveragePooling2D(Name = "avgpool")]
[Dense(1024, Name = "hidden", Key = "classifier.0"), HardSwish(Name = "hidden_act"), Dropout(0.2, Name = "dropout")]
[Dense(1000, Name = "classifier", Key = "classifier.3")]
public partial class MobileNetV3Small { }

/// <summary>
/// EfficientNet's MBConv (torchvision's): a 1×1 expansion to expandRatio × the input's channels (none at ratio 1), a
/// depthwise convolution with the stride, squeeze-and-excitation on max(1, input channels // 4) channels (SiLU,
/// Sigmoid), a linear 1×1 projection, and the input added where the shape is kept. torchvision's stochastic depth on
/// that residual branch is the identity in eval mode and is left out. torchvision rounds the expansion to a multiple
/// of 8, which changes none of B0's. Keys follow torchvision's <c>block</c> Sequential.
/// </summary>
[Let("expanded", "inputChannels * expandRatio"), Let("expands", "expanded != inputChannels")]
[ConvNormActivation("expanded", 1, 1, 1, Activation.SiLU, Name = "expand", Key = "block.0", When = "expands")]
[ConvNormActivation("expanded", "kernel", "strides", "expanded", Activation.SiLU, Name = "depthwise", Key = "block.{expands ? 1 : 0}")]
[SqueezeExcitation("max(1, inputChannels / 4)", Activation.SiLU, Activation.Sigmoid, Name = "se", Key = "block.{expands ? 2 : 1}")]
[ConvNormActivation("outChannels", 1, 1, 1, Activation.None, Name = "project", Key = "block.{expands ? 3 : 2}")]
[Add(Name = "residual", When = "strides == 1 && inputChannels == outChannels")]
public sealed class MBConvAttribute : BlockAttribute
{
    /// <param name="expandRatio">Expansion ratio (1 or 6).</param>
    /// <param name="kernel">Kernel side of the depthwise convolution (3 or 5).</param>
    /// <param name="strides">Stride of the depthwise convolution.</param>
    /// <param name="outChannels">Channels out.</param>
    public MBConvAttribute(int expandRatio, int kernel, int strides, int outChannels) { }

    /// <summary>Any argument as a constant or an expression (a stage's stride: <c>"repeatIndex == 0 ? 2 : 1"</c>).</summary>
    public MBConvAttribute(object expandRatio, object kernel, object strides, object outChannels) { }
}

/// <summary>
/// torchvision's EfficientNet-B0 features: a 3×3 stride-2 stem, seven stages of MBConv blocks (the first of each with
/// the stage's stride) and a 1×1 convolution to 1280 channels; block j of stage s is torchvision's <c>s.j</c>.
/// </summary>
[ConvNormActivation(32, 3, 2, 1, Activation.SiLU, Name = "stem", Key = "0")]
[MBConv(1, 3, 1, 16, Name = "stage1", Key = "1.0")]
[MBConv(6, 3, "repeatIndex == 0 ? 2 : 1", 24, Repeat = "2", Name = "stage2", Key = "2.{repeatIndex}")]
[MBConv(6, 5, "repeatIndex == 0 ? 2 : 1", 40, Repeat = "2", Name = "stage3", Key = "3.{repeatIndex}")]
[MBConv(6, 3, "repeatIndex == 0 ? 2 : 1", 80, Repeat = "3", Name = "stage4", Key = "4.{repeatIndex}")]
[MBConv(6, 5, 1, 112, Repeat = "3", Name = "stage5", Key = "5.{repeatIndex}")]
[MBConv(6, 5, "repeatIndex == 0 ? 2 : 1", 192, Repeat = "4", Name = "stage6", Key = "6.{repeatIndex}")]
[MBConv(6, 3, 1, 320, Name = "stage7", Key = "7.0")]
[ConvNormActivation(1280, 1, 1, 1, Activation.SiLU, Name = "head", Key = "8")]
public sealed class EfficientNetB0FeaturesAttribute : BlockAttribute { }

/// <summary>torchvision's efficientnet_b0() for ImageNet: 5,288,548 parameters; Dropout 0.2 before the classifier.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[EfficientNetB0Features(Name = "features"), GlobalAveragePooling2D(Name = "avgpool")]
[Dropout(0.2, Name = "dropout"), Dense(1000, Name = "classifier", Key = "classifier.1")]
public partial class EfficientNetB0 { }

/// <summary>
/// DenseNet's dense layer (torchvision's _DenseLayer): BatchNorm, ReLU, a 1×1 convolution to 4·growth channels,
/// BatchNorm, ReLU, a 3×3 convolution to growth channels, concatenated after the layer's input, so each layer adds
/// growth channels (torchvision's dense block concatenates all its layers' outputs to its input: the same tensor).
/// </summary>
[BatchNorm(Name = "norm1"), ReLU(Name = "relu1"), Conv2D("4 * growth", 1, UseBias = false, Name = "conv1")]
[BatchNorm(Name = "norm2"), ReLU(Name = "relu2"), Conv2D("growth", 3, Pad = 1, UseBias = false, Name = "conv2")]
[Concatenate("input", "conv2", Name = "concat")]
public sealed class DenseLayerAttribute : BlockAttribute
{
    /// <param name="growth">Channels each layer adds (the growth rate k).</param>
    public DenseLayerAttribute(int growth) { }

    /// <summary>The growth rate as an expression over the enclosing block's parameters.</summary>
    public DenseLayerAttribute(string growth) { }
}

/// <summary>DenseNet's transition (torchvision's _Transition): BatchNorm, ReLU, a 1×1 convolution to half the channels, a 2×2 average pooling.</summary>
[BatchNorm(Name = "norm"), ReLU(Name = "relu"), Conv2D("inputChannels / 2", 1, UseBias = false, Name = "conv")]
[AveragePooling2D(2, 2, Name = "pool")]
public sealed class DenseTransitionAttribute : BlockAttribute { }

/// <summary>
/// torchvision's DenseNet features: a 7×7 stride-2 stem and a max pooling, four dense blocks with transitions
/// between them, and a last BatchNorm; the dense layers are torchvision's <c>denselayer1</c>, <c>denselayer2</c>, ….
/// </summary>
[Conv2D("initFeatures", 7, 2, Pad = 3, UseBias = false, Name = "conv0"), BatchNorm(Name = "norm0"), ReLU(Name = "relu0")]
[MaxPooling2D(3, 2, Pad = 1, Name = "pool0")]
[DenseLayer("growth", Repeat = "blocks1", Name = "denseblock1", Key = "denseblock1.denselayer{repeatIndex + 1}"), DenseTransition(Name = "transition1")]
[DenseLayer("growth", Repeat = "blocks2", Name = "denseblock2", Key = "denseblock2.denselayer{repeatIndex + 1}"), DenseTransition(Name = "transition2")]
[DenseLayer("growth", Repeat = "blocks3", Name = "denseblock3", Key = "denseblock3.denselayer{repeatIndex + 1}"), DenseTransition(Name = "transition3")]
[DenseLayer("growth", Repeat = "blocks4", Name = "denseblock4", Key = "denseblock4.denselayer{repeatIndex + 1}")]
[BatchNorm(Name = "norm5")]
public sealed class DenseNetFeaturesAttribute : BlockAttribute
{
    /// <param name="growth">Growth rate k (32 for DenseNet-121).</param>
    /// <param name="blocks1">Layers in dense block 1.</param>
    /// <param name="blocks2">Layers in dense block 2.</param>
    /// <param name="blocks3">Layers in dense block 3.</param>
    /// <param name="blocks4">Layers in dense block 4.</param>
    /// <param name="initFeatures">Channels of the stem convolution.</param>
    public DenseNetFeaturesAttribute(int growth, int blocks1, int blocks2, int blocks3, int blocks4, int initFeatures) { }
}

/// <summary>torchvision's densenet121() for ImageNet: 7,978,856 parameters; ReLU and global pooling after the features.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[DenseNetFeatures(32, 6, 12, 24, 16, 64, Name = "features"), ReLU(Name = "relu"), GlobalAveragePooling2D(Name = "avgpool")]
[Dense(1000, Name = "classifier")]
public partial class DenseNet121 { }

/// <summary>torchvision's BasicConv2d: a convolution with kernel // 2 padding and no bias, BatchNorm with eps 0.001, ReLU.</summary>
[Conv2D("filters", "kernel", "strides", Padding = Padding.Half, UseBias = false, Name = "conv")]
[BatchNorm(Epsilon = 0.001, Name = "bn"), ReLU(Name = "relu")]
public sealed class BasicConv2dAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernel">Square kernel side.</param>
    /// <param name="strides">Stride.</param>
    public BasicConv2dAttribute(int filters, int kernel, int strides = 1) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public BasicConv2dAttribute(object filters, object kernel, object? strides = null) { }
}

/// <summary>
/// GoogLeNet's Inception module (torchvision's): 1×1, 1×1→3×3, 1×1→3×3 (torchvision's "5×5" branch has a 3×3
/// kernel) and 3×3 max pooling→1×1 branches on the same input, concatenated; torchvision's keys <c>branch2.0</c>,
/// <c>branch2.1</c>, ….
/// </summary>
[BasicConv2d("c1", 1, Name = "branch1")]
[BasicConv2d("c3reduce", 1, From = "input", Name = "branch2_reduce", Key = "branch2.0"), BasicConv2d("c3", 3, Name = "branch2", Key = "branch2.1")]
[BasicConv2d("c5reduce", 1, From = "input", Name = "branch3_reduce", Key = "branch3.0"), BasicConv2d("c5", 3, Name = "branch3", Key = "branch3.1")]
[MaxPooling2D(3, 1, Pad = 1, CeilMode = true, From = "input", Name = "branch4_pool"), BasicConv2d("pool", 1, Name = "branch4", Key = "branch4.1")]
[Concatenate("branch1", "branch2", "branch3", "branch4", Name = "concat")]
public sealed class GoogLeNetInceptionAttribute : BlockAttribute
{
    /// <param name="c1">Channels of the 1×1 branch.</param>
    /// <param name="c3reduce">Channels of the 1×1 before the first 3×3.</param>
    /// <param name="c3">Channels of the first 3×3 branch.</param>
    /// <param name="c5reduce">Channels of the 1×1 before the second 3×3 (torchvision's ch5x5red).</param>
    /// <param name="c5">Channels of the second 3×3 branch (torchvision's ch5x5).</param>
    /// <param name="pool">Channels of the 1×1 after the max pooling.</param>
    public GoogLeNetInceptionAttribute(int c1, int c3reduce, int c3, int c5reduce, int c5, int pool) { }
}

/// <summary>
/// torchvision's googlenet(aux_logits=False, transform_input=False) for ImageNet: 6,624,904 parameters; the max
/// poolings use ceil mode, and Dropout 0.2 comes before the classifier.
/// </summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[BasicConv2d(64, 7, 2, Name = "conv1"), MaxPooling2D(3, 2, CeilMode = true, Name = "maxpool1")]
[BasicConv2d(64, 1, Name = "conv2"), BasicConv2d(192, 3, Name = "conv3"), MaxPooling2D(3, 2, CeilMode = true, Name = "maxpool2")]
[GoogLeNetInception(64, 96, 128, 16, 32, 32, Name = "inception3a"), GoogLeNetInception(128, 128, 192, 32, 96, 64, Name = "inception3b")]
[MaxPooling2D(3, 2, CeilMode = true, Name = "maxpool3")]
[GoogLeNetInception(192, 96, 208, 16, 48, 64, Name = "inception4a"), GoogLeNetInception(160, 112, 224, 24, 64, 64, Name = "inception4b")]
[GoogLeNetInception(128, 128, 256, 24, 64, 64, Name = "inception4c"), GoogLeNetInception(112, 144, 288, 32, 64, 64, Name = "inception4d")]
[GoogLeNetInception(256, 160, 320, 32, 128, 128, Name = "inception4e"), MaxPooling2D(2, 2, CeilMode = true, Name = "maxpool4")]
[GoogLeNetInception(256, 160, 320, 32, 128, 128, Name = "inception5a"), GoogLeNetInception(384, 192, 384, 48, 128, 128, Name = "inception5b")]
[GlobalAveragePooling2D(Name = "avgpool"), Dropout(0.2, Name = "dropout"), Dense(1000, Name = "fc")]
public partial class GoogLeNet { }
