using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl.Onnx;
using NetDsl.Reporting;
using NetDsl.Samples.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks;

/// <summary>What the <c>onnx</c> benchmark measures.</summary>
/// <param name="References">The folder of PyTorch's own exports (benchmarks/onnx/export_torchvision.py).</param>
internal sealed record OnnxBenchmarkSettings(string References, IReadOnlyList<string> Models, IReadOnlyList<int> Batches, IReadOnlyList<int> Threads, int Repeats, int Warmup);

/// <summary>
/// Inference of one architecture three ways, taking turns each round (A, B, C, A, B, C, …): ONNX Runtime on NetDsl's
/// export of the generated network, ONNX Runtime on PyTorch's <c>torch.onnx</c> export of torchvision's model of the same
/// architecture, and the generated TorchSharp network in eval mode. Both ONNX models run with the same session options
/// (all graph optimizations, the given intra-op threads, sequential execution) and the same batch.
/// </summary>
internal static class OnnxBenchmark
{
    private static readonly (string Name, Func<nn.Module<Tensor, Tensor>> Create)[] Models =
    {
        ("MobileNetV2", () => new MobileNetV2Width100()),
        ("ResNet18", () => new ResNet18()),
    };

    public static IReadOnlyList<string> Names { get; } = Models.Select(m => m.Name).ToArray();

    public static int Run(OnnxBenchmarkSettings settings)
    {
        Console.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores, {settings.Warmup} warm-up + {settings.Repeats} measured rounds, load average {TimingStatistics.LoadAverage()}");
        var table = new Table("model", "batch", "threads", "NetDsl → ORT (ms)", "torch.onnx → ORT (ms)", "TorchSharp eval (ms)", "NetDsl ORT / torch.onnx ORT", "NetDsl ORT / TorchSharp");
        var folder = Path.Combine("artifacts", "benchmarks", "onnx");
        Directory.CreateDirectory(folder);
        foreach (var (name, create) in Models.Where(m => settings.Models.Contains(m.Name)))
        {
            var reference = Path.Combine(settings.References, name + ".torch.onnx");
            if (!File.Exists(reference))
            {
                Console.Error.WriteLine($"error: {reference} is missing: run /usr/bin/python3 benchmarks/onnx/export_torchvision.py {settings.References}");
                return 1;
            }
            random.manual_seed(1);
            using var model = create();
            model.eval();
            var exported = Path.Combine(folder, name + ".netdsl.onnx");
            var clock = Stopwatch.StartNew();
            model.SaveOnnx(exported);
            Console.WriteLine($"{name}: exported in {clock.ElapsedMilliseconds} ms, {new FileInfo(exported).Length:N0} bytes; PyTorch's export {new FileInfo(reference).Length:N0} bytes");
            foreach (var threads in settings.Threads)
            {
                torch.set_num_threads(threads);
                using var ours = Session(exported, threads);
                using var theirs = Session(reference, threads);
                foreach (var batch in settings.Batches)
                {
                    using var input = randn(new long[] { batch, 3, 224, 224 });
                    var values = input.data<float>().ToArray();
                    var shape = input.shape;
                    var rounds = new List<double>[] { new(), new(), new() };
                    for (var round = 0; round < settings.Warmup + settings.Repeats; round++)
                    {
                        var times = new[] { Infer(ours, values, shape), Infer(theirs, values, shape), Eval(model, input) };
                        if (round >= settings.Warmup)
                        {
                            for (var k = 0; k < 3; k++)
                            {
                                rounds[k].Add(times[k]);
                            }
                        }
                    }
                    var medians = rounds.Select(TimingStatistics.Median).ToArray();
                    table.Add(name, batch.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture), TimingStatistics.Spread(rounds[0]), TimingStatistics.Spread(rounds[1]), TimingStatistics.Spread(rounds[2]),
                        TimingStatistics.Ratio(rounds[0], rounds[1]), TimingStatistics.Ratio(rounds[0], rounds[2]));
                    Console.WriteLine($"{name} batch {batch}, {threads} thread(s): NetDsl ORT {TimingStatistics.Milliseconds(medians[0])} ms, torch.onnx ORT {TimingStatistics.Milliseconds(medians[1])} ms, TorchSharp {TimingStatistics.Milliseconds(medians[2])} ms");
                }
            }
        }
        Console.WriteLine($"load average {TimingStatistics.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown());
        File.WriteAllText(Path.Combine("artifacts", "benchmarks", "onnx.csv"), table.ToCsv());
        return 0;
    }

    private static InferenceSession Session(string path, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // As NetDsl.OnnxRuntime's OnnxNetwork runs it, for both models alike.
        options.AddSessionConfigEntry("optimization.disable_specified_optimizers", string.Join(";", new OnnxNetworkOptions().DisabledOptimizers));
        return new InferenceSession(path, options);
    }

    /// <summary>Seconds for one run, the output read back into managed memory included.</summary>
    private static double Infer(InferenceSession session, float[] input, long[] shape)
    {
        var clock = Stopwatch.StartNew();
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        using var results = session.Run(run, new[] { session.InputMetadata.Keys.Single() }, new[] { value }, new[] { session.OutputMetadata.Keys.Single() });
        _ = results[0].GetTensorDataAsSpan<float>().ToArray();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Eval(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var clock = Stopwatch.StartNew();
        using (NewDisposeScope())
        using (no_grad())
        {
            _ = model.forward(input).data<float>().ToArray();
        }
        return clock.Elapsed.TotalSeconds;
    }

}
