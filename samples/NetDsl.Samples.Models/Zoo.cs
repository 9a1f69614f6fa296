using NetDsl;

// First members of the model zoo, in torchvision's layouts: SqueezeNet 1.1 and VGG-11 with BatchNorm. Their parameter
// counts equal torchvision's (FamilyTests, counted by torchvision in make_fixtures.py).
namespace NetDsl.Samples.Models;

/// <summary>SqueezeNet's Fire module: a 1×1 squeeze, then 1×1 and 3×3 expansions side by side, concatenated.</summary>
[Conv2D("squeeze", 1, Name = "squeeze", Activation = Activation.ReLU)]
[Conv2D("expand", 1, Name = "expand1x1", Activation = Activation.ReLU)]
[Conv2D("expand", 3, Pad = 1, From = "squeeze", Name = "expand3x3", Activation = Activation.ReLU)]
[Concatenate("expand1x1", "expand3x3", Name = "cat")]
public sealed class FireAttribute : BlockAttribute
{
    /// <param name="squeeze">Channels of the squeeze layer.</param>
    /// <param name="expand">Channels of each expansion (the output has twice as many).</param>
    public FireAttribute(int squeeze, int expand) { }
}

/// <summary>SqueezeNet 1.1 (torchvision's squeezenet1_1): 1,235,496 parameters for 1000 classes.</summary>
[Network, Input(3, 224, 224)]
[Conv2D(64, 3, 2, Name = "conv", Activation = Activation.ReLU)]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool1")]
[Fire(16, 64, Name = "fire2"), Fire(16, 64, Name = "fire3")]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool2")]
[Fire(32, 128, Name = "fire4"), Fire(32, 128, Name = "fire5")]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool3")]
[Fire(48, 192, Name = "fire6"), Fire(48, 192, Name = "fire7"), Fire(64, 256, Name = "fire8"), Fire(64, 256, Name = "fire9")]
[Dropout(0.5), Conv2D(1000, 1, Name = "classifier", Activation = Activation.ReLU)]
[GlobalAveragePooling2D(Name = "pool")]
public partial class SqueezeNet11 { }

/// <summary>VGG's unit: a padded 3×3 convolution, BatchNorm and ReLU.</summary>
#pragma warning disable ND0101 // torchvision's VGG keeps the convolution's bias before BatchNorm, and counts it
[Conv2D("filters", 3, Pad = 1, Name = "conv"), BatchNorm(Name = "bn"), ReLU(Name = "relu")]
#pragma warning restore ND0101
public sealed class VggConvAttribute : BlockAttribute
{
    /// <param name="filters">Output channels of the convolution.</param>
    public VggConvAttribute(int filters) { }
}

/// <summary>VGG-11 with BatchNorm (torchvision's vgg11_bn, configuration A): 132,868,840 parameters for 1000 classes.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[VggConv(64), MaxPooling2D(2)]
[VggConv(128), MaxPooling2D(2)]
[VggConv(256), VggConv(256), MaxPooling2D(2)]
[VggConv(512), VggConv(512), MaxPooling2D(2)]
[VggConv(512), VggConv(512), MaxPooling2D(2)]
[AdaptiveAveragePooling2D(7, Name = "avgpool"), Flatten]
[Dense(4096, Activation = Activation.ReLU), Dropout(0.5)]
[Dense(4096, Activation = Activation.ReLU), Dropout(0.5)]
[Dense(1000)]
public partial class Vgg11BatchNorm { }
