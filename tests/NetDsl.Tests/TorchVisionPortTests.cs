using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using NetDsl.Tests.Parity;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// The zoo's generated models against TorchSharp's own port of torchvision (the TorchVision package), in one process on
/// one libtorch: each pair gets the same non-trivial weights by state-dict key and must give the same eval output.
/// Unlike <see cref="ZooParityTests"/> this needs no Python, so it always runs.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TorchVisionPortTests
{
    private const double Tolerance = 1e-5;

    /// <summary>Each zoo model at 64×64 and the port's constructor for the same network.</summary>
    private static readonly (string Name, Func<nn.Module<Tensor, Tensor>> Generated, Func<nn.Module<Tensor, Tensor>> Port)[] Pairs =
    {
        ("ResNet18", () => new ResNet18At64(), () => torchvision.models.resnet18()),
        ("ResNet50", () => new ResNet50At64(), () => torchvision.models.resnet50()),
        ("MobileNetV2Width100", () => new MobileNetV2Width100At64(), () => torchvision.models.mobilenet_v2()),
        // The port's googlenet has no auxiliary heads at all (no aux_logits argument); transform_input is off by default
        // and stated here because the zoo's GoogLeNet has no input transform.
        ("GoogLeNet", () => new GoogLeNetAt64(), () => torchvision.models.googlenet(transform_input: false)),
    };

    private readonly ITestOutputHelper output;

    public TorchVisionPortTests(ITestOutputHelper output) => this.output = output;

    public static IEnumerable<object[]> Cases() => Pairs.Select(p => new object[] { p.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eval_output_equals_the_torchvision_ports_on_the_same_weights(string name)
    {
        var pair = Pairs.Single(p => p.Name == name);
        using var scope = NewDisposeScope();
        using var generated = pair.Generated();
        using var port = pair.Port();
        Randomize(generated, seed: 7);

        var ours = Weights.StateDict(generated);
        var theirs = port.state_dict();
        ours.Select(e => e.Key).Should().BeEquivalentTo(theirs.Keys, "the generated model's keys are torchvision's");
        foreach (var (key, tensor) in ours)
        {
            tensor.shape.Should().Equal(theirs[key].shape, key);
            tensor.dtype.Should().Be(theirs[key].dtype, key);
        }

        using var generator = new Generator(11);
        var input = randn(new long[] { 2, 3, 64, 64 }, generator: generator);
        generated.eval();
        port.eval();
        using (no_grad())
        {
            // With its own initialisation the port's output differs: the comparison below can see a difference.
            var before = MaxAbsDifference(generated.forward(input), port.forward(input));
            var (missing, unexpected) = port.load_state_dict(ours.ToDictionary(e => e.Key, e => e.Value), strict: true);
            missing.Should().BeEmpty();
            unexpected.Should().BeEmpty();

            var expected = port.forward(input);
            var actual = generated.forward(input);
            actual.shape.Should().Equal(expected.shape);
            var difference = MaxAbsDifference(actual, expected);
            var largest = expected.abs().max().item<float>();

            // In float64 a difference of summation order rounds away: what is left would be a structural difference.
            generated.to(ScalarType.Float64);
            port.to(ScalarType.Float64);
            var input64 = input.to_type(ScalarType.Float64);
            var difference64 = MaxAbsDifference(generated.forward(input64), port.forward(input64));

            var parameters = generated.parameters().Sum(p => p.numel());
            var portParameters = port.parameters().Sum(p => p.numel());
            output.WriteLine($"{name}: {ours.Count} tensors, {parameters:N0} parameters (port {portParameters:N0}); eval output [2, {expected.shape[1]}] " +
                $"max abs difference {difference:E2} in float32 (largest |output| {largest:F2}), {difference64:E2} in float64; {before:F2} before the weights were copied");
            parameters.Should().Be(portParameters);
            before.Should().BeGreaterThan(1e-2, "the port's own initial weights give another output");
            difference.Should().BeLessThan(Tolerance, name + " in float32");
            difference64.Should().BeLessThan(1e-9, name + " in float64");
        }
    }

    /// <summary>
    /// Seeded, non-trivial weights: kernels uniform ±sqrt(6/fan_in), biases N(0, 0.2²), BatchNorm scales and running
    /// variances in [0.5, 1.5], running means N(0, 0.3²) — so that a BatchNorm wired differently, or a statistic left
    /// unloaded, changes the output.
    /// </summary>
    private static void Randomize(nn.Module model, ulong seed)
    {
        using var generator = new Generator(seed);
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Conv2d conv:
                    Kernel(conv.weight!, generator);
                    conv.bias?.normal_(0, 0.2, generator);
                    break;
                case TorchSharp.Modules.Linear linear:
                    Kernel(linear.weight!, generator);
                    linear.bias?.normal_(0, 0.2, generator);
                    break;
                case TorchSharp.Modules.BatchNorm2d norm:
                    norm.weight!.uniform_(0.5, 1.5, generator);
                    norm.bias!.normal_(0, 0.2, generator);
                    norm.running_mean!.normal_(0, 0.3, generator);
                    norm.running_var!.uniform_(0.5, 1.5, generator);
                    break;
            }
        }
    }

    private static void Kernel(Tensor weight, Generator generator)
    {
        // fan_in: the input channels of a group times the kernel's area (or a dense layer's inputs).
        var fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var bound = Math.Sqrt(6.0 / fanIn);
        weight.uniform_(-bound, bound, generator);
    }

    private static double MaxAbsDifference(Tensor actual, Tensor expected) =>
        (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
}
