using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Training;

/// <summary>A model being trained: its name, optimizer, callbacks and history.</summary>
public sealed class TrainingRun : IDisposable
{
    private optim.Optimizer? optimizer;

    /// <summary>Trains <paramref name="model"/> (any <c>Module&lt;Tensor, Tensor&gt;</c>) with <paramref name="optimizer"/>.</summary>
    public TrainingRun(string name, nn.Module<Tensor, Tensor> model, OptimizerSpec optimizer, params Callback[] callbacks)
    {
        Name = name;
        Model = model;
        OptimizerSpec = optimizer;
        Callbacks = callbacks.ToList();
        History = new History(name);
    }

    /// <summary>The run's name, used in tables, plots, checkpoints and progress lines.</summary>
    public string Name { get; }

    /// <summary>The model.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>How the optimizer is built.</summary>
    public OptimizerSpec OptimizerSpec { get; }

    /// <summary>The callbacks, called in this order.</summary>
    public List<Callback> Callbacks { get; }

    /// <summary>The epochs trained so far (restored by <see cref="Checkpoint.Resume"/>).</summary>
    public History History { get; internal set; }

    /// <summary>The optimizer, built from the model's parameters on first use (after the model is on its device).</summary>
    public optim.Optimizer Optimizer => optimizer ??= OptimizerSpec.Create(Model.parameters());

    internal bool HasOptimizer => optimizer is not null;

    /// <summary>Disposes the optimizer (the model belongs to the caller).</summary>
    public void Dispose() => optimizer?.Dispose();
}

/// <summary>Loss and accuracy of a model over a whole data set.</summary>
/// <param name="Loss">Cross-entropy plus regularization loss (Keras' reported loss).</param>
/// <param name="Accuracy">Fraction classified right.</param>
/// <param name="CrossEntropy">Mean cross-entropy alone.</param>
/// <param name="RegularizationLoss">The model's regularization loss.</param>
/// <param name="Count">Samples evaluated.</param>
public sealed record Evaluation(double Loss, double Accuracy, double CrossEntropy, double RegularizationLoss, int Count);

/// <summary>Trains and evaluates classifiers (cross-entropy from logits, integer labels) — one model or several side by side.</summary>
public static class Trainer
{
    /// <summary>Trains one run for the epochs its history lacks; returns its history.</summary>
    public static History Fit(TrainingRun run, Dataset train, Dataset? validation, TrainingOptions options) =>
        Fit(new[] { run }, train, validation, options)[0];

