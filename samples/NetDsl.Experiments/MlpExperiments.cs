using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Reporting;
using NetDsl.Samples.Models;
using NetDsl.Training;
using TorchSharp;
using static NetDsl.Experiments.Models;

namespace NetDsl.Experiments;

/// <summary>Seed E: BatchNorm on MNIST with small MLPs.</summary>
internal static class MlpExperiments
{
    private static readonly double[] SeedE1ValidationBn = { 94.60, 96.22, 96.28, 96.80, 96.62, 97.12, 97.24, 97.20, 97.24, 97.20 };
    private static readonly double[] SeedE1ValidationPlain = { 93.52, 94.68, 94.72, 95.24, 95.24, 95.34, 95.12, 95.82, 95.38, 94.26 };

    private static readonly Func<torch.Tensor, torch.Tensor> Pixels = ImageTransforms.Compose(ImageTransforms.ScaleToUnit, ImageTransforms.Flatten);

    /// <summary>E1: 784 → [Dense 32 → BN → ReLU] × 2 → Dense 10 against the same without BN, side by side, Adam 0.01, batch 32.</summary>
    public static void E1(Settings settings)
    {
        var epochs = settings.Epochs ?? (settings.Smoke ? 2 : 10);
        var samples = settings.TrainSamples ?? (settings.Smoke ? 500 : (int?)null);
        var lr = settings.LearningRate ?? 0.01;
        var batch = settings.BatchSize ?? 32;
        var device = settings.Device();
        using var data = ExperimentData.Load(settings, ExperimentData.StandardMnist, samples, Pixels, "28×28 pixels scaled to [0, 1], flattened to 784");
        var report = new Report(settings.Output, "e1", "E1 — BatchNorm vs no BatchNorm, MLP on MNIST");
        report.Line($"Data: {data.Description}. Adam(lr {lr}), batch {batch}, {epochs} epochs, Glorot-uniform init, seed {settings.Seed}; both models take the same batches. " +
            "Training loss/accuracy: the whole training set evaluated in eval mode after each epoch, as the seed does.");
        report.Line();

        using var bn = Create(() => new MnistMlpBatchNorm(device), settings.Seed);
        using var plain = Create(() => new MnistMlp(device), settings.Seed);
        using var bnRun = new TrainingRun("BN", bn, OptimizerSpec.Adam(lr));
        using var plainRun = new TrainingRun("no BN", plain, OptimizerSpec.Adam(lr));
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = settings.Seed, EvaluateTrainingSet = true, Progress = settings.Progress, Device = device };
        var histories = Trainer.Fit(new[] { bnRun, plainRun }, data.Train, data.Validation, options);

        var testBn = Trainer.Evaluate(bn, data.Test);
        var testPlain = Trainer.Evaluate(plain, data.Test);
        report.Line($"Test set ({data.Test.Count:N0} samples) after {epochs} epochs, beside the seed (full MNIST: 55k train, 10k test, 10 epochs):");
        report.Line();
        var test = new Table("model", "test loss", "test acc", "seed test loss", "seed test acc");
        test.Add("BN", F(testBn.Loss), P(testBn.Accuracy), "0.1055", "97.13%");
        test.Add("no BN", F(testPlain.Loss), P(testPlain.Accuracy), "0.2367", "94.49%");
        report.Table("test", test);

