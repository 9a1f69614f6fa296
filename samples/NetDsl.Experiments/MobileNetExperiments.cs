using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Reporting;
using NetDsl.Samples.Models;
using NetDsl.Training;
using TorchSharp;
using static NetDsl.Experiments.Models;
using static TorchSharp.torch;

namespace NetDsl.Experiments;

/// <summary>Seeds B, C and D: MobileNetV2 (seed A) trained with SGD on real images resized and repeated to 3 channels.</summary>
internal static class MobileNetExperiments
{
    /// <summary>The convolution whose kernel C watches: the stem, followed by BN in every BN variant.</summary>
    public const string WatchedKernel = "features.stem_conv";

    private sealed record Config(int ImageSize, int Epochs, int? TrainSamples, int BatchSize, double LearningRate, double Momentum, string Dataset, Device Device, ExperimentData Data)
    {
        public string Describe(long seed) =>
            $"Data: {Data.Description}. MobileNetV2 (seed A, 10 classes) at {ImageSize}×{ImageSize}×3, SGD(lr {LearningRate.ToString(CultureInfo.InvariantCulture)}), " +
            $"batch {BatchSize}, {Epochs} epochs, BatchNorm momentum {Momentum.ToString(CultureInfo.InvariantCulture)} (Keras' meaning), Glorot-uniform init, seed {seed}; all runs take the same batches.";

        /// <summary>Images per evaluation pass: at 224×224 the first expansion alone holds 4.8 MB of activations per image.</summary>
        public int EvaluationBatchSize => ImageSize == 32 ? 250 : 16;

        public nn.Module<Tensor, Tensor> Build(Func<Device, nn.Module<Tensor, Tensor>> at32, Func<Device, nn.Module<Tensor, Tensor>> at224, long seed)
        {
            var model = Create(() => ImageSize == 32 ? at32(Device) : at224(Device), seed);
            BatchNormLayers.SetMomentum(model, Momentum);
            return model;
        }
    }

    private static Config Configure(Settings s, int defaultEpochs, int fullEpochs)
    {
        var size = s.ImageSize ?? (s.Full ? 224 : 32);
        var epochs = s.Epochs ?? (s.Smoke ? 1 : s.Full ? fullEpochs : defaultEpochs);
        var samples = s.TrainSamples ?? (s.Smoke ? 64 : s.Full ? null : 3000);
        var dataset = s.Dataset ?? "fashion";
        var device = s.Device();
        var transform = ImageTransforms.Compose(ImageTransforms.ScaleToUnit, ImageTransforms.Resize(size, size), ImageTransforms.RepeatChannels(3));
        var data = ExperimentData.Load(s, dataset, samples, transform, $"28×28 scaled to [0, 1], resized (bilinear) to {size}×{size}, repeated to 3 channels");
        // Keras' 0.99 averages the running statistics over ~100 steps; a 3,000-sample epoch is 94 steps, and measured at the
        // defaults it leaves eval-mode validation accuracy at chance (9.3%) after 2 epochs where 0.9 gives 73.6% (docs/experiments.md).
        var momentum = s.BatchNormMomentum ?? (s.Full ? 0.99 : 0.9);
        return new Config(size, epochs, samples, s.BatchSize ?? 32, s.LearningRate ?? 0.05, momentum, dataset, device, data);
    }