    /// <summary>
    /// Trains several runs side by side: every run takes the same batches in the same order, one step each per batch
    /// (seed E1). The shuffling of epoch e depends only on the seed and e, so a resumed run sees the same batches.
    /// </summary>
    public static IReadOnlyList<History> Fit(IReadOnlyList<TrainingRun> runs, Dataset train, Dataset? validation, TrainingOptions options)
    {
        if (runs.Count == 0)
        {
            throw new ArgumentException("Nothing to train: no runs were given.", nameof(runs));
        }
        if (runs.Select(r => r.Name).Distinct().Count() != runs.Count)
        {
            throw new ArgumentException("Runs trained side by side need distinct names.", nameof(runs));
        }
        var done = runs[0].History.Epochs.Count;
        if (runs.Any(r => r.History.Epochs.Count != done))
        {
            throw new ArgumentException("Runs trained side by side must have trained the same number of epochs: " +
                string.Join(", ", runs.Select(r => $"{r.Name} {r.History.Epochs.Count}")) + ".", nameof(runs));
        }
        if (options.BatchSize <= 0 || options.EvaluationBatchSize <= 0)
        {
            throw new ArgumentException("Batch sizes must be positive.", nameof(options));
        }
        if (train.Count == 0)
        {
            throw new ArgumentException($"The training set '{train.Name}' is empty.", nameof(train));
        }

        var device = options.Device ?? CPU;
        var output = options.Output ?? Console.Out;
        foreach (var run in runs)
        {
            if (!run.HasOptimizer)
            {
                run.Model.to(device);
            }
            else if (run.Model.parameters().FirstOrDefault() is { } p && (p.device.type != device.type || (p.device.index >= 0 && device.index >= 0 && p.device.index != device.index)))
            {
                // The optimizer holds this device's tensors (e.g. after Checkpoint.Resume): moving the model now would orphan them.
                throw new ArgumentException($"'{run.Name}' is on {p.device} but TrainingOptions.Device is {device}; build the model on {device} " +
                    "(generated networks take a device argument) before its optimizer is created or a checkpoint is resumed.", nameof(options));
            }
        }
        var contexts = runs.Select(r => new TrainingContext(r, output)).ToArray();
        var regularize = runs.Select(r => HasRegularizers(r.Model)).ToArray();
        var active = Enumerable.Repeat(true, runs.Count).ToArray();
        for (var i = 0; i < runs.Count; i++)
        {
            foreach (var c in runs[i].Callbacks)
            {
                c.OnTrainBegin(contexts[i]);
            }
        }

        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var progress = new ProgressReporter(options, output, batches);
        for (var epoch = done + 1; epoch <= options.Epochs && active.Any(a => a); epoch++)
        {
            var losses = new double[runs.Count];
            var corrects = new long[runs.Count];
            var clocks = runs.Select(_ => new Stopwatch()).ToArray();
            var seen = 0;
            for (var i = 0; i < runs.Count; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                runs[i].Model.train();
                foreach (var c in runs[i].Callbacks)
                {
                    c.OnEpochBegin(contexts[i], epoch);
                }
            }
            var order = options.Shuffle ? Permutation(train.Count, options.Seed, epoch) : Enumerable.Range(0, train.Count).Select(i => (long)i).ToArray();
            random.manual_seed(unchecked(options.Seed * 1_000_003 + epoch));
            progress.RunEpoch(epoch, report =>
            {
                for (var b = 0; b < batches; b++)
                {
                    using var scope = NewDisposeScope();
                    var start = b * options.BatchSize;
                    var size = Math.Min(options.BatchSize, train.Count - start);
                    var indices = tensor(order.AsSpan(start, size).ToArray());
                    var (x, y) = train.Batch(indices);
                    x = x.to(device);
                    y = y.to(device);
                    seen += size;
                    for (var i = 0; i < runs.Count; i++)
                    {
                        if (!active[i])
                        {
                            continue;
                        }
                        clocks[i].Start();
                        var result = Step(runs[i], regularize[i], x, y, epoch, b);
                        clocks[i].Stop();
                        losses[i] += result.Loss * size;
                        corrects[i] += result.Correct;
                        foreach (var c in runs[i].Callbacks)
                        {
                            c.OnBatchEnd(contexts[i], result);
                        }
                    }
                    report(b + 1, () => string.Join(" | ", Enumerable.Range(0, runs.Count).Where(i => active[i]).Select(i =>
                        string.Create(CultureInfo.InvariantCulture, $"{Label(runs, i)}loss {losses[i] / seen:0.0000} acc {(double)corrects[i] / seen:0.0000}"))));
                }
            });

            for (var i = 0; i < runs.Count; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                clocks[i].Start();
                var val = validation is null ? null : Evaluate(runs[i].Model, validation, options.EvaluationBatchSize, device);
                var trainEval = options.EvaluateTrainingSet ? Evaluate(runs[i].Model, train, options.EvaluationBatchSize, device) : null;
                var reg = RegularizationLossOf(runs[i].Model);
                clocks[i].Stop();
                var record = new EpochRecord(epoch, losses[i] / seen, (double)corrects[i] / seen, reg,
                    val?.Loss, val?.Accuracy, trainEval?.Loss, trainEval?.Accuracy, clocks[i].Elapsed.TotalSeconds);
                runs[i].History.Add(record);
                if (options.Progress != ProgressMode.None)
                {
                    output.WriteLine(Summary(runs[i].Name, record, options.Epochs));
                }
                foreach (var c in runs[i].Callbacks)
                {
                    c.OnEpochEnd(contexts[i], record);
                }
                if (contexts[i].StopTraining)
                {
                    active[i] = false;
                }
                runs[i].Model.train();
            }
        }
        for (var i = 0; i < runs.Count; i++)
        {
            foreach (var c in runs[i].Callbacks)
            {
                c.OnTrainEnd(contexts[i]);
            }
        }
        return runs.Select(r => r.History).ToArray();
    }

