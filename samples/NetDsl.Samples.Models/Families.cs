using NetDsl;

// Whole families from one definition each: ResNet-18/34/50/101 from one residual unit and one trunk, and
// torchvision's MobileNetV2 at any width, with its channel rounding written once as a [Let] function. The layouts and
// state-dict names follow torchvision's, so each member's parameter count equals torchvision's (FamilyTests).
namespace NetDsl.Samples.Models;

/// <summary>
/// ResNet's residual unit, basic (two 3×3) or bottleneck (1×1, 3×3 with the stride, 1×1 to 4× the width), with a
/// strided 1×1 projection of the input where the shape changes.
/// </summary>
[Let("outChannels", "bottleneck ? filters * 4 : filters")]
[Conv2D("filters", "bottleneck ? 1 : 3", "bottleneck ? 1 : strides", Padding = Padding.Half, UseBias = false, Name = "conv1")]
[BatchNorm(Name = "bn1"), ReLU(Name = "relu1")]
[Conv2D("filters", 3, "bottleneck ? strides : 1", Pad = 1, UseBias = false, Name = "conv2"), BatchNorm(Name = "bn2")]
[ReLU(Name = "relu2", When = "bottleneck")]
[Conv2D("outChannels", 1, UseBias = false, Name = "conv3", When = "bottleneck"), BatchNorm(Name = "bn3", When = "bottleneck")]
[Conv2D("outChannels", 1, "strides", UseBias = false, From = "input", Name = "downsample", Key = "downsample.0", When = "strides != 1 || inputChannels != outChannels")]
[BatchNorm(Name = "downsample_bn", Key = "downsample.1", When = "strides != 1 || inputChannels != outChannels")]
[Add("bn3", "downsample_bn", Name = "add")]
[ReLU(Name = "out")]
public sealed class ResidualUnitAttribute : BlockAttribute
{
    /// <param name="filters">The unit's width (its output is 4× that for a bottleneck).</param>
    /// <param name="strides">Stride of the unit (on the 3×3 convolution).</param>
    /// <param name="bottleneck">Bottleneck (ResNet-50 and deeper) rather than basic (ResNet-18, 34).</param>
    public ResidualUnitAttribute(int filters, int strides, bool bottleneck) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public ResidualUnitAttribute(object filters, object strides, object bottleneck) { }
}