    /// <summary>B: no regularizer vs L1(0.001) vs L2(0.001), the regularization loss recorded every epoch.</summary>
    public static void B(Settings settings)
    {
        var config = Configure(settings, defaultEpochs: 6, fullEpochs: 10);
        using var data = config.Data;
        var report = new Report(settings.Output, "b", "B — MobileNetV2: no regularizer vs L1(0.001) vs L2(0.001)");
        report.Line(config.Describe(settings.Seed) + " L1: every convolution kernel; L2: every convolution kernel and the Dense (as the seed).");
        report.Line();
        var runs = new (string Name, Func<Device, nn.Module<Tensor, Tensor>> At32, Func<Device, nn.Module<Tensor, Tensor>> At224)[]
        {
            ("none", d => new MobileNetV2At32(d), d => new MobileNetV2(d)),
            ("L1(0.001)", d => new MobileNetV2L1At32(d), d => new MobileNetV2L1(d)),
            ("L2(0.001)", d => new MobileNetV2L2At32(d), d => new MobileNetV2L2(d)),
        };
        var recorders = runs.Select(_ => new RegularizationLossRecorder()).ToArray();
        var trainingRuns = runs.Select((r, i) => new TrainingRun(r.Name, config.Build(r.At32, r.At224, settings.Seed),
            OptimizerSpec.Sgd(config.LearningRate), recorders[i])).ToArray();
        try
        {
            var histories = Train(trainingRuns, config, settings, report);
            var table = new Table("run", "train loss", "train acc", "val loss", "val acc", "test acc", "|w| < 1e-3 in conv kernels", "reg loss per epoch");
            for (var i = 0; i < trainingRuns.Length; i++)
            {
                var last = histories[i].Last;
                var test = Trainer.Evaluate(trainingRuns[i].Model, data.Test, config.EvaluationBatchSize);
                table.Add(runs[i].Name, F(last.TrainLoss), F(last.TrainAccuracy), F(last.ValidationLoss ?? double.NaN), F(last.ValidationAccuracy ?? double.NaN),
                    F(test.Accuracy), P(NearZeroFraction(trainingRuns[i].Model)),
                    i == 0 ? "—" : string.Join(", ", recorders[i].Values.Select(v => F(v, 3))));
            }
            table.Add("seed none (10 epochs, 224×224, unnamed data)", "0.2075", "0.9257", "0.6781", "0.8164", "—", "—", "—");
            table.Add("seed L1(0.001)", "1.7935", "0.4739", "2.2774", "0.3328", "—", "—", "1.124, 0.584, 0.473, 0.393, 0.377, 0.374, 0.363, 0.356, 0.348, 0.346");
            table.Add("seed L2(0.001)", "1.0696", "0.8059", "1.8243", "0.5945", "—", "—", "2.958, 1.794, 1.174, 0.849, 0.678, 0.592, 0.546, 0.522, 0.512, 0.504");
            report.Line($"After {config.Epochs} epochs (losses include the regularization loss, as Keras reports them; train = running mean over the last epoch):");
            report.Line();
            report.Table("results", table);
            var acc = histories.Select(h => h.Last.ValidationAccuracy ?? 0).ToArray();
            var n = data.Validation.Count;
            var l1Cost = Compare(acc[0], acc[1], n);
            var l2Cost = Compare(acc[0], acc[2], n);
            report.Line($"Finding: validation accuracy none {P(acc[0])}, L1 {P(acc[1])}, L2 {P(acc[2])}. " +
                $"L1 vs none: {CompareText(acc[1], acc[0], n)}; L2 vs none: {CompareText(acc[2], acc[0], n)}. " +
                (l1Cost.Significant && l1Cost.Points > 0 && acc[1] < acc[2] ? "L1 costs accuracy and hurts most, as in the seed" : "L1 does not clearly hurt most here, unlike the seed") + "; " +
                (l2Cost.Significant && l2Cost.Points > 0 ? "L2 also costs accuracy, as in the seed." : "L2 costs no accuracy beyond noise here, unlike the seed (its L2 lost 22 points)."));
            report.Line();
            var regPath = Path.Combine(report.Directory, "regularization-loss.png");
            Plots.Lines(regPath, "B: regularization loss at the end of each epoch", "epoch", "regularization loss",
                Enumerable.Range(1, 2).Select(i => new Series(runs[i].Name, Enumerable.Range(1, recorders[i].Values.Count).Select(e => (double)e).ToArray(), recorders[i].Values.ToArray(), i)));
            report.Plot(regPath);
            foreach (var p in Plots.TrainingCurves(report.Directory, "curves", "B", histories))
            {
                report.Plot(p);
            }
            report.Histories(histories);
            report.Save();
        }
        finally
        {
            Dispose(trainingRuns);
        }
    }

