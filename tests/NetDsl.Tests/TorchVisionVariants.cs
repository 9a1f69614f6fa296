using NetDsl;
using NetDsl.Samples.Models;

// The 64×64 variants the comparison with TorchSharp's torchvision port needs beyond those of Parity/ZooVariants.cs
// (which has ResNet-18, ResNet-50 and MobileNetV2): a variant changes only the input, so it has its model's layers,
// keys and parameter count.
namespace NetDsl.Tests;

[Variant(typeof(GoogLeNet)), Input(3, 64, 64)]
public partial class GoogLeNetAt64 { }
