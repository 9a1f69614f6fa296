using NetDsl;

namespace NetDsl.Samples.Models;

/// <summary>1×1 convolution → BatchNorm → ReLU6: MobileNetV2's expansion and head.</summary>
[Conv2D("filters", 1, Name = "conv", UseBias = false)]
[BatchNorm(Name = "bn")]
[ReLU6(Name = "relu")]
public sealed class PointwiseAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    public PointwiseAttribute(int filters) { }

    /// <param name="filters">Output channels, as an expression over the enclosing block's parameters.</param>
    public PointwiseAttribute(string filters) { }
}

/// <summary>
/// The seeds' bottleneck(in, out, stride, shortcut, zero_pad): MobileNetV2's inverted residual with expansion 6.
/// The input channel count is inferred, so it is not a parameter.
/// </summary>
[Pointwise("inputChannels * 6", Name = "expand")]
[ZeroPadding2D(0, 1, 0, 1, Name = "pad", When = "zeroPad")]
[DepthwiseConv2D(3, "strides", Name = "depthwise", UseBias = false, When = "zeroPad")]
[DepthwiseConv2D(3, "strides", Name = "depthwise", UseBias = false, Padding = Padding.Same, When = "!zeroPad")]
[BatchNorm(Name = "depthwise_bn")]
[ReLU6(Name = "depthwise_relu")]
[Conv2D("outChannels", 1, Name = "project", UseBias = false)]
[BatchNorm(Name = "project_bn")]
[Add(Name = "shortcut", When = "shortcut")]
public sealed class BottleneckAttribute : BlockAttribute
{
    /// <param name="outChannels">Channels after the projection.</param>
    /// <param name="strides">Stride of the depthwise convolution.</param>
    /// <param name="shortcut">Add the block input to its output.</param>
    /// <param name="zeroPad">Pad one row at the bottom and one column at the right, then a 'valid' depthwise convolution.</param>
    public BottleneckAttribute(int outChannels, int strides, bool shortcut = false, bool zeroPad = false) { }
}

/// <summary>MobileNetV2 up to the global pooling, as the seed write-ups build it (every convolution without bias).</summary>
[Conv2D(32, 3, 2, Name = "stem_conv", Padding = Padding.Same, UseBias = false)]
[BatchNorm(Name = "stem_bn")]
[ReLU6(Name = "stem_relu")]
[DepthwiseConv2D(3, Name = "stem_depthwise", Padding = Padding.Same, UseBias = false)]
[BatchNorm(Name = "stem_depthwise_bn")]
[ReLU6(Name = "stem_depthwise_relu")]
[Conv2D(16, 1, Name = "stem_project", UseBias = false)]
[BatchNorm(Name = "stem_project_bn")]
[Bottleneck(24, 2, zeroPad: true)]
[Bottleneck(24, 1, shortcut: true)]
[Bottleneck(32, 2, zeroPad: true)]
[Bottleneck(32, 1, shortcut: true)]
[Bottleneck(32, 1, shortcut: true)]
[Bottleneck(64, 2, zeroPad: true)]
[Bottleneck(64, 1, shortcut: true)]
[Bottleneck(64, 1, shortcut: true)]
[Bottleneck(64, 1, shortcut: true)]
[Bottleneck(96, 1)]
[Bottleneck(96, 1, shortcut: true)]
[Bottleneck(96, 1, shortcut: true)]
[Bottleneck(160, 2, zeroPad: true)]
[Bottleneck(160, 1, shortcut: true)]
[Bottleneck(160, 1, shortcut: true)]
[Bottleneck(320, 1)]
[Pointwise(1280, Name = "head")]
[GlobalAveragePooling2D(Name = "pool")]
public sealed class MobileNetV2FeaturesAttribute : BlockAttribute
{
}

/// <summary>The seed MobileNetV2 (experiment A) for 10 classes at 224×224.</summary>
[Network, Input(3, 224, 224)]
[MobileNetV2Features(Name = "features")]
[Dense(10, Name = "classifier")]
public partial class MobileNetV2
{
}

/// <summary>The same network with ImageNet's 1000 classes (the size the reference parameter counts are quoted for).</summary>
[Network, Input(3, 224, 224)]
[MobileNetV2Features(Name = "features")]
[Dense(1000, Name = "classifier")]
public partial class MobileNetV2ImageNet
{
}

/// <summary>Experiment B: L1(0.001) on every convolution kernel (and bias, where there is one).</summary>
[Variant(typeof(MobileNetV2)), DefaultRegularizer(L1 = 0.001, Layers = RegularizedLayers.Convolutions, Biases = true)]
public partial class MobileNetV2L1
{
}

/// <summary>Experiments B and C: L2(0.001) on every convolution and on the Dense layer (BN + L2 in C).</summary>
[Variant(typeof(MobileNetV2)), DefaultRegularizer(L2 = 0.001, Biases = true)]
public partial class MobileNetV2L2
{
}

/// <summary>Experiment C: L2(0.001) with every BatchNorm layer removed (L2 only).</summary>
[Variant(typeof(MobileNetV2), BatchNorm = BatchNormPlacement.Removed), DefaultRegularizer(L2 = 0.001, Biases = true)]
public partial class MobileNetV2L2NoBatchNorm
{
}

/// <summary>Experiment D: Layer → Activation → BN wherever the base has Layer → BN → Activation.</summary>
[Variant(typeof(MobileNetV2), BatchNorm = BatchNormPlacement.AfterActivation)]
public partial class MobileNetV2BatchNormAfter
{
}
