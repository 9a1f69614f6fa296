using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using TorchSharp;
using NetDsl.Samples.Models;
using NetDsl.Tests.Parity;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// torchvision's models with non-trivial weights (BatchNorm statistics calibrated on random batches), an input batch
/// and their eval outputs, written afresh by make_zoo_fixtures.py with Debian's PyTorch on every run (nothing large is
/// committed). Each test's figures are collected and written to zoo-parity.txt beside the tests, which CI prints.
/// </summary>
public sealed class ZooFixtures : IDisposable
{
    private readonly List<string> lines = new();

    public ZooFixtures()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Parity", "make_zoo_fixtures.py");
        Directory = Path.Combine(AppContext.BaseDirectory, "zoo-fixtures");
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" \"{Directory}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Log = output.Result + errors;
            Failure = process.ExitCode == 0 ? null : $"make_zoo_fixtures.py exited with {process.ExitCode}: {errors.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Failure = "/usr/bin/python3 is not there (the zoo's parity tests need Debian's python3-torch and python3-torchvision): " + e.Message;
        }
        if (Failure is null)
        {
            Models = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine(Directory, "zoo.json")))!;
        }
    }

    public string Directory { get; }

    public string? Failure { get; }

    public string Log { get; } = string.Empty;

    /// <summary>zoo.json: per model its torchvision constructor, trainable count, input and output shapes.</summary>
    public Dictionary<string, JsonElement> Models { get; } = new();

    public void Record(string line)
    {
        lock (lines)
        {
            lines.Add(line);
        }
    }

    public void Dispose()
    {
        lock (lines)
        {
            if (lines.Count > 0)
            {
                File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "zoo-parity.txt"), lines.OrderBy(l => l, StringComparer.Ordinal));
            }
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true); // about 1 GB, mostly VGG
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The model zoo against torchvision: each model loads torchvision's state dict by its keys (safetensors, and the
/// torch.save file for the small ones) and its eval output equals PyTorch's on the same input.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ZooParityTests : IClassFixture<ZooFixtures>
{
    private const double Tolerance = 1e-4;

    /// <summary>Each zoo model (by its fixture name) and its 64×64 variant.</summary>
    private static readonly (string Name, Type Type)[] Models =
    {
        ("ResNet18", typeof(ResNet18At64)), ("ResNet34", typeof(ResNet34At64)), ("ResNet50", typeof(ResNet50At64)),
        ("MobileNetV2Width100", typeof(MobileNetV2Width100At64)), ("MobileNetV2Width050", typeof(MobileNetV2Width050At64)),
        ("SqueezeNet11", typeof(SqueezeNet11At64)), ("Vgg11BatchNorm", typeof(Vgg11BatchNormAt64)),
        ("MobileNetV3Small", typeof(MobileNetV3SmallAt64)), ("EfficientNetB0", typeof(EfficientNetB0At64)),
        ("DenseNet121", typeof(DenseNet121At64)), ("GoogLeNet", typeof(GoogLeNetAt64)),
        ("UNet", typeof(UNet4Width16)),
        ("ShuffleNetV2X10", typeof(ShuffleNetV2X10At64)),
    };

    /// <summary>The models whose torch.save file the fixture script writes too.</summary>
    private static readonly string[] PyTorchFiles = { "ResNet18", "SqueezeNet11", "MobileNetV2Width100", "UNet" };

    private readonly ZooFixtures fixtures;
    private readonly ITestOutputHelper output;

    public ZooParityTests(ZooFixtures fixtures, ITestOutputHelper output)
    {
        this.fixtures = fixtures;
        this.output = output;
    }

    public static IEnumerable<object[]> Cases() => Models.Select(m => new object[] { m.Name });

    public static IEnumerable<object[]> PyTorchCases() => PyTorchFiles.Select(m => new object[] { m });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eval_output_equals_torchvisions_on_its_weights(string name)
    {
        fixtures.Failure.Should().BeNull(fixtures.Log);
        var type = Models.Single(m => m.Name == name).Type;
        using var scope = NewDisposeScope();
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, new object?[] { null })!;
        var parameters = (long)type.GetField("TrainableParameters")!.GetValue(null)!;
        var torchvision = fixtures.Models[name].GetProperty("parameters").GetInt64();
        parameters.Should().Be(torchvision, "NetDsl's compile-time count equals torchvision's");

        var comparison = Weights.Compare(model, Path.Combine(fixtures.Directory, name + ".safetensors"));
        comparison.Fits.Should().BeTrue("the model's keys, types and shapes are torchvision's:" + comparison.Describe());
        Weights.Load(model, Path.Combine(fixtures.Directory, name + ".safetensors"));

        var io = Weights.Read(Path.Combine(fixtures.Directory, name + ".io.safetensors"));
        model.eval();
        using (no_grad())
        {
            var actual = model.forward(io["input"]);
            actual.shape.Should().Equal(io["output"].shape);
            var difference = MaxAbsDifference(actual, io["output"]);
            var largest = io["output"].abs().max().item<float>();

            // In float64 the rounding of two libtorch builds is gone: what is left would be a structural difference.
            model.to(ScalarType.Float64);
            var difference64 = MaxAbsDifference(model.forward(io["input"].to_type(ScalarType.Float64)), io["output64"]);
            var line = $"{name}: {parameters:N0} parameters (PyTorch {torchvision:N0}), eval output max abs difference {difference:E1} " +
                $"in float32 (largest |output| {largest:F2}), {difference64:E1} in float64";
            output.WriteLine(line);
            fixtures.Record(line);
            difference64.Should().BeLessThan(1e-9, name + " in float64");
            // float32: 1e-4 of the output's scale (outputs of order 1 to 10 here; deep networks round more).
            difference.Should().BeLessThan(Tolerance * Math.Max(1, largest), name + " in float32");
        }
    }

    private static double MaxAbsDifference(Tensor actual, Tensor expected) =>
        (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();

    [Fact]
    public void The_U_Net_family_from_one_definition_counts_what_the_PyTorch_module_does_at_both_widths()
    {
        fixtures.Failure.Should().BeNull(fixtures.Log);
        UNet4Width16.TrainableParameters.Should().Be(fixtures.Models["UNet"].GetProperty("parameters").GetInt64());
        UNet4.TrainableParameters.Should().Be(fixtures.Models["UNet"].GetProperty("width64_parameters").GetInt64());
        UNet4.OutputShape.Should().Be(Shape.Image(2, 256, 256), "a segmentation the size of the input");
    }

    [Fact]
    public void PyTorch_loads_what_NetDsl_saves_into_torchvisions_model_and_computes_NetDsls_output()
    {
        fixtures.Failure.Should().BeNull(fixtures.Log);
        using var scope = NewDisposeScope();
        using var model = new ResNet18At64();
        Weights.Load(model, Path.Combine(fixtures.Directory, "ResNet18.safetensors"));
        using (no_grad())
        {
            // Weights of NetDsl's own, not the file's: every float tensor scaled, the batch counters moved on.
            foreach (var (key, tensor) in Weights.StateDict(model))
            {
                if (tensor.is_floating_point())
                {
                    tensor.mul_(key.EndsWith("running_var", StringComparison.Ordinal) ? 1.1 : 0.97);
                }
                else
                {
                    tensor.add_(5);
                }
            }
        }
        var folder = Path.Combine(fixtures.Directory, "saved-by-netdsl");
        Weights.Save(model, Path.Combine(folder, "resnet18.safetensors"));
        Weights.Save(model, Path.Combine(folder, "resnet18.pt"));
        var input = randn(2, 3, 64, 64);
        Weights.Write(Path.Combine(folder, "input.safetensors"), new[] { new KeyValuePair<string, Tensor>("input", input) });

        var script = string.Join("\n", new[]
        {
            "import os, sys, torch, torchvision",
            "sys.dont_write_bytecode = True",
            $"sys.path.insert(0, {Quoted(Path.Combine(AppContext.BaseDirectory, "Parity"))})",
            "from make_zoo_fixtures import read_safetensors, write_safetensors",
            $"folder = {Quoted(folder)}",
            "x = read_safetensors(os.path.join(folder, 'input.safetensors'))['input']",
            "outputs = {}",
            "for name, state in [('safetensors', read_safetensors(os.path.join(folder, 'resnet18.safetensors'))), ('pt', torch.load(os.path.join(folder, 'resnet18.pt')))]:",
            "    model = torchvision.models.resnet18()",
            "    model.load_state_dict(state, strict=True)",
            "    model.eval()",
            "    with torch.no_grad():",
            "        outputs[name] = model(x).contiguous()",
            "    outputs[name + '_batches'] = model.bn1.num_batches_tracked.reshape(1).clone()",
            "write_safetensors(os.path.join(folder, 'output.safetensors'), outputs)",
        });
        var start = new ProcessStartInfo("/usr/bin/python3", "-") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, errors);

        var fromPyTorch = Weights.Read(Path.Combine(folder, "output.safetensors"));
        model.eval();
        using (no_grad())
        {
            var own = model.forward(input);
            foreach (var name in new[] { "safetensors", "pt" })
            {
                var difference = MaxAbsDifference(own, fromPyTorch[name]);
                output.WriteLine($"torchvision's resnet18 on NetDsl's {name} file: max abs difference {difference:E1}");
                difference.Should().BeLessThan(Tolerance * Math.Max(1, own.abs().max().item<float>()), name);
                fromPyTorch[name + "_batches"].item<long>().Should().Be(model.state_dict()["trunk.bn1.num_batches_tracked"].item<long>());
            }
        }
    }

    private static string Quoted(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    [Theory]
    [MemberData(nameof(PyTorchCases))]
    public void A_torch_save_file_loads_the_same_tensors_as_the_safetensors_one(string name)
    {
        fixtures.Failure.Should().BeNull(fixtures.Log);
        var type = Models.Single(m => m.Name == name).Type;
        using var scope = NewDisposeScope();
        using var fromSafetensors = (nn.Module)Activator.CreateInstance(type, new object?[] { null })!;
        using var fromPyTorch = (nn.Module)Activator.CreateInstance(type, new object?[] { null })!;
        Weights.Load(fromSafetensors, Path.Combine(fixtures.Directory, name + ".safetensors"));
        Weights.Load(fromPyTorch, Path.Combine(fixtures.Directory, name + ".pt"));
        var a = Weights.StateDict(fromSafetensors);
        var b = Weights.StateDict(fromPyTorch).ToDictionary(e => e.Key, e => e.Value);
        foreach (var (key, tensor) in a)
        {
            tensor.equal(b[key]).all().item<bool>().Should().BeTrue(key);
        }
    }
}
