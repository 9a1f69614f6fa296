using System;
using System.Diagnostics;
using System.IO;
using NetDsl.Data;
using NetDsl.Samples.Models;
using NetDsl.Training;
using static TorchSharp.torch;

/// <summary>One epoch of each graph sample on the shipped MNIST (data/mnist), with its test accuracy and time.</summary>
internal static class GraphSmokeRun
{
    public static int Run(int trainCount)
    {
        var folder = Path.Combine("data", "mnist");
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"no {folder} here: run from the repository root");
            return 2;
        }
        using var splits = DataSplits.LoadStandard(folder, "mnist");
        var (train, _, test) = splits.With(ImageTransforms.ScaleToUnit);
        using var subset = train.Slice(0, Math.Min(trainCount, train.Count));
        Console.WriteLine($"one epoch on {subset.Count:N0} training digits, Adam 0.002, batch 32; test on {test.Count:N0}");
        Console.WriteLine($"{"network",-16} {"trainable",10} {"train loss",10} {"test acc",9} {"seconds",8}");
        foreach (var (name, create) in new (string, Func<nn.Module<Tensor, Tensor>>)[]
        {
            ("SmallResNet", () => new SmallResNet()),
            ("SmallInception", () => new SmallInception()),
            ("SmallUNet", () => new SmallUNet()),
            ("SmallSEResNet", () => new SmallSEResNet()),
        })
        {
            random.manual_seed(5);
            using var model = create();
            using var run = new TrainingRun(name, model, OptimizerSpec.Adam(0.002));
            var stopwatch = Stopwatch.StartNew();
            var history = Trainer.Fit(run, subset, null, new TrainingOptions
            {
                Epochs = 1, BatchSize = 32, EvaluationBatchSize = 500, Seed = 7, Progress = ProgressMode.None, Output = TextWriter.Null,
            });
            var evaluation = Trainer.Evaluate(model, test);
            long parameters = 0;
            foreach (var p in model.parameters())
            {
                parameters += p.numel();
            }
            Console.WriteLine($"{name,-16} {parameters,10:N0} {history.Last.TrainLoss,10:F3} {evaluation.Accuracy,9:P2} {stopwatch.Elapsed.TotalSeconds,8:F0}");
        }
        return 0;
    }
}
