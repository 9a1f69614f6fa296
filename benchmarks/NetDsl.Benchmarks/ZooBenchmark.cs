using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Reporting;
using NetDsl.Samples.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Benchmarks;

/// <summary>What the <c>zoo</c> benchmark measures and how often.</summary>
/// <param name="Models">The models by name (<see cref="ZooBenchmark.Names"/>).</param>
/// <param name="Repeats">Measured rounds per model and kind of step.</param>
/// <param name="Warmup">Rounds run first and not counted.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="Batch">Images per batch (224×224).</param>
internal sealed record ZooBenchmarkSettings(IReadOnlyList<string> Models, int Repeats, int Warmup, int Threads, int Batch);

/// <summary>
/// The zoo's generated models against TorchSharp's own port of torchvision (the TorchVision package): eval forward and
/// one SGD training step, on the same batch and the same weights, the two models taking turns (A, B, A, B, …) so that a
/// machine's drift during the run falls on both alike. Each round's generated/port ratio is paired; the table gives the
/// median time and the spread (25th–75th percentile) of each, and the median of the paired ratios.
/// </summary>
internal static class ZooBenchmark
{
    private static readonly (string Name, Func<nn.Module<Tensor, Tensor>> Generated, Func<nn.Module<Tensor, Tensor>> Port)[] Pairs =
    {
        ("ResNet18", () => new ResNet18(), () => torchvision.models.resnet18()),
        ("ResNet50", () => new ResNet50(), () => torchvision.models.resnet50()),
        ("MobileNetV2", () => new MobileNetV2Width100(), () => torchvision.models.mobilenet_v2()),
        ("GoogLeNet", () => new GoogLeNet(), () => torchvision.models.googlenet(transform_input: false)),
    };

    /// <summary>The models this benchmark knows.</summary>
    public static IReadOnlyList<string> Names { get; } = Pairs.Select(p => p.Name).ToArray();

    public static int Run(ZooBenchmarkSettings settings)
    {
        torch.set_num_threads(settings.Threads);
        Console.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores, torch threads: {torch.get_num_threads()}, " +
            $"batch {settings.Batch} × 3 × 224 × 224, {settings.Warmup} warm-up + {settings.Repeats} measured rounds per model and step, load average {TimingStatistics.LoadAverage()}");
        var table = new Table("model", "eval: generated (ms)", "eval: port (ms)", "eval ratio", "training step: generated (ms)", "training step: port (ms)", "training ratio");
        var times = new Table("model", "step", "round", "generated (ms)", "port (ms)");
        foreach (var (name, createGenerated, createPort) in Pairs.Where(p => settings.Models.Contains(p.Name)))
        {
            random.manual_seed(1);
            using var generated = createGenerated();
            using var port = createPort();
            CopyWeights(generated, port);
            using var input = randn(new long[] { settings.Batch, 3, 224, 224 });
            using var labels = randint(0, 1000, new long[] { settings.Batch });

            generated.eval();
            port.eval();
            var eval = Interleave(() => EvalForward(generated, input), () => EvalForward(port, input), settings);

            generated.train();
            port.train();
            using var generatedOptimizer = optim.SGD(generated.parameters(), 0.01);
            using var portOptimizer = optim.SGD(port.parameters(), 0.01);
            var training = Interleave(() => TrainingStep(generated, generatedOptimizer, input, labels), () => TrainingStep(port, portOptimizer, input, labels), settings);

            table.Add(name, TimingStatistics.Spread(eval.Generated), TimingStatistics.Spread(eval.Port), TimingStatistics.Ratio(eval.Generated, eval.Port), TimingStatistics.Spread(training.Generated), TimingStatistics.Spread(training.Port), TimingStatistics.Ratio(training.Generated, training.Port));
            foreach (var (step, rounds) in new[] { ("eval", eval), ("training", training) })
            {
                for (var i = 0; i < rounds.Generated.Count; i++)
                {
                    times.Add(name, step, (i + 1).ToString(CultureInfo.InvariantCulture), TimingStatistics.Milliseconds(rounds.Generated[i]), TimingStatistics.Milliseconds(rounds.Port[i]));
                }
            }
            Console.WriteLine($"{name}: eval {TimingStatistics.Spread(eval.Generated)} vs {TimingStatistics.Spread(eval.Port)} ms, training step {TimingStatistics.Spread(training.Generated)} vs {TimingStatistics.Spread(training.Port)} ms");
        }
        Console.WriteLine($"load average {TimingStatistics.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine(table.ToMarkdown());
        Directory.CreateDirectory(Path.Combine("artifacts", "benchmarks"));
        File.WriteAllText(Path.Combine("artifacts", "benchmarks", "zoo.csv"), table.ToCsv());
        File.WriteAllText(Path.Combine("artifacts", "benchmarks", "zoo-times.csv"), times.ToCsv());
        return 0;
    }

    /// <summary>Gives the port the generated model's tensors by key, after checking that both have the same keys and shapes.</summary>
    private static void CopyWeights(nn.Module generated, nn.Module port)
    {
        var source = Weights.StateDict(generated).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var target = port.state_dict();
        var missing = target.Keys.Except(source.Keys).ToList();
        var unexpected = source.Keys.Except(target.Keys).ToList();
        var reshaped = source.Keys.Intersect(target.Keys).Where(k => !source[k].shape.SequenceEqual(target[k].shape)).ToList();
        if (missing.Count + unexpected.Count + reshaped.Count > 0)
        {
            throw new InvalidOperationException($"{generated.GetName()} and {port.GetName()} do not have the same tensors: " +
                $"not generated: {string.Join(", ", missing.Take(5))}; not in the port: {string.Join(", ", unexpected.Take(5))}; other shape: {string.Join(", ", reshaped.Take(5))}.");
        }
        port.load_state_dict(source, strict: true);
    }

    /// <summary>Runs the warm-up rounds, then the measured ones, each round <paramref name="a"/> then <paramref name="b"/>.</summary>
    private static (List<double> Generated, List<double> Port) Interleave(Func<double> a, Func<double> b, ZooBenchmarkSettings settings)
    {
        var first = new List<double>();
        var second = new List<double>();
        for (var round = 0; round < settings.Warmup + settings.Repeats; round++)
        {
            var timeA = a();
            var timeB = b();
            if (round >= settings.Warmup)
            {
                first.Add(timeA);
                second.Add(timeB);
            }
        }
        return (first, second);
    }

    /// <summary>Seconds for one eval forward, freeing its tensors included.</summary>
    private static double EvalForward(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var clock = Stopwatch.StartNew();
        using (NewDisposeScope())
        using (no_grad())
        {
            model.forward(input);
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds for one SGD step on cross-entropy: the loop a TorchSharp user writes, as in <see cref="TrainingBenchmark"/>.</summary>
    private static double TrainingStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor input, Tensor labels)
    {
        var clock = Stopwatch.StartNew();
        using (NewDisposeScope())
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(input), labels);
            loss.backward();
            optimizer.step();
            loss.item<float>();
        }
        return clock.Elapsed.TotalSeconds;
    }
}
