using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FluentAssertions;
using NetDsl.Tests.Parity;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// Where the PyTorch references come from: written afresh by make_fixtures.py with Debian's PyTorch when
/// /usr/bin/python3 has it (CI installs it and sets NETDSL_REQUIRE_PYTORCH=1, so there it must), else the committed
/// copies in Parity/fixtures (written by the same script).
/// </summary>
public sealed class ParityFixtures
{
    public ParityFixtures()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Parity", "make_fixtures.py");
        var fresh = Path.Combine(AppContext.BaseDirectory, "parity-fixtures");
        string? failure = null;
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" \"{fresh}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Log = output.Result + errors;
            failure = process.ExitCode == 0 ? null : $"make_fixtures.py exited with {process.ExitCode}: {errors.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            failure = "/usr/bin/python3 is not there: " + e.Message;
        }
        Fresh = failure is null;
        Directory = Fresh ? fresh : Path.Combine(AppContext.BaseDirectory, "Parity", "fixtures");
        Failure = failure;
    }

    public string Directory { get; }

    /// <summary>True when the references were just computed by PyTorch on this machine.</summary>
    public bool Fresh { get; }

    public string? Failure { get; }

    public string Log { get; } = string.Empty;
}

/// <summary>
/// Every layer kind and merge against PyTorch on the same weights and inputs: eval-mode and train-mode outputs, the
/// gradient with respect to the input, and the running statistics after the train-mode step, within 1e-5 max abs.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PyTorchParityTests : IClassFixture<ParityFixtures>
{
    private const double Tolerance = 1e-5;

    private static readonly Type[] Networks =
    {
        typeof(Convolutions), typeof(Pools), typeof(Activations), typeof(Merges), typeof(Norms), typeof(Sequences), typeof(Resampling),
        typeof(Residual), typeof(SamePadding), typeof(CustomLayer), typeof(NonSquare), typeof(Separable), typeof(Dropouts),
        typeof(Options), typeof(TwoInputs),
    };

    private readonly ParityFixtures fixtures;
    private readonly ITestOutputHelper output;

    public PyTorchParityTests(ParityFixtures fixtures, ITestOutputHelper output)
    {
        this.fixtures = fixtures;
        this.output = output;
    }

    public static IEnumerable<object[]> Cases() => Networks.Select(t => new object[] { t.Name });

    [Fact]
    public void The_references_are_fresh_where_PyTorch_is_required()
    {
        output.WriteLine(fixtures.Fresh ? "references computed now by PyTorch:\n" + fixtures.Log : "committed references used: " + fixtures.Failure);
        if (Environment.GetEnvironmentVariable("NETDSL_REQUIRE_PYTORCH") == "1")
        {
            fixtures.Fresh.Should().BeTrue(fixtures.Failure);
        }
        File.Exists(Path.Combine(fixtures.Directory, "Residual.pt")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_and_gradients_equal_PyTorchs(string name)
    {
        var type = Networks.Single(t => t.Name == name);
        var record = PyTorchUnpickler.UnpickleStateDict(Path.Combine(fixtures.Directory, name + ".pt"));
        var tensors = record.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!);
        using var scope = NewDisposeScope();
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, new object?[] { null })!;

        // The same keys and shapes on both sides, checked before anything is loaded.
        var weights = tensors.Where(e => !e.Key.StartsWith("__", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value);
        var own = model.state_dict();
        own.Keys.Should().BeEquivalentTo(weights.Keys, $"{name}'s state-dict keys are PyTorch's");
        foreach (var (key, value) in weights)
        {
            own[key].shape.Should().Equal(value.shape, key);
        }
        model.load_state_dict(weights);

        var input = tensors["__input"];
        model.eval();
        using (no_grad())
        {
            Compare(name + " eval", model.forward(input), tensors["__eval"]);
        }
        if (!tensors.ContainsKey("__train"))
        {
            return; // dropout draws random masks in train mode: eval only (Dropouts)
        }
        model.train();
        var x = input.clone().requires_grad_(true);
        var y = model.forward(x);
        Compare(name + " train", y, tensors["__train"]);
        (y * tensors["__grad_seed"]).sum().backward();
        Compare(name + " input gradient", x.grad!, tensors["__grad_input"]);
        var after = model.state_dict();
        foreach (var (key, value) in tensors.Where(e => e.Key.StartsWith("__after.", StringComparison.Ordinal)))
        {
            Compare(name + " " + key.Substring(8) + " after a train step", after[key.Substring(8)], value);
        }
    }

    [Fact]
    public void Every_layer_kind_has_a_parity_case()
    {
        var covered = new HashSet<string>();
        foreach (var type in Networks)
        {
            var summary = (string)type.GetField("Summary")!.GetValue(null)!;
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(summary, @" \((\w+)[,)]"))
            {
                covered.Add(match.Groups[1].Value);
            }
        }
        var kinds = NetDsl.Generators.Layers.LayerCatalog.All.Select(k => k.Name);
        kinds.Except(covered).Should().BeEmpty("every kind is checked against PyTorch in one of the parity networks");
    }

    private void Compare(string what, Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape, what);
        var difference = (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
        output.WriteLine($"{what}: max abs difference {difference:E2}");
        difference.Should().BeLessThan(Tolerance, what);
    }
}
