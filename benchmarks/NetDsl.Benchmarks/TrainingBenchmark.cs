using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Reporting;
using NetDsl.Samples.Models;
using NetDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks;

/// <summary>
/// Training throughput of NetDsl's Trainer against the plain TorchSharp loop it wraps (same model, same batches), and
/// the process memory after each epoch. Synthetic inputs: the cost of a step does not depend on the pixel values.
/// </summary>
internal static class TrainingBenchmark
{
    public static int Run(int epochs)
    {
        var cases = new (string Name, Func<nn.Module<Tensor, Tensor>> Create, long[] Sample, int Count, int Batch)[]
        {
            ("MnistMlpBatchNorm, batch 32", () => new MnistMlpBatchNorm(), new long[] { 784 }, 7000, 32),
            ("MobileNetV2At32, batch 32", () => new MobileNetV2At32(), new long[] { 3, 32, 32 }, 1280, 32),
            ("MobileNetV2 224×224, batch 8", () => new MobileNetV2(), new long[] { 3, 224, 224 }, 64, 8),
        };
        var table = new Table("model", "samples/epoch", "plain loop (samples/s)", "Trainer (samples/s)", "Trainer overhead", "working set after epochs (MB)", "live tensors after epochs");
        Console.WriteLine($"torch threads: {torch.get_num_threads()}, epochs per measurement: {epochs} (the first is warm-up and not counted)");
        foreach (var (name, create, sample, count, batch) in cases)
        {
            random.manual_seed(1);
            using var features = randn(new[] { (long)count }.Concat(sample).ToArray());
            using var labels = randint(0, 10, new long[] { count });
            using var data = new Dataset("synthetic", features.alias(), labels.alias());

            // The plain loop runs before and after the Trainer and counts its better run: libtorch's allocator warms up on
            // whichever goes first.
            double Plain()
            {
                random.manual_seed(2);
                using var plainModel = create();
                return PlainLoop(plainModel, data, batch, epochs);
            }
            var plainBefore = Plain();

            random.manual_seed(2);
            using var model = create();
            var memory = new List<double>();
            var live = new List<long>();
            var times = new List<double>();
            var clock = new Stopwatch();
            using var run = new TrainingRun("bench", model, OptimizerSpec.Sgd(0.01), new LambdaCallback
            {
                EpochBegin = (_, _) => clock.Restart(),
                EpochEnd = (_, _) =>
                {
                    times.Add(clock.Elapsed.TotalSeconds);
                    memory.Add(Process.GetCurrentProcess().WorkingSet64 / 1e6);
                    live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                },
            });
            Trainer.Fit(run, data, null, new TrainingOptions { Epochs = epochs, BatchSize = batch, Progress = ProgressMode.None });
            var trainer = count / TimingStatistics.Median(times.Skip(1));
            var plain = Math.Max(plainBefore, Plain());
            table.Add(name, count.ToString("N0", CultureInfo.InvariantCulture), plain.ToString("N1", CultureInfo.InvariantCulture),
                trainer.ToString("N1", CultureInfo.InvariantCulture), ((plain / trainer - 1) * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%",
                string.Join(" → ", memory.Select(m => m.ToString("N0", CultureInfo.InvariantCulture))), string.Join(" → ", live));
            Console.WriteLine($"{name}: plain {plain:N1}/s, trainer {trainer:N1}/s");
        }
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown());
        Directory.CreateDirectory(Path.Combine("artifacts", "benchmarks"));
        File.WriteAllText(Path.Combine("artifacts", "benchmarks", "training.csv"), table.ToCsv());
        return 0;
    }

    // The loop a TorchSharp user writes by hand: the same shuffling, steps and dispose scopes, no evaluation or callbacks.
    private static double PlainLoop(nn.Module<Tensor, Tensor> model, Dataset data, int batch, int epochs)
    {
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var times = new List<double>();
        model.train();
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = Trainer.Permutation(data.Count, 1, epoch);
            for (var start = 0; start < data.Count; start += batch)
            {
                using var scope = NewDisposeScope();
                var size = Math.Min(batch, data.Count - start);
                var (x, y) = data.Batch(tensor(order.AsSpan(start, size).ToArray()));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                loss.backward();
                optimizer.step();
                loss.item<float>();
            }
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return data.Count / TimingStatistics.Median(times.Skip(1));
    }
}
