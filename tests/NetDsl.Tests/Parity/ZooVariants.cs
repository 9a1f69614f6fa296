using NetDsl;
using NetDsl.Samples.Models;

// The zoo's models on 64×64 inputs, for the parity tests against torchvision: a variant changes only the input, so
// each has its model's layers, keys and parameter count, and the whole comparison runs in seconds.
namespace NetDsl.Tests.Parity;

[Variant(typeof(ResNet18)), Input(3, 64, 64)]
public partial class ResNet18At64 { }

[Variant(typeof(ResNet34)), Input(3, 64, 64)]
public partial class ResNet34At64 { }

[Variant(typeof(ResNet50)), Input(3, 64, 64)]
public partial class ResNet50At64 { }

[Variant(typeof(MobileNetV2Width100)), Input(3, 64, 64)]
public partial class MobileNetV2Width100At64 { }

[Variant(typeof(MobileNetV2Width050)), Input(3, 64, 64)]
public partial class MobileNetV2Width050At64 { }

[Variant(typeof(SqueezeNet11)), Input(3, 64, 64)]
public partial class SqueezeNet11At64 { }

[Variant(typeof(Vgg11BatchNorm)), Input(3, 64, 64)]
public partial class Vgg11BatchNormAt64 { }

[Variant(typeof(MobileNetV3Small)), Input(3, 64, 64)]
public partial class MobileNetV3SmallAt64 { }

[Variant(typeof(EfficientNetB0)), Input(3, 64, 64)]
public partial class EfficientNetB0At64 { }

[Variant(typeof(DenseNet121)), Input(3, 64, 64)]
public partial class DenseNet121At64 { }

[Variant(typeof(GoogLeNet)), Input(3, 64, 64)]
public partial class GoogLeNetAt64 { }

[Variant(typeof(ShuffleNetV2X10)), Input(3, 64, 64)]
public partial class ShuffleNetV2X10At64 { }
