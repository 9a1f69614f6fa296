using NetDsl;

// ShuffleNetV2 in torchvision's layout: the whole family (x0.5, x1.0, x1.5, x2.0, which differ only in their widths)
// from one unit and one trunk. A layer's Key is its name in torchvision's state dict where that differs from its
// Name (torchvision's numbered nn.Sequential children), so every tensor has torchvision's key. The parameter counts
// equal torchvision's (FamilyTests, counted by torchvision in make_fixtures.py).
namespace NetDsl.Samples.Models;

/// <summary>
/// ShuffleNetV2's unit (torchvision's InvertedResidual) to <c>outChannels</c> channels, half from each branch. At
/// stride 1 the input's channels are split in two (<c>x.chunk(2, dim=1)</c>): the first half is kept as it is and
/// branch2 transforms the second. At stride 2 both branches read the whole input and branch1 downsamples it: a 3×3
/// depthwise convolution with the stride, BatchNorm, a 1×1 convolution, BatchNorm, ReLU. branch2 is a 1×1
/// convolution, BatchNorm, ReLU, a 3×3 depthwise convolution with the stride, BatchNorm, a 1×1 convolution, BatchNorm,
/// ReLU. The halves are concatenated and shuffled in 2 groups. No convolution has a bias. The keys are the indices
/// in torchvision's <c>branch1</c> and <c>branch2</c> Sequentials (branch2's ReLUs, 2 and 7, hold no tensors).
/// </summary>
/// <remarks>
/// An absent layer's name stands for its input: at stride 2 the chunks are absent, so branch1 reads the unit's input
/// and branch2 reads it too (the second chunk reads <c>input</c>); at stride 1 branch1 is absent, so its last name,
/// <c>branch1</c>, stands for the first chunk.
/// </remarks>
[Let("half", "outChannels / 2"), Let("split", "strides == 1")]
[Chunk(2, 0, Name = "kept", When = "split")]
[DepthwiseConv2D(3, "strides", Pad = 1, UseBias = false, Name = "branch1_depthwise", Key = "branch1.0", When = "!split")]
[BatchNorm(Name = "branch1_bn1", Key = "branch1.1", When = "!split")]
[Conv2D("half", 1, UseBias = false, Name = "branch1_conv", Key = "branch1.2", When = "!split")]
[BatchNorm(Name = "branch1_bn2", Key = "branch1.3", When = "!split"), ReLU(Name = "branch1", When = "!split")]
[Chunk(2, 1, From = "input", Name = "transformed", When = "split")]
[Conv2D("half", 1, UseBias = false, Name = "branch2_conv1", Key = "branch2.0"), BatchNorm(Name = "branch2_bn1", Key = "branch2.1"), ReLU(Name = "branch2_relu1")]
[DepthwiseConv2D(3, "strides", Pad = 1, UseBias = false, Name = "branch2_depthwise", Key = "branch2.3"), BatchNorm(Name = "branch2_bn2", Key = "branch2.4")]
[Conv2D("half", 1, UseBias = false, Name = "branch2_conv2", Key = "branch2.5"), BatchNorm(Name = "branch2_bn3", Key = "branch2.6"), ReLU(Name = "branch2")]
[Concatenate("branch1", "branch2", Name = "cat")]
[ChannelShuffle(2, Name = "shuffle")]
public sealed class ShuffleNetV2UnitAttribute : BlockAttribute
{
    /// <param name="outChannels">Channels out (at stride 1, the input's).</param>
    /// <param name="strides">Stride of the depthwise convolutions: 2 for a stage's first unit, else 1.</param>
    public ShuffleNetV2UnitAttribute(int outChannels, int strides) { }

    /// <summary>Any argument as a constant or as an expression over the enclosing block's parameters.</summary>
    public ShuffleNetV2UnitAttribute(object outChannels, object strides) { }
}

/// <summary>
/// ShuffleNetV2 up to the global pooling, at one member's widths: a 3×3 stride-2 convolution to 24 channels with
/// BatchNorm and ReLU (torchvision's <c>conv1</c>), a 3×3 stride-2 max pooling, stages 2–4 of 4, 8 and 4 units whose
/// first is strided, and a 1×1 convolution with BatchNorm and ReLU (<c>conv5</c>). Each stage is a Repeat, whose
/// units are torchvision's <c>stage2.0</c>, <c>stage2.1</c>, ….
/// </summary>
[Conv2D(24, 3, 2, Pad = 1, UseBias = false, Name = "conv1_conv", Key = "conv1.0"), BatchNorm(Name = "conv1_bn", Key = "conv1.1"), ReLU(Name = "conv1")]
[MaxPooling2D(3, 2, Pad = 1, Name = "maxpool")]
[ShuffleNetV2Unit("stage2Channels", "repeatIndex == 0 ? 2 : 1", Repeat = "4", Name = "stage2")]
[ShuffleNetV2Unit("stage3Channels", "repeatIndex == 0 ? 2 : 1", Repeat = "8", Name = "stage3")]
[ShuffleNetV2Unit("stage4Channels", "repeatIndex == 0 ? 2 : 1", Repeat = "4", Name = "stage4")]
[Conv2D("conv5Channels", 1, UseBias = false, Name = "conv5_conv", Key = "conv5.0"), BatchNorm(Name = "conv5_bn", Key = "conv5.1"), ReLU(Name = "conv5")]
[GlobalAveragePooling2D(Name = "globalpool")]
public sealed class ShuffleNetV2TrunkAttribute : BlockAttribute
{
    /// <param name="stage2Channels">Channels of stage 2.</param>
    /// <param name="stage3Channels">Channels of stage 3.</param>
    /// <param name="stage4Channels">Channels of stage 4.</param>
    /// <param name="conv5Channels">Channels of conv5.</param>
    public ShuffleNetV2TrunkAttribute(int stage2Channels, int stage3Channels, int stage4Channels, int conv5Channels) { }
}

/// <summary>torchvision's shufflenet_v2_x0_5() for ImageNet: 1,366,792 parameters.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ShuffleNetV2Trunk(48, 96, 192, 1024, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ShuffleNetV2X05 { }

/// <summary>torchvision's shufflenet_v2_x1_0() for ImageNet: 2,278,604 parameters.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ShuffleNetV2Trunk(116, 232, 464, 1024, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ShuffleNetV2X10 { }

/// <summary>torchvision's shufflenet_v2_x1_5() for ImageNet: 3,503,624 parameters.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ShuffleNetV2Trunk(176, 352, 704, 1024, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ShuffleNetV2X15 { }

/// <summary>torchvision's shufflenet_v2_x2_0() for ImageNet: 7,393,996 parameters.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[ShuffleNetV2Trunk(244, 488, 976, 2048, Name = "trunk", Key = ""), Dense(1000, Name = "fc")]
public partial class ShuffleNetV2X20 { }
