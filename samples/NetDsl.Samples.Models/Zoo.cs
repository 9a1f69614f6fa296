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
[Conv2D(64, 3, 2, Name = "conv", Key = "features.0", Activation = Activation.ReLU)]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool1")]
[Fire(16, 64, Name = "fire2", Key = "features.3"), Fire(16, 64, Name = "fire3", Key = "features.4")]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool2")]
[Fire(32, 128, Name = "fire4", Key = "features.6"), Fire(32, 128, Name = "fire5", Key = "features.7")]
[MaxPooling2D(3, 2, CeilMode = true, Name = "pool3")]
[Fire(48, 192, Name = "fire6", Key = "features.9"), Fire(48, 192, Name = "fire7", Key = "features.10")]
[Fire(64, 256, Name = "fire8", Key = "features.11"), Fire(64, 256, Name = "fire9", Key = "features.12")]
[Dropout(0.5), Conv2D(1000, 1, Name = "classifier", Key = "classifier.1", Activation = Activation.ReLU)]
[GlobalAveragePooling2D(Name = "pool")]
public partial class SqueezeNet11 { }

/// <summary>
/// VGG-11 with BatchNorm (torchvision's vgg11_bn, configuration A): 132,868,840 parameters for 1000 classes. Each
/// layer's key is its index in torchvision's <c>features</c> and <c>classifier</c> sequences.
/// </summary>
#pragma warning disable ND0101 // torchvision's VGG keeps the convolutions' bias before BatchNorm, and counts it
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 224, 224)]
[Conv2D(64, 3, Pad = 1, Key = "features.0"), BatchNorm(Key = "features.1"), ReLU, MaxPooling2D(2)]
[Conv2D(128, 3, Pad = 1, Key = "features.4"), BatchNorm(Key = "features.5"), ReLU, MaxPooling2D(2)]
[Conv2D(256, 3, Pad = 1, Key = "features.8"), BatchNorm(Key = "features.9"), ReLU]
[Conv2D(256, 3, Pad = 1, Key = "features.11"), BatchNorm(Key = "features.12"), ReLU, MaxPooling2D(2)]
[Conv2D(512, 3, Pad = 1, Key = "features.15"), BatchNorm(Key = "features.16"), ReLU]
[Conv2D(512, 3, Pad = 1, Key = "features.18"), BatchNorm(Key = "features.19"), ReLU, MaxPooling2D(2)]
[Conv2D(512, 3, Pad = 1, Key = "features.22"), BatchNorm(Key = "features.23"), ReLU]
[Conv2D(512, 3, Pad = 1, Key = "features.25"), BatchNorm(Key = "features.26"), ReLU, MaxPooling2D(2)]
#pragma warning restore ND0101
[AdaptiveAveragePooling2D(7, Name = "avgpool"), Flatten]
[Dense(4096, Key = "classifier.0", Activation = Activation.ReLU), Dropout(0.5)]
[Dense(4096, Key = "classifier.3", Activation = Activation.ReLU), Dropout(0.5)]
[Dense(1000, Key = "classifier.6")]
public partial class Vgg11BatchNorm { }
