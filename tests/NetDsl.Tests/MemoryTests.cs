using System;
using System.Linq;
using FluentAssertions;
using NetDsl.Samples.Models;
using NetDsl.Tests.Parity;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// The compile-time memory estimate against what TorchSharp allocates: the parameter bytes exactly, and the training
/// activations against the tensors a train-mode forward creates.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class MemoryTests
{
    /// <summary>Allowed relative difference between the training estimate (every layer's output) and the tensors created.</summary>
    private const double TrainingTolerance = 0.10;

    private static readonly Type[] Networks =
    {
        typeof(ResNet18At64), typeof(ResNet50At64), typeof(MobileNetV2Width100At64), typeof(DenseNet121At64), typeof(GoogLeNetAt64),
        typeof(EfficientNetB0At64), typeof(UNet4Width16), typeof(MnistMlpBatchNorm),
    };

    private readonly ITestOutputHelper output;

    public MemoryTests(ITestOutputHelper output) => this.output = output;

    public static TheoryData<string> Cases() => new(Networks.Select(t => t.Name));

    private static long Constant(Type type, string name) => (long)type.GetField(name)!.GetValue(null)!;

    /// <summary>Where a CPU tensor's storage starts: its first element's address less its offset.</summary>
    private static unsafe long StorageAddress(Tensor tensor)
    {
        using var first = tensor.as_strided(new long[] { 1 }, new long[] { 1 }, tensor.storage_offset());
        fixed (byte* data = first.bytes)
        {
            return (long)data - tensor.storage_offset() * tensor.ElementSize;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_bytes_are_the_bytes_of_the_state_dict(string name)
    {
        var type = Networks.Single(t => t.Name == name);
        using var model = (nn.Module)Activator.CreateInstance(type, new object?[] { null })!;
        var bytes = model.state_dict().Values.Sum(t => t.numel() * t.ElementSize);
        Constant(type, "ParameterBytes").Should().Be(bytes);
        ((string)type.GetField("Summary")!.GetValue(null)!).Should().Contain("Parameter memory: ").And.Contain("Activation memory per sample: ");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_activation_bytes_match_the_tensors_a_train_mode_forward_creates(string name)
    {
        var type = Networks.Single(t => t.Name == name);
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, new object?[] { null })!;
        var shape = (Shape)type.GetProperty("InputShape")!.GetValue(null)!;
        const int batch = 4;
        model.train();
        var input = randn(shape.WithBatch(batch));
        long created;
        using (var scope = NewDisposeScope())
        {
            model.forward(input);
            // Each storage once: an in-place layer returns an alias of its input's storage, a view shares its base's.
            created = scope.DisposablesView.OfType<Tensor>().Where(t => !t.IsInvalid && t.numel() > 0)
                .GroupBy(StorageAddress).Sum(g => g.Max(t => (t.storage_offset() + t.numel()) * t.ElementSize));
        }
        var measured = created / (double)batch;
        var estimate = Constant(type, "TrainingActivationBytes");
        var inference = Constant(type, "InferenceActivationBytes");
        output.WriteLine($"{name}: training estimate {estimate:N0} B/sample, created by a train-mode forward {measured:N0} B/sample " +
            $"({(estimate - measured) / measured:+0.0%;-0.0%}), inference estimate {inference:N0} B/sample");
        Math.Abs(estimate - measured).Should().BeLessThan(TrainingTolerance * measured, $"{name}'s estimate is within {TrainingTolerance:P0} of what its forward allocates");
        inference.Should().BeLessThanOrEqualTo(estimate).And.BeGreaterThan(0);
    }
}