        report.Line("Validation accuracy per epoch, beside the seed's:");
        report.Line();
        var perEpoch = new Table("epoch", "BN", "no BN", "seed BN", "seed no BN");
        for (var e = 0; e < epochs; e++)
        {
            perEpoch.Add(I(e + 1), P(histories[0].Epochs[e].ValidationAccuracy), P(histories[1].Epochs[e].ValidationAccuracy),
                e < SeedE1ValidationBn.Length ? SeedE1ValidationBn[e].ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—",
                e < SeedE1ValidationPlain.Length ? SeedE1ValidationPlain[e].ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—");
        }
        report.Table("validation-accuracy", perEpoch);

        var bnBest = histories[0].Epochs.Max(e => e.ValidationAccuracy ?? 0);
        var plainBest = histories[1].Epochs.Max(e => e.ValidationAccuracy ?? 0);
        // The same comparison with other seeds (weights, shuffling): is the difference the seed's or this seed's?
        var repeats = settings.Repeats ?? 1;
        var seeds = new Table("seed", "BN test acc", "no BN test acc", "difference (points)");
        var differences = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var seed = settings.Seed + r;
            double bnAccuracy, plainAccuracy;
            if (r == 0)
            {
                (bnAccuracy, plainAccuracy) = (testBn.Accuracy, testPlain.Accuracy);
            }
            else
            {
                using var bnAgain = Create(() => new MnistMlpBatchNorm(device), seed);
                using var plainAgain = Create(() => new MnistMlp(device), seed);
                using var bnAgainRun = new TrainingRun("BN", bnAgain, OptimizerSpec.Adam(lr));
                using var plainAgainRun = new TrainingRun("no BN", plainAgain, OptimizerSpec.Adam(lr));
                Trainer.Fit(new[] { bnAgainRun, plainAgainRun }, data.Train, data.Validation, options with { Seed = seed, Progress = ProgressMode.None, EvaluateTrainingSet = false });
                (bnAccuracy, plainAccuracy) = (Trainer.Evaluate(bnAgain, data.Test).Accuracy, Trainer.Evaluate(plainAgain, data.Test).Accuracy);
            }
            differences.Add((bnAccuracy - plainAccuracy) * 100);
            seeds.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture), P(bnAccuracy), P(plainAccuracy), F(differences[^1], 2));
        }
        if (repeats > 1)
        {
            report.Line($"Test accuracy with {repeats} seeds (weights and shuffling), same data:");
            report.Line();
            report.Table("seeds", seeds);
        }
        var mean = differences.Average();
        var sd = differences.Count > 1 ? Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1)) : 0;
        report.Line($"Finding: BN {(testBn.Accuracy > testPlain.Accuracy ? "beats" : "does not beat")} no BN on the test set with seed {settings.Seed} " +
            $"({P(testBn.Accuracy)} vs {P(testPlain.Accuracy)}: {CompareText(testBn.Accuracy, testPlain.Accuracy, data.Test.Count)}; seed write-up: +2.64); " +
            (repeats > 1 ? $"over {repeats} seeds BN leads by {F(mean, 2)} ± {F(sd, 2)} points (mean ± sd) and wins {differences.Count(d => d > 0)} of {repeats}; " : "") +
            $"best validation accuracy {P(bnBest)} vs {P(plainBest)}.");
        report.Line();

        // The seed's four plots: train loss, train acc, valid loss, valid acc, both models on each.
        Plot(report, "train-loss", "E1: training loss (whole training set, eval mode)", "loss", histories, e => e.TrainEvalLoss);
        Plot(report, "train-accuracy", "E1: training accuracy (whole training set, eval mode)", "accuracy", histories, e => e.TrainEvalAccuracy);
        Plot(report, "validation-loss", "E1: validation loss", "loss", histories, e => e.ValidationLoss);
        Plot(report, "validation-accuracy", "E1: validation accuracy", "accuracy", histories, e => e.ValidationAccuracy);
        report.Histories(histories);
        report.Save();
    }

    /// <summary>E2: [Dense 256 → ReLU → Dropout 0.5] × 2 vs [Dense 256 → BN → ReLU → Dropout 0.5] × 2, Adam 0.001, batch 128, checkpoint at the end.</summary>
    public static void E2(Settings settings)
    {
        var epochs = settings.Epochs ?? (settings.Smoke ? 1 : 10);
        var samples = settings.TrainSamples ?? (settings.Smoke ? 500 : (int?)null);
        var lr = settings.LearningRate ?? 0.001;
        var batch = settings.BatchSize ?? 128;
        var device = settings.Device();
        using var data = ExperimentData.Load(settings, ExperimentData.StandardMnist, samples, Pixels, "28×28 pixels scaled to [0, 1], flattened to 784");
        var logEvery = settings.Smoke ? 2 : 20;
        var report = new Report(settings.Output, "e2", "E2 — Dropout MLP vs BatchNorm + Dropout MLP on MNIST");
        report.Line($"Data: {data.Description}. Adam(lr {lr}), batch {batch}, {epochs} epochs, Glorot-uniform init, seed {settings.Seed}; " +
            $"both models take the same batches; every {logEvery} steps the running training loss/accuracy and the test accuracy are logged (steps.csv).");
        report.Line();

        using var dropout = Create(() => new MnistDropoutMlp(device), settings.Seed);
        using var batchNorm = Create(() => new MnistBatchNormMlp(device), settings.Seed);
        var steps = new Table("run", "step", "train loss (running)", "train acc (running)", "test acc");
        var stepSeries = new Dictionary<string, (List<double> X, List<double> Y)>();
        Callback StepLog() => new StepLogger(data.Test, steps, stepSeries, every: logEvery);
        using var dropoutRun = new TrainingRun("Dropout", dropout, OptimizerSpec.Adam(lr), StepLog());
        using var bnRun = new TrainingRun("BN + Dropout", batchNorm, OptimizerSpec.Adam(lr), StepLog());
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = settings.Seed, Progress = settings.Progress, Device = device };
        var histories = Trainer.Fit(new[] { dropoutRun, bnRun }, data.Train, data.Validation, options);

        var testAccuracy = new double[2];
        var reloadsMatch = true;
        var table = new Table("model", "train loss", "train acc", "val loss", "val acc", "test loss", "test acc", "checkpoint reload test acc");
        foreach (var (run, create) in new (TrainingRun, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>>)[]
                 { (dropoutRun, () => new MnistDropoutMlp(device)), (bnRun, () => new MnistBatchNormMlp(device)) })
        {
            // The checkpoint the seed saves at the end, then loaded into a fresh model to show it restores the trained network.
            var directory = Path.Combine(report.Directory, "checkpoints", Slug(run.Name));
            Checkpoint.Save(run, directory);
            using var reloaded = create();
            Checkpoint.LoadWeights(reloaded, Path.Combine(directory, Checkpoint.WeightsFile));
            var test = Trainer.Evaluate(run.Model, data.Test);
            testAccuracy[run == dropoutRun ? 0 : 1] = test.Accuracy;
            var reloadedTest = Trainer.Evaluate(reloaded, data.Test);
            reloadsMatch &= reloadedTest.Accuracy == test.Accuracy;
            var last = run.History.Last;
            table.Add(run.Name, F(last.TrainLoss), P(last.TrainAccuracy), F(last.ValidationLoss ?? double.NaN), P(last.ValidationAccuracy),
                F(test.Loss), P(test.Accuracy), P(reloadedTest.Accuracy));
            report.Line($"checkpoint: {directory}");
        }
        report.Line();
        report.Line($"After {epochs} epochs (train = running mean during the last epoch, Dropout active; the seed reports no final numbers for E2):");
        report.Line();
        report.Table("results", table);
        report.Line($"Finding: BN + Dropout {(testAccuracy[1] > testAccuracy[0] ? "beats" : "does not beat")} Dropout alone on the test set " +
            $"({P(testAccuracy[1])} vs {P(testAccuracy[0])}: {CompareText(testAccuracy[1], testAccuracy[0], data.Test.Count)}); " +
            (reloadsMatch ? "each checkpoint reloads into a fresh model with the same test accuracy." : "A RELOADED CHECKPOINT GIVES ANOTHER TEST ACCURACY."));
        report.Line();
        File.WriteAllText(Path.Combine(report.Directory, "steps.csv"), steps.ToCsv());
        var plotPath = Path.Combine(report.Directory, "test-accuracy-by-step.png");
        Plots.Lines(plotPath, "E2: test accuracy by step", "step", "test accuracy",
            stepSeries.Select((s, i) => new Series(s.Key, s.Value.X.ToArray(), s.Value.Y.ToArray(), i)), legendAtBottom: true);
        report.Plot(plotPath);
        foreach (var p in Plots.TrainingCurves(report.Directory, "curves", "E2", histories))
        {
            report.Plot(p);
        }
        report.Histories(histories);
        report.Save();
    }

    private static void Plot(Report report, string name, string title, string yLabel, IReadOnlyList<History> histories, Func<EpochRecord, double?> value)
    {
        var path = Path.Combine(report.Directory, name + ".png");
        Plots.Lines(path, title, "epoch", yLabel, histories.Select((h, i) =>
            new Series(h.Name, h.Epochs.Select(e => (double)e.Epoch).ToArray(), h.Epochs.Select(e => value(e) ?? double.NaN).ToArray(), i)),
            legendAtBottom: yLabel == "accuracy");
        report.Plot(path);
    }

    /// <summary>E2's per-step log: running training loss/accuracy and the test accuracy every few steps.</summary>
    private sealed class StepLogger : Callback
    {
        private readonly Dataset test;
        private readonly Table table;
        private readonly Dictionary<string, (List<double> X, List<double> Y)> series;
        private readonly int every;
        private int step;
        private double lossSum;
        private long correct;
        private long seen;

        public StepLogger(Dataset test, Table table, Dictionary<string, (List<double>, List<double>)> series, int every)
        {
            this.test = test;
            this.table = table;
            this.series = series;
            this.every = every;
        }

        public override void OnEpochBegin(TrainingContext context, int epoch) => (lossSum, correct, seen) = (0, 0, 0);

        public override void OnBatchEnd(TrainingContext context, BatchResult batch)
        {
            step++;
            lossSum += batch.Loss * batch.Size;
            correct += batch.Correct;
            seen += batch.Size;
            if (step % every != 0)
            {
                return;
            }
            var accuracy = Trainer.Evaluate(context.Model, test).Accuracy;
            table.Add(context.Run.Name, I(step), F(lossSum / seen), F((double)correct / seen), F(accuracy));
            if (!series.TryGetValue(context.Run.Name, out var s))
            {
                series[context.Run.Name] = s = (new List<double>(), new List<double>());
            }
            s.X.Add(step);
            s.Y.Add(accuracy);
        }
    }
}