    /// <summary>C: BN only vs L2 only (BN removed) vs BN + L2: the watched kernel's first values and norm every epoch.</summary>
    public static void C(Settings settings)
    {
        var config = Configure(settings, defaultEpochs: 6, fullEpochs: 10);
        using var data = config.Data;
        var report = new Report(settings.Output, "c", "C — MobileNetV2: BatchNorm only vs L2 only vs BatchNorm + L2, what happens to the weights");
        report.Line(config.Describe(settings.Seed) + $" Watched kernel: `{WatchedKernel}` (3×3×3→32, followed by BN where there is BN); its first 10 values are printed every epoch.");
        report.Line();
        var runs = new (string Name, Func<Device, nn.Module<Tensor, Tensor>> At32, Func<Device, nn.Module<Tensor, Tensor>> At224)[]
        {
            ("BN only", d => new MobileNetV2At32(d), d => new MobileNetV2(d)),
            ("L2 only", d => new MobileNetV2L2NoBatchNormAt32(d), d => new MobileNetV2L2NoBatchNorm(d)),
            ("BN + L2", d => new MobileNetV2L2At32(d), d => new MobileNetV2L2(d)),
        };
        var watchers = runs.Select(_ => new KernelWatcher(WatchedKernel, 10, print: settings.Progress != ProgressMode.None)).ToArray();
        var trainingRuns = runs.Select((r, i) => new TrainingRun(r.Name, config.Build(r.At32, r.At224, settings.Seed),
            OptimizerSpec.Sgd(config.LearningRate), watchers[i])).ToArray();
        try
        {
            var histories = Train(trainingRuns, config, settings, report, watchers);
            var table = new Table("run", "kernel[0] first → last", "mean |w| first → last", "‖w‖₂ first → last", "mean |w| last ÷ first", "val acc", "seed");
            var seedText = new[] { "values grow (e.g. −0.12 → −0.43)", "values shrink ~16× (e.g. 0.135 → 0.008)", "values stay ~0.1 and keep moving" };
            for (var i = 0; i < runs.Length; i++)
            {
                var first = watchers[i].Snapshots[0];
                var last = watchers[i].Snapshots[^1];
                table.Add(runs[i].Name, $"{F(first.Values[0])} → {F(last.Values[0])}", $"{F(first.MeanAbs)} → {F(last.MeanAbs)}", $"{F(first.Norm)} → {F(last.Norm)}",
                    F(last.MeanAbs / first.MeanAbs, 3) + "×", P(histories[i].Last.ValidationAccuracy), seedText[i]);
            }
            report.Line($"The watched kernel from initialization (epoch 0) to epoch {config.Epochs}:");
            report.Line();
            report.Table("kernel-summary", table);

            var values = new Table("epoch", "run", "first 10 values", "mean |w|", "‖w‖₂");
            for (var i = 0; i < runs.Length; i++)
            {
                foreach (var s in watchers[i].Snapshots)
                {
                    values.Add(I(s.Epoch), runs[i].Name, string.Join(" ", s.Values.Select(v => F(v, 3))), F(s.MeanAbs), F(s.Norm));
                }
            }
            report.Table("kernel-values", values);

            // L2's pull alone multiplies a weight by (1 − 2·lr·λ) per step; compare with what was measured.
            var steps = (config.Data.Train.Count + config.BatchSize - 1) / config.BatchSize * config.Epochs;
            var decayOnly = Math.Pow(1 - 2 * config.LearningRate * 0.001, steps);
            var l2 = watchers[1].Snapshots;
            var bnOnly = watchers[0].Snapshots;
            var bnL2 = watchers[2].Snapshots;
            var l2Trains = (histories[1].Last.ValidationAccuracy ?? 0) > 0.2;
            report.Line($"Finding: L2 only multiplies the kernel's mean |w| by {F(l2[^1].MeanAbs / l2[0].MeanAbs)} in {steps} steps; L2's pull alone predicts " +
                $"(1 − 2·{config.LearningRate.ToString(CultureInfo.InvariantCulture)}·0.001)^{steps} = {F(decayOnly)}" +
                (l2Trains ? "." : $", and without BN this network does not train (validation accuracy {P(histories[1].Last.ValidationAccuracy)}), so L2 is the only force on the kernel. ") +
                $"The seed's ~16× would take {Math.Log(16) / (2 * config.LearningRate * 0.001):N0} such steps. " +
                $"With BN the kernel's scale is free: BN only takes its norm from {F(bnOnly[0].Norm, 2)} to {F(bnOnly[1].Norm, 2)} in the first epoch, then {F(bnOnly[^1].Norm, 2)} at the end; " +
                $"BN + L2 goes from {F(bnL2[0].Norm, 2)} to {F(bnL2[1].Norm, 2)}, then L2 shrinks it to {F(bnL2[^1].Norm, 2)} ({F((1 - bnL2[^1].Norm / bnL2[1].Norm) * 100, 1)}% after epoch 1) " +
                $"while its values keep moving, and validation accuracy is {P(histories[2].Last.ValidationAccuracy)} vs {P(histories[0].Last.ValidationAccuracy)} for BN only " +
                $"({CompareText(histories[2].Last.ValidationAccuracy ?? 0, histories[0].Last.ValidationAccuracy ?? 0, data.Validation.Count)}). " +
                (l2[^1].MeanAbs / l2[0].MeanAbs < bnL2[^1].MeanAbs / bnL2[0].MeanAbs ? "L2 without BN shrinks the weights; with BN it does not bring them below their scale, as the seed reports." : "L2 without BN does not shrink the weights more than with BN here, unlike the seed."));
            report.Line();
            var normPath = Path.Combine(report.Directory, "kernel-norm.png");
            Plots.Lines(normPath, $"C: ‖w‖₂ of {WatchedKernel} per epoch", "epoch", "L2 norm of the kernel",
                watchers.Select((w, i) => new Series(runs[i].Name, w.Snapshots.Select(s => (double)s.Epoch).ToArray(), w.Snapshots.Select(s => s.Norm).ToArray(), i)));
            report.Plot(normPath);
            var meanPath = Path.Combine(report.Directory, "kernel-mean-abs.png");
            Plots.Lines(meanPath, $"C: mean |w| of {WatchedKernel} per epoch", "epoch", "mean |w|",
                watchers.Select((w, i) => new Series(runs[i].Name, w.Snapshots.Select(s => (double)s.Epoch).ToArray(), w.Snapshots.Select(s => s.MeanAbs).ToArray(), i)));
            report.Plot(meanPath);
            foreach (var p in Plots.TrainingCurves(report.Directory, "curves", "C", histories))
            {
                report.Plot(p);
            }
            report.Histories(histories);
            report.Save();
        }
        finally
        {
            Dispose(trainingRuns);
        }
    }

