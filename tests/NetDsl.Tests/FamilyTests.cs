using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using NetDsl.Samples.Models;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Families from one definition (Families.cs): ResNet-18/34/50/101 from one residual unit and one trunk, MobileNetV2 at
/// widths 1.0 and 0.5 with torchvision's channel rounding as a [Let] function, ShuffleNetV2 x0.5 to x2.0 from one unit
/// and one trunk (ShuffleNet.cs), and the other zoo models. Each member's parameter count, at
/// compile time and in the built module, equals torchvision's, which make_fixtures.py counts with torchvision itself.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FamilyTests : IClassFixture<ParityFixtures>
{
    private static readonly Type[] Members =
    {
        typeof(ResNet18), typeof(ResNet34), typeof(ResNet50), typeof(ResNet101), typeof(MobileNetV2Width100), typeof(MobileNetV2Width050),
        typeof(SqueezeNet11), typeof(Vgg11BatchNorm), typeof(MobileNetV3Small), typeof(EfficientNetB0), typeof(DenseNet121), typeof(GoogLeNet),
        typeof(ShuffleNetV2X05), typeof(ShuffleNetV2X10), typeof(ShuffleNetV2X15), typeof(ShuffleNetV2X20),
    };

    private readonly Dictionary<string, long> torchvision;

    public FamilyTests(ParityFixtures fixtures)
    {
        torchvision = JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(Path.Combine(fixtures.Directory, "families.json")))!;
    }

    public static IEnumerable<object[]> Cases() => Members.Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_counts_equal_torchvisions(string name)
    {
        var type = Members.Single(t => t.Name == name);
        var constant = (long)type.GetField("TrainableParameters")!.GetValue(null)!;
        constant.Should().Be(torchvision[name], $"torchvision's {name}");
        using var model = (TorchSharp.torch.nn.Module)Activator.CreateInstance(type, new object?[] { null })!;
        model.parameters().Sum(p => p.numel()).Should().Be(constant, "the built module has what the constant says");
    }
}
