using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FluentAssertions;
using NetDsl.Samples.Models;
using NetDsl.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>A block whose layers sit under torchvision-like keys: a conv–BN pair as a Sequential's items 0 and 1.</summary>
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv", Key = "0"), BatchNorm(Name = "bn", Key = "1"), ReLU(Name = "relu")]
public sealed class KeyedUnitAttribute : BlockAttribute
{
    public KeyedUnitAttribute(int filters) { }
}

/// <summary>A small network with keys that differ from its module names, for the weights tests.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 8, 8)]
[KeyedUnit(4, Name = "stem", Key = "features.0")]
[KeyedUnit(6, Name = "stage", Repeat = "2", Key = "features.{1 + repeatIndex}")]
[GlobalAveragePooling2D(Name = "pool"), Dense(5, Name = "fc", Key = "classifier.1")]
public partial class KeyedNet { }

/// <summary>
/// NetDsl.Weights: files are read and written under the layers' keys; a file that does not fit is refused before
/// anything is loaded, listing what is missing, unexpected and mismatched; a failed save keeps the previous file.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class WeightsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "netdsl-weights-" + Guid.NewGuid().ToString("N"));

    public WeightsTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string File(string name) => Path.Combine(directory, name);

    /// <summary>A KeyedNet with random weights and non-trivial BatchNorm statistics.</summary>
    private static KeyedNet Randomised(int seed)
    {
        manual_seed(seed);
        var model = new KeyedNet();
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict())
            {
                if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    tensor.copy_(rand(tensor.shape) + 0.5);
                }
                else if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    tensor.copy_(randn(tensor.shape) * 0.3);
                }
                else if (tensor.is_floating_point())
                {
                    tensor.copy_(randn(tensor.shape) * 0.5);
                }
            }
        }
        return model;
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        Weights.StateDict(model).ToDictionary(e => e.Key, e => e.Value.clone());

    private static void ShouldEqual(IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> expected)
    {
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (key, tensor) in expected)
        {
            actual[key].dtype.Should().Be(tensor.dtype, key);
            actual[key].equal(tensor).all().item<bool>().Should().BeTrue(key);
        }
    }

    [Fact]
    public void The_state_dict_is_under_the_layers_keys()
    {
        using var model = new KeyedNet();
        var keys = Weights.StateDict(model).Select(e => e.Key).ToList();
        keys.Should().Contain(new[]
        {
            "features.0.0.weight", "features.0.1.weight", "features.0.1.running_mean", "features.0.1.num_batches_tracked",
            "features.1.0.weight", "features.2.1.running_var", "classifier.1.weight", "classifier.1.bias",
        });
        keys.Should().HaveCount(model.state_dict().Count).And.OnlyHaveUniqueItems();
        keys.Should().NotContain(k => k.Contains("stem") || k.Contains("stage") || k.StartsWith("fc.", StringComparison.Ordinal));
        Weights.KeyOf(model, "stage.1.bn.running_var").Should().Be("features.2.1.running_var");
        KeyedNet.StateDictKeys.Should().Contain(("stage.0.conv", "features.1.0"));
    }

    [Theory]
    [InlineData("weights.safetensors")]
    [InlineData("weights.pt")]
    public void Save_then_load_gives_identical_tensors_and_outputs(string name)
    {
        using var scope = NewDisposeScope();
        using var original = Randomised(1);
        Weights.Save(original, File(name));
        Weights.ReadEntries(File(name)).Select(e => e.Key).Should().BeEquivalentTo(Weights.StateDict(original).Select(e => e.Key));

        using var copy = Randomised(2);
        Weights.Load(copy, File(name));
        ShouldEqual(Snapshot(copy), Snapshot(original));
        original.eval();
        copy.eval();
        var input = randn(3, 3, 8, 8);
        using (no_grad())
        {
            copy.forward(input).equal(original.forward(input)).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void A_file_with_missing_unexpected_and_mismatched_tensors_is_refused_listing_them_and_the_model_is_unchanged()
    {
        using var scope = NewDisposeScope();
        using var source = Randomised(1);
        var tensors = Weights.StateDict(source).Where(e => e.Key != "features.2.0.weight").ToList();
        tensors = tensors.Select(e => e.Key switch
        {
            "classifier.1.weight" => new KeyValuePair<string, Tensor>(e.Key, zeros(5, 7)),
            "classifier.1.bias" => new KeyValuePair<string, Tensor>(e.Key, e.Value.to_type(ScalarType.Float64)),
            _ => e,
        }).Append(new KeyValuePair<string, Tensor>("classifier.2.weight", ones(3))).ToList();
        Weights.Write(File("bad.safetensors"), tensors);
        Weights.Write(File("bad.pt"), tensors);

        foreach (var path in new[] { File("bad.safetensors"), File("bad.pt") })
        {
            using var model = Randomised(2);
            var before = Snapshot(model);
            var load = () => Weights.Load(model, path);
            var error = load.Should().Throw<WeightsException>().Which;
            error.Message.Should().Contain("nothing was loaded").And.Contain("features.2.0.weight").And.Contain("classifier.2.weight")
                .And.Contain("classifier.1.weight: the model has Float32 [5, 6], the file Float32 [5, 7]")
                .And.Contain("classifier.1.bias: the model has Float32 [5], the file Float64 [5]");
            error.Comparison!.Missing.Select(e => e.Key).Should().Equal("features.2.0.weight");
            error.Comparison.Unexpected.Select(e => e.Key).Should().Equal("classifier.2.weight");
            error.Comparison.Mismatched.Select(m => m.Expected.Key).Should().BeEquivalentTo("classifier.1.weight", "classifier.1.bias");
            ShouldEqual(Snapshot(model), before);
        }
    }

    [Fact]
    public void Skipped_keys_are_neither_required_nor_loaded()
    {
        // Fine-tuning with a new classifier: everything but the head comes from the file.
        using var scope = NewDisposeScope();
        using var source = Randomised(1);
        Weights.Write(File("backbone.safetensors"), Weights.StateDict(source).Where(e => !e.Key.StartsWith("classifier.", StringComparison.Ordinal)).ToList());
        using var model = Randomised(2);
        var head = model.state_dict()["fc.weight"].clone();
        var strict = () => Weights.Load(model, File("backbone.safetensors"));
        strict.Should().Throw<WeightsException>().Which.Comparison!.Missing.Select(e => e.Key).Should().Equal("classifier.1.weight", "classifier.1.bias");
        Weights.Load(model, File("backbone.safetensors"), skip: key => key.StartsWith("classifier.", StringComparison.Ordinal));
        model.state_dict()["fc.weight"].equal(head).all().item<bool>().Should().BeTrue();
        model.state_dict()["stage.1.conv.weight"].equal(source.state_dict()["stage.1.conv.weight"]).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_refused_and_the_model_is_unchanged()
    {
        using var scope = NewDisposeScope();
        using var source = Randomised(1);
        Weights.Save(source, File("whole.safetensors"));
        var bytes = System.IO.File.ReadAllBytes(File("whole.safetensors"));
        System.IO.File.WriteAllBytes(File("cut.safetensors"), bytes.Take(bytes.Length - 10).ToArray());
        System.IO.File.WriteAllText(File("text.safetensors"), "this is not a weights file at all");
        System.IO.File.WriteAllText(File("text.pt"), "nor is this");

        using var model = Randomised(2);
        var before = Snapshot(model);
        foreach (var (name, message) in new[]
        {
            ("cut.safetensors", "cut short"), ("text.safetensors", "not a safetensors file"), ("text.pt", "not a state dict saved by torch.save"),
            ("absent.safetensors", "does not exist"), ("weights.h5", "not a weights file extension"),
        })
        {
            var load = () => Weights.Load(model, File(name));
            load.Should().Throw<WeightsException>().WithMessage($"*{message}*", name);
        }
        ShouldEqual(Snapshot(model), before);
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_intact()
    {
        using var scope = NewDisposeScope();
        using var model = Randomised(1);
        Weights.Save(model, File("weights.safetensors"));
        var previous = System.IO.File.ReadAllBytes(File("weights.safetensors"));
        var tensors = Weights.StateDict(model).Append(new KeyValuePair<string, Tensor>("extra", zeros(2, ScalarType.ComplexFloat32))).ToList();
        var write = () => Weights.Write(File("weights.safetensors"), tensors);
        write.Should().Throw<WeightsException>().WithMessage("*ComplexFloat32*");
        System.IO.File.ReadAllBytes(File("weights.safetensors")).Should().Equal(previous);
        Directory.GetFiles(directory).Should().ContainSingle();
    }

    [Fact]
    public void A_checkpoint_of_the_seed_MobileNetV2_and_a_safetensors_file_of_it_hold_the_same_tensors()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var model = new MobileNetV2();
        Checkpoint.SaveWeights(model, File("weights.dat"));
        Weights.Save(model, File("weights.safetensors"));

        var checkpoint = Checkpoint.ReadEntries(File("weights.dat"));
        var safetensors = Weights.ReadEntries(File("weights.safetensors"));
        safetensors.Select(e => (e.Key, e.Type, string.Join(",", e.Shape))).Should().Equal(checkpoint.Select(e => (e.Name, e.Type, string.Join(",", e.Shape))));

        using var fromCheckpoint = new MobileNetV2();
        Checkpoint.LoadWeights(fromCheckpoint, File("weights.dat"));
        ShouldEqual(Weights.Read(File("weights.safetensors")), Snapshot(fromCheckpoint));
    }
}