    /// <summary>D: Layer → BN → Act vs Layer → Act → BN; the best epoch by validation accuracy.</summary>
    public static void D(Settings settings)
    {
        var config = Configure(settings, defaultEpochs: 8, fullEpochs: 100);
        using var data = config.Data;
        var report = new Report(settings.Output, "d", "D — MobileNetV2: BatchNorm before vs after the activation");
        report.Line(config.Describe(settings.Seed) + " 'after': Layer → Activation → BN wherever the base has Layer → BN → Activation; projections keep Conv → BN.");
        report.Line();
        var runs = new (string Name, Func<Device, nn.Module<Tensor, Tensor>> At32, Func<Device, nn.Module<Tensor, Tensor>> At224)[]
        {
            ("BN before activation", d => new MobileNetV2At32(d), d => new MobileNetV2(d)),
            ("BN after activation", d => new MobileNetV2BatchNormAfterAt32(d), d => new MobileNetV2BatchNormAfter(d)),
        };
        var trainingRuns = runs.Select(r => new TrainingRun(r.Name, config.Build(r.At32, r.At224, settings.Seed),
            OptimizerSpec.Sgd(config.LearningRate))).ToArray();
        try
        {
            var histories = Train(trainingRuns, config, settings, report);
            var table = new Table("run", "best epoch", "train acc", "val loss", "val acc", "test acc (final weights)");
            for (var i = 0; i < runs.Length; i++)
            {
                var best = histories[i].BestByValidationAccuracy!;
                var test = Trainer.Evaluate(trainingRuns[i].Model, data.Test, config.EvaluationBatchSize);
                table.Add(runs[i].Name, $"{best.Epoch} of {config.Epochs}", F(best.TrainAccuracy), F(best.ValidationLoss ?? double.NaN), F(best.ValidationAccuracy ?? double.NaN), F(test.Accuracy));
            }
            table.Add("seed before (100 epochs, 224×224)", "51 of 100", "0.9942", "0.8054", "0.8281", "—");
            table.Add("seed after", "67 of 100", "1.0000", "1.0461", "0.8203", "—");
            report.Table("results", table);
            var before = histories[0].BestByValidationAccuracy!.ValidationAccuracy!.Value;
            var after = histories[1].BestByValidationAccuracy!.ValidationAccuracy!.Value;
            var (_, _, significant) = Compare(after, before, data.Validation.Count);
            var spread = histories.Select(h => h.Epochs.Skip(Math.Max(0, h.Epochs.Count - 4)).Select(e => e.ValidationAccuracy ?? 0).ToArray())
                .Select(v => (v.Max() - v.Min()) * 100).Max();
            report.Line($"Finding: best validation accuracy before {P(before)} vs after {P(after)} ({CompareText(after, before, data.Validation.Count)}; seed −0.78 points); " +
                $"validation accuracy moves by up to {F(spread, 1)} points between the last epochs of one run. " +
                (significant ? "The difference is beyond the noise: unlike the seed, the placement matters here." : "About the same, as the seed concludes."));
            report.Line();
            foreach (var p in Plots.TrainingCurves(report.Directory, "curves", "D", histories))
            {
                report.Plot(p);
            }
            report.Histories(histories);
            report.Save();
        }
        finally
        {
            Dispose(trainingRuns);
        }
    }