/// <summary>ResNet up to the global pooling: a 7×7 stem, a max pooling and four stages; the first unit of stages 2–4 is strided.</summary>
[Conv2D(64, 7, 2, Pad = 3, UseBias = false, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU(Name = "relu")]
[MaxPooling2D(3, 2, Pad = 1, Name = "maxpool")]
[ResidualUnit(64, 1, "bottleneck", Repeat = "blocks1", Name = "layer1")]
[ResidualUnit(128, "repeatIndex == 0 ? 2 : 1", "bottleneck", Repeat = "blocks2", Name = "layer2")]
[ResidualUnit(256, "repeatIndex == 0 ? 2 : 1", "bottleneck", Repeat = "blocks3", Name = "layer3")]
[ResidualUnit(512, "repeatIndex == 0 ? 2 : 1", "bottleneck", Repeat = "blocks4", Name = "layer4")]
[GlobalAveragePooling2D(Name = "avgpool")]
public sealed class ResNetTrunkAttribute : BlockAttribute
{
    /// <param name="blocks1">Units in stage 1.</param>
    /// <param name="blocks2">Units in stage 2.</param>
    /// <param name="blocks3">Units in stage 3.</param>
    /// <param name="blocks4">Units in stage 4.</param>
    /// <param name="bottleneck">Bottleneck units.</param>
    public ResNetTrunkAttribute(int blocks1, int blocks2, int blocks3, int blocks4, bool bottleneck) { }
}

/// <summary>ResNet-18 for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ResNetTrunk(2, 2, 2, 2, false, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ResNet18 { }

/// <summary>ResNet-34 for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ResNetTrunk(3, 4, 6, 3, false, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ResNet34 { }

/// <summary>ResNet-50 for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ResNetTrunk(3, 4, 6, 3, true, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ResNet50 { }

/// <summary>ResNet-101 for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ResNetTrunk(3, 4, 23, 3, true, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ResNet101 { }

/// <summary>
/// torchvision's inverted residual: a 1×1 expansion to round(in · expand) channels (none when expand is 1), a 3×3
/// depthwise convolution with the stride, a linear 1×1 projection, and the input added where the shape is kept.
/// </summary>
[Let("hidden", "int(round(inputChannels * expand))"), Let("at", "expand != 1 ? 1 : 0")]
[Conv2D("hidden", 1, UseBias = false, Name = "expand_conv", Key = "conv.0.0", When = "expand != 1"), BatchNorm(Name = "expand_bn", Key = "conv.0.1", When = "expand != 1")]
[ReLU6(Name = "expand_relu", When = "expand != 1")]
[DepthwiseConv2D(3, "strides", Pad = 1, UseBias = false, Name = "depthwise", Key = "conv.{at}.0"), BatchNorm(Name = "depthwise_bn", Key = "conv.{at}.1"), ReLU6(Name = "depthwise_relu")]
[Conv2D("outChannels", 1, UseBias = false, Name = "project", Key = "conv.{at + 1}"), BatchNorm(Name = "project_bn", Key = "conv.{at + 2}")]
[Add(Name = "residual", When = "strides == 1 && inputChannels == outChannels")]
public sealed class InvertedResidualAttribute : BlockAttribute
{
    /// <param name="outChannels">Channels out.</param>
    /// <param name="strides">Stride of the depthwise convolution.</param>
    /// <param name="expand">Expansion ratio t.</param>
    public InvertedResidualAttribute(int outChannels, int strides, int expand) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public InvertedResidualAttribute(object outChannels, object strides, object expand) { }
}

/// <summary>
/// torchvision's MobileNetV2 features at width multiplier <c>width</c>: every channel count is
/// divisible(c · width, 8), torchvision's _make_divisible; the last one never shrinks below 1280.
/// </summary>
[Let("rounded(v, d)", "max(d, int(v + d / 2.0) / d * d)")]
[Let("divisible(v, d)", "rounded(v, d) < 0.9 * v ? rounded(v, d) + d : rounded(v, d)")]
[Conv2D("divisible(32 * width, 8)", 3, 2, Pad = 1, UseBias = false, Name = "stem_conv", Key = "0.0"), BatchNorm(Name = "stem_bn", Key = "0.1"), ReLU6(Name = "stem_relu")]
[InvertedResidual("divisible(16 * width, 8)", 1, 1, Name = "block1", Key = "1")]
[InvertedResidual("divisible(24 * width, 8)", "repeatIndex == 0 ? 2 : 1", 6, Repeat = "2", Name = "stage2", Key = "{2 + repeatIndex}")]
[InvertedResidual("divisible(32 * width, 8)", "repeatIndex == 0 ? 2 : 1", 6, Repeat = "3", Name = "stage3", Key = "{4 + repeatIndex}")]
[InvertedResidual("divisible(64 * width, 8)", "repeatIndex == 0 ? 2 : 1", 6, Repeat = "4", Name = "stage4", Key = "{7 + repeatIndex}")]
[InvertedResidual("divisible(96 * width, 8)", 1, 6, Repeat = "3", Name = "stage5", Key = "{11 + repeatIndex}")]
[InvertedResidual("divisible(160 * width, 8)", "repeatIndex == 0 ? 2 : 1", 6, Repeat = "3", Name = "stage6", Key = "{14 + repeatIndex}")]
[InvertedResidual("divisible(320 * width, 8)", 1, 6, Name = "block7", Key = "17")]
[Conv2D("divisible(1280 * max(1.0, width), 8)", 1, UseBias = false, Name = "head_conv", Key = "18.0"), BatchNorm(Name = "head_bn", Key = "18.1"), ReLU6(Name = "head_relu")]
[GlobalAveragePooling2D(Name = "pool")]
public sealed class MobileNetV2WidthAttribute : BlockAttribute
{
    /// <param name="width">Width multiplier (1.0 is the standard network).</param>
    public MobileNetV2WidthAttribute(double width) { }
}

/// <summary>torchvision's mobilenet_v2(width_mult=1.0) for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[MobileNetV2Width(1.0, Name = "features"), Dropout(0.2), Dense(1000, Name = "classifier", Key = "classifier.1")]
public partial class MobileNetV2Width100 { }

/// <summary>torchvision's mobilenet_v2(width_mult=0.5) for ImageNet.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[MobileNetV2Width(0.5, Name = "features"), Dropout(0.2), Dense(1000, Name = "classifier", Key = "classifier.1")]
public partial class MobileNetV2Width050 { }