    /// <summary>
    /// Loss and accuracy over the whole of <paramref name="data"/>, in eval mode (BatchNorm uses its running statistics,
    /// Dropout is off), in batches of <paramref name="batchSize"/>, without gradients. The model's mode is restored after.
    /// </summary>
    public static Evaluation Evaluate(nn.Module<Tensor, Tensor> model, Dataset data, int batchSize = 500, Device? device = null)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException($"The data set '{data.Name}' is empty.", nameof(data));
        }
        device ??= model.parameters().Select(p => p.device).FirstOrDefault() ?? CPU;
        var wasTraining = model.training;
        model.eval();
        double crossEntropy = 0;
        long correct = 0;
        try
        {
            using var noGrad = no_grad();
            for (var start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var size = Math.Min(batchSize, data.Count - start);
                var (x, y) = data.Batch(start, size);
                x = x.to(device);
                y = y.to(device);
                var logits = model.forward(x);
                crossEntropy += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64).item<double>();
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        var reg = RegularizationLossOf(model);
        var ce = crossEntropy / data.Count;
        return new Evaluation(ce + reg, (double)correct / data.Count, ce, reg, data.Count);
    }

    /// <summary>The model's <c>RegularizationLoss()</c> as a number; 0 for a module without regularizers.</summary>
    public static double RegularizationLossOf(nn.Module model)
    {
        if (model is not IRegularizedModule regularized)
        {
            return 0;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return regularized.RegularizationLoss().to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>The order of the samples in epoch <paramref name="epoch"/>: a function of the seed and the epoch only.</summary>
    public static long[] Permutation(int count, long seed, int epoch)
    {
        var rng = new Random(HashCode(seed, epoch));
        var order = new long[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }
        for (var i = count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// Whether the model has regularization terms: a network without any returns a constant zero (no gradient), which
    /// need not be computed and added at every step.
    /// </summary>
    private static bool HasRegularizers(nn.Module model)
    {
        if (model is not IRegularizedModule regularized)
        {
            return false;
        }
        using var scope = NewDisposeScope();
        return regularized.RegularizationLoss().requires_grad;
    }

    private static BatchResult Step(TrainingRun run, bool regularize, Tensor x, Tensor y, int epoch, int batch)
    {
        var optimizer = run.Optimizer;
        optimizer.zero_grad();
        var logits = run.Model.forward(x);
        var loss = nn.functional.cross_entropy(logits, y);
        if (regularize && run.Model is IRegularizedModule regularized)
        {
            loss = loss + regularized.RegularizationLoss();
        }
        loss.backward();
        optimizer.step();
        using var noGrad = no_grad();
        var correct = logits.argmax(1).eq(y).sum().item<long>();
        return new BatchResult(epoch, batch, (int)y.shape[0], loss.item<float>(), correct);
    }

    private static string Label(IReadOnlyList<TrainingRun> runs, int i) => runs.Count == 1 ? "" : runs[i].Name + " ";

    private static string Summary(string name, EpochRecord r, int epochs)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch}/{epochs} {name}: loss {r.TrainLoss:0.0000} acc {r.TrainAccuracy:0.0000}");
        if (r.TrainEvalLoss is not null)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" | train (eval) loss {r.TrainEvalLoss:0.0000} acc {r.TrainEvalAccuracy:0.0000}");
        }
        if (r.ValidationLoss is not null)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" | val loss {r.ValidationLoss:0.0000} acc {r.ValidationAccuracy:0.0000}");
        }
        if (r.RegularizationLoss != 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" | reg {r.RegularizationLoss:0.0000}");
        }
        return line + string.Create(CultureInfo.InvariantCulture, $" ({r.Seconds:0.0} s)");
    }

    private static int HashCode(long seed, int epoch)
    {
        unchecked
        {
            var h = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch * 0xC2B2AE3D27D4EB4FUL;
            h ^= h >> 31;
            h *= 0x94D049BB133111EBUL;
            h ^= h >> 29;
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