    /// <summary>
    /// Trains the runs side by side, saving each run's checkpoint (and the watched kernel's history) after every epoch
    /// under checkpoints/; with --resume, a run with a checkpoint there continues after its last saved epoch.
    /// </summary>
    private static IReadOnlyList<History> Train(TrainingRun[] runs, Config config, Settings settings, Report report, KernelWatcher[]? watchers = null)
    {
        for (var i = 0; i < runs.Length; i++)
        {
            var run = runs[i];
            var directory = Path.Combine(report.Directory, "checkpoints", Slug(run.Name));
            var kernels = Path.Combine(directory, "kernel.json");
            if (settings.Resume && File.Exists(Path.Combine(directory, Checkpoint.HistoryFile)))
            {
                Checkpoint.Resume(run, directory);
                if (watchers is not null && File.Exists(kernels))
                {
                    watchers[i].Load(kernels);
                }
                report.Line($"{run.Name}: resumed from {directory} after epoch {run.History.Epochs.Count}.");
                report.Line();
            }
            run.Callbacks.Add(new CheckpointEveryEpoch(directory));
            if (watchers is not null)
            {
                var watcher = watchers[i];
                run.Callbacks.Add(new LambdaCallback { EpochEnd = (_, _) => watcher.Save(kernels) });
            }
        }
        return Trainer.Fit(runs, config.Data.Train, config.Data.Validation, new TrainingOptions
        {
            Epochs = config.Epochs,
            BatchSize = config.BatchSize,
            EvaluationBatchSize = config.EvaluationBatchSize,
            Seed = settings.Seed,
            Progress = settings.Progress,
            Device = config.Device,
        });
    }

    /// <summary>The fraction of convolution kernel weights with |w| below 1e-3 (L1 drives weights to zero).</summary>
    private static double NearZeroFraction(nn.Module model)
    {
        using var scope = NewDisposeScope();
        long small = 0, total = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() == 4)
            {
                small += p.detach().abs().lt(1e-3).sum().item<long>();
                total += p.numel();
            }
        }
        return total == 0 ? 0 : (double)small / total;
    }

    private static void Dispose(IEnumerable<TrainingRun> runs)
    {
        foreach (var run in runs)
        {
            run.Dispose();
            run.Model.Dispose();
        }
    }
}
