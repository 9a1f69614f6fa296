using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using FluentAssertions;
using NetDsl.Onnx;
using NetDsl.Samples.Models;
using NetDsl.Tests.Parity;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests.Onnx;

/// <summary>
/// Every sample network (the seed MobileNetV2 and its variants, the MLPs, the zoo, the graph networks) and every PyTorch
/// parity network (together every layer kind and merge), exported once with random weights and random BatchNorm
/// statistics, with the TorchSharp model's eval outputs on a random batch.
/// </summary>
public sealed class OnnxExports : IDisposable
{
    public static readonly Type[] Networks = typeof(MobileNetV2).Assembly.GetTypes()
        .Where(t => typeof(IOnnxExportable).IsAssignableFrom(t) && t.GetProperty("InputShape", BindingFlags.Public | BindingFlags.Static) is not null)
        .Concat(new[]
        {
            typeof(Convolutions), typeof(Pools), typeof(Activations), typeof(Merges), typeof(Norms), typeof(Sequences), typeof(Resampling),
            typeof(Residual), typeof(SamePadding), typeof(CustomLayer), typeof(NonSquare), typeof(Separable), typeof(Dropouts),
            typeof(Options), typeof(TwoInputs),
        })
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    public OnnxExports()
    {
        Directory = Path.Combine(Path.GetTempPath(), "netdsl-onnx-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var type in Networks)
        {
            Cases[type.Name] = Export(type, Path.Combine(Directory, type.Name + ".onnx"), new OnnxExportOptions());
        }
    }

    public string Directory { get; }

    public Dictionary<string, ExportedCase> Cases { get; } = new(StringComparer.Ordinal);

    /// <summary>Builds <paramref name="type"/> with seeded random weights and statistics, writes it, and keeps its eval output.</summary>
    public static ExportedCase Export(Type type, string path, OnnxExportOptions options, int seed = 7)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(seed);
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, new object?[] { null })!;
        Randomize(model);
        model.eval();
        var shape = (Shape)type.GetProperty("InputShape")!.GetValue(null)!;
        var macs = (long)type.GetField("MultiplyAdds")!.GetValue(null)!;
        var batch = macs > 1_000_000_000 ? 1 : 3;
        var input = torch.randn(shape.WithBatch(batch));
        float[] expected;
        using (no_grad())
        {
            expected = model.forward(input).contiguous().data<float>().ToArray();
        }
        var watch = Stopwatch.StartNew();
        model.SaveOnnx(path, options);
        return new ExportedCase(type, path, input.data<float>().ToArray(), shape.WithBatch(batch), expected, watch.Elapsed);
    }

    /// <summary>BatchNorm scales, shifts and running statistics away from their initial 1, 0, 0, 1, so folding them is tested.</summary>
    public static void Randomize(nn.Module model)
    {
        using var _ = no_grad();
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, mean) in buffers.Where(b => b.Key.EndsWith("running_mean", StringComparison.Ordinal)).ToList())
        {
            var prefix = name.Substring(0, name.Length - "running_mean".Length);
            mean.copy_(torch.randn_like(mean) * 0.1);
            buffers[prefix + "running_var"].copy_(torch.rand_like(mean) + 0.5);
            if (parameters.TryGetValue(prefix + "weight", out var gamma))
            {
                gamma.copy_(torch.randn_like(gamma) * 0.1 + 1);
                parameters[prefix + "bias"].copy_(torch.randn_like(gamma) * 0.1);
            }
        }
    }

    /// <summary>Removes the exports, unless NETDSL_KEEP_ONNX=1 keeps them to look at (the folder is printed by the checker test).</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("NETDSL_KEEP_ONNX") == "1")
        {
            return;
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One exported network: the file, the batch it was checked with, and the TorchSharp output.</summary>
public sealed record ExportedCase(Type Type, string Path, float[] Input, long[] InputShape, float[] Expected, TimeSpan ExportTime);

[Collection(TorchCollection.Name)]
public sealed class OnnxExportTests : IClassFixture<OnnxExports>
{
    private const double Tolerance = 1e-4;

    private readonly OnnxExports exports;
    private readonly ITestOutputHelper output;

    public OnnxExportTests(OnnxExports exports, ITestOutputHelper output)
    {
        this.exports = exports;
        this.output = output;
    }

    public static IEnumerable<object[]> Cases() => OnnxExports.Networks.Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ONNX_Runtime_computes_what_the_TorchSharp_model_computes_in_eval(string name)
    {
        var exported = exports.Cases[name];
        using var network = Load(exported.Type, exported.Path);
        network.Network.Should().Be(exported.Type.FullName);
        network.InputShape.Should().Be((Shape)exported.Type.GetProperty("InputShape")!.GetValue(null)!);
        var actual = network.Run(exported.Input, (int)exported.InputShape[0]);
        actual.Length.Should().Be(exported.Expected.Length);
        var difference = actual.Zip(exported.Expected, (a, e) => Math.Abs((double)a - e)).Max();
        var scale = exported.Expected.Max(e => Math.Abs((double)e));
        output.WriteLine($"{name}: batch {exported.InputShape[0]}, max abs difference {difference:E2} (outputs up to {scale:G3}), exported in {exported.ExportTime.TotalMilliseconds:F0} ms, {new FileInfo(exported.Path).Length:N0} bytes");
        difference.Should().BeLessThan(Tolerance, $"{name} through ONNX Runtime");
    }

    [Fact]
    public async System.Threading.Tasks.Task The_ONNX_checker_accepts_every_export_and_infers_NetDsl_s_shapes()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Onnx", "check_onnx.py");
        var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" \"{exports.Directory}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        string log, errors;
        int exit;
        try
        {
            using var process = Process.Start(start)!;
            var reading = process.StandardError.ReadToEndAsync();
            log = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            errors = await reading;
            exit = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            (log, errors, exit) = (string.Empty, "/usr/bin/python3 is not there: " + e.Message, -1);
        }
        output.WriteLine($"exports in {exports.Directory}\n{log}{errors}");
        var missing = errors.Contains("No module named 'onnx'", StringComparison.Ordinal) || exit == -1;
        if (missing && Environment.GetEnvironmentVariable("NETDSL_REQUIRE_PYTORCH") != "1")
        {
            // Without Debian's python3-onnx (CI installs it and requires it), NetDsl's own structural checks stand in.
            foreach (var exported in exports.Cases.Values)
            {
                StructurallyValid(File.ReadAllBytes(exported.Path), exported.Type.Name);
            }
            return;
        }
        exit.Should().Be(0, log + errors);
        log.Should().Contain($"{exports.Cases.Count} checked, 0 failed");
    }

    [Fact]
    public void Every_export_is_well_formed_every_value_has_its_shape_and_every_node_its_layer()
    {
        foreach (var exported in exports.Cases.Values)
        {
            StructurallyValid(File.ReadAllBytes(exported.Path), exported.Type.Name);
        }
    }

    [Fact]
    public void BatchNorm_after_a_convolution_or_dense_layer_is_folded_and_kept_on_request_with_equal_outputs()
    {
        var folded = Model(exports.Cases[nameof(SmallResNet)].Path);
        folded.Graph.Node.Should().NotContain(n => n.OpType == "BatchNormalization", "every BatchNorm of SmallResNet follows a convolution");
        folded.Graph.Node.Where(n => n.OpType == "Conv").Should().OnlyContain(n => n.Input.Count == 3, "a folded convolution gets the BatchNorm's shift as its bias");
        Model(exports.Cases[nameof(MnistBatchNormMlp)].Path).Graph.Node.Should().NotContain(n => n.OpType == "BatchNormalization", "a BatchNorm after a Dense folds into its Gemm");

        var path = Path.Combine(exports.Directory, "kept", "SmallResNet.onnx");
        var kept = OnnxExports.Export(typeof(SmallResNet), path, new OnnxExportOptions { FoldBatchNorm = false });
        Model(path).Graph.Node.Count(n => n.OpType == "BatchNormalization").Should().Be(15, "SmallResNet has 15 BatchNorms");
        using var network = OnnxNetwork.Load<SmallResNet>(path);
        var difference = network.Run(kept.Input, (int)kept.InputShape[0]).Zip(kept.Expected, (a, e) => Math.Abs((double)a - e)).Max();
        difference.Should().BeLessThan(Tolerance);
        kept.Expected.Should().Equal(exports.Cases[nameof(SmallResNet)].Expected, "the same seed builds the same model");
    }

    [Theory]
    [InlineData(nameof(Norms), 18)]
    [InlineData(nameof(Pools), 18)]
    [InlineData(nameof(Resampling), 21)]
    [InlineData(nameof(MobileNetV3Small), 21)]
    public void A_newer_operator_set_computes_the_same(string name, int opset)
    {
        var type = OnnxExports.Networks.Single(t => t.Name == name);
        var path = Path.Combine(exports.Directory, "opset" + opset, name + ".onnx");
        var exported = OnnxExports.Export(type, path, new OnnxExportOptions { Opset = opset });
        Model(path).OpsetImport.Single().Version.Should().Be(opset);
        using var network = Load(type, path);
        var difference = network.Run(exported.Input, (int)exported.InputShape[0]).Zip(exported.Expected, (a, e) => Math.Abs((double)a - e)).Max();
        difference.Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void The_batch_is_dynamic_and_tensors_run_as_arrays_do()
    {
        var exported = exports.Cases[nameof(MnistMlp)];
        using var network = OnnxNetwork.Load<MnistMlp>(exported.Path, new OnnxNetworkOptions { IntraOpThreads = 1 });
        using var scope = NewDisposeScope();
        var input = torch.tensor(exported.Input, exported.InputShape);
        var all = network.Run(input);
        all.shape.Should().Equal(exported.InputShape[0], 10);
        for (var i = 0; i < exported.InputShape[0]; i++)
        {
            var one = network.Run(input[i..(i + 1)]);
            (one - all[i..(i + 1)]).abs().max().item<float>().Should().BeLessThan(1e-6f);
        }
    }

    [Fact]
    public void A_wrong_input_is_refused_as_the_TorchSharp_model_refuses_it()
    {
        using var network = OnnxNetwork.Load<SmallResNet>(exports.Cases[nameof(SmallResNet)].Path);
        using var scope = NewDisposeScope();
        var tensor = () => network.Run(torch.zeros(2, 3, 28, 28));
        tensor.Should().Throw<InputShapeException>().Which.Message.Should().StartWith($"{typeof(SmallResNet).FullName} expects input [N, 1, 28, 28] but got [2, 3, 28, 28].");
        var array = () => network.Run(new float[784 * 2 + 1], 2);
        array.Should().Throw<InputShapeException>();
        var none = () => network.Run(new float[784], 0);
        none.Should().Throw<InputShapeException>();
    }

    [Fact]
    public void A_file_of_another_network_or_not_ONNX_at_all_is_refused_on_load()
    {
        var other = () => OnnxNetwork.Load<SmallResNet>(exports.Cases[nameof(SmallUNet)].Path);
        other.Should().Throw<InvalidDataException>().WithMessage($"*holds the network {typeof(SmallUNet).FullName}, not {typeof(SmallResNet).FullName}*");

        var text = Path.Combine(exports.Directory, "not-onnx.onnx.txt");
        File.WriteAllText(text, "this is not a model");
        var garbage = () => OnnxNetwork.Load(text);
        garbage.Should().Throw<InvalidDataException>().WithMessage("*is not an ONNX model*");

        var missing = () => OnnxNetwork.Load(Path.Combine(exports.Directory, "missing.onnx"));
        missing.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void A_failed_export_leaves_the_previous_file_intact_and_nothing_half_written()
    {
        var folder = Path.Combine(exports.Directory, "atomic");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "net.onnx");
        File.WriteAllText(path, "previous");
        using (var disposed = new MnistMlp())
        {
            disposed.Dispose();
            var export = () => disposed.SaveOnnx(path);
            export.Should().Throw<ObjectDisposedException>();
        }
        using (var model = new LyingCustomNet())
        {
            var custom = () => model.SaveOnnx(path);
            custom.Should().Throw<OnnxExportException>().WithMessage("*layer 'halver' is a custom module (NetDsl.Tests.Halver)*IOnnxExportable*");
        }
        File.ReadAllText(path).Should().Be("previous");
        Directory.GetFiles(folder).Should().Equal(path);

        // A target that cannot be written: its folder is a file.
        using var mlp = new MnistMlp();
        var blocked = Path.Combine(path, "net.onnx");
        var unwritable = () => mlp.SaveOnnx(blocked);
        unwritable.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("previous");
    }

    private static OnnxNetwork Load(Type type, string path) =>
        (OnnxNetwork)typeof(OnnxNetwork).GetMethods().Single(m => m.Name == nameof(OnnxNetwork.Load) && m.IsGenericMethod)
            .MakeGenericMethod(type).Invoke(null, new object?[] { path, null })!;

    private static NetDsl.Onnx.Format.Model Model(string path) => NetDsl.Onnx.Format.Model.Parser.ParseFrom(File.ReadAllBytes(path));

    /// <summary>Nodes in an order that runs (every input defined before), every produced value shaped, every node named after its layer.</summary>
    private static void StructurallyValid(byte[] bytes, string name)
    {
        var model = NetDsl.Onnx.Format.Model.Parser.ParseFrom(bytes);
        model.IrVersion.Should().Be(8);
        var graph = model.Graph;
        var defined = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        graph.Initializer.Select(i => i.Name).Should().OnlyHaveUniqueItems(name);
        var shaped = new HashSet<string>(graph.ValueInfo.Select(v => v.Name).Concat(graph.Output.Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            node.Input.Where(i => i.Length > 0).Should().OnlyContain(i => defined.Contains(i), $"{name}: {node.Name} reads only values defined before it");
            foreach (var produced in node.Output)
            {
                defined.Add(produced).Should().BeTrue($"{name}: {produced} is produced once");
                shaped.Should().Contain(produced, $"{name}: {produced} has a shape");
            }
            node.DocString.Should().StartWith("NetDsl", name);
        }
        graph.Output.Single().Name.Should().Be("output");
        graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam.Should().Be("batch");
        model.MetadataProps.Should().Contain(p => p.Key == OnnxExport.NetworkKey);
    }
}
