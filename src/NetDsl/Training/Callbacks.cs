using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Training;

/// <summary>What a callback sees of the run it is attached to.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(TrainingRun run, TextWriter output)
    {
        Run = run;
        Output = output;
    }

    /// <summary>The run being trained.</summary>
    public TrainingRun Run { get; }

    /// <summary>The run's model.</summary>
    public nn.Module<Tensor, Tensor> Model => Run.Model;

    /// <summary>The run's history so far.</summary>
    public History History => Run.History;

    /// <summary>Where callbacks write.</summary>
    public TextWriter Output { get; }

    /// <summary>Set to stop this run after the current epoch.</summary>
    public bool StopTraining { get; set; }
}

/// <summary>One optimizer step, as a batch-end callback sees it.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">0-based batch index within the epoch.</param>
/// <param name="Size">Samples in the batch.</param>
/// <param name="Loss">The batch's loss (cross-entropy plus regularization) before the step.</param>
/// <param name="Correct">Samples of the batch classified right before the step.</param>
public sealed record BatchResult(int Epoch, int Batch, int Size, double Loss, long Correct);

/// <summary>Hooks called during training; override the ones you need. Each is called once per run it is attached to.</summary>
public abstract class Callback
{
    /// <summary>Before the first epoch trained by this call to Fit.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>Before each epoch.</summary>
    public virtual void OnEpochBegin(TrainingContext context, int epoch) { }

    /// <summary>After each optimizer step.</summary>
    public virtual void OnBatchEnd(TrainingContext context, BatchResult batch) { }

    /// <summary>After each epoch, once its record is in the history.</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochRecord record) { }

    /// <summary>After the last epoch.</summary>
    public virtual void OnTrainEnd(TrainingContext context) { }
}

/// <summary>
/// The seeds' kernel-printing callback: after every epoch, prints the first <c>count</c> values of a layer's kernel
/// and keeps them, with the kernel's L2 norm and mean |w|, for tables and plots.
/// </summary>
public sealed class KernelWatcher : Callback
{
    private readonly List<KernelSnapshot> snapshots = new();

    /// <summary>Watches <paramref name="layer"/> (a layer or parameter name) and prints <paramref name="count"/> values when <paramref name="print"/>.</summary>
    public KernelWatcher(string layer, int count = 10, bool print = true)
    {
        Layer = layer;
        Count = count;
        Print = print;
    }

    /// <summary>The watched layer.</summary>
    public string Layer { get; }

    /// <summary>Values kept per epoch.</summary>
    public int Count { get; }

    /// <summary>Whether values are printed.</summary>
    public bool Print { get; }

    /// <summary>One entry per call: epoch 0 is the initial kernel (recorded at train begin), then one per epoch.</summary>
    public IReadOnlyList<KernelSnapshot> Snapshots => snapshots;

    /// <summary>Writes the snapshots as JSON (to keep them beside a checkpoint).</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(snapshots));

    /// <summary>Replaces the snapshots with those saved by <see cref="Save"/> (when resuming a run).</summary>
    public void Load(string path)
    {
        var loaded = JsonSerializer.Deserialize<List<KernelSnapshot>>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path}: no kernel snapshots.");
        snapshots.Clear();
        snapshots.AddRange(loaded);
    }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        if (context.History.Epochs.Count == 0 && snapshots.Count == 0)
        {
            Record(context, 0);
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochRecord record) => Record(context, record.Epoch);

    private void Record(TrainingContext context, int epoch)
    {
        using var scope = NewDisposeScope();
        var weight = Weights.Find(context.Model, Layer).detach();
        var snapshot = new KernelSnapshot(epoch, Weights.FirstValues(weight, Count),
            weight.norm().item<float>(), weight.abs().mean().item<float>());
        snapshots.Add(snapshot);
        if (Print)
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {context.Run.Name} epoch {epoch} {Layer}[:{Count}] = [{string.Join(", ", snapshot.Values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)))}]  ‖w‖₂ {snapshot.Norm:0.0000}"));
        }
    }
}

/// <summary>A kernel at the end of an epoch.</summary>
/// <param name="Epoch">0 for the initial weights.</param>
/// <param name="Values">The first values, in storage order.</param>
/// <param name="Norm">The L2 norm of the whole kernel.</param>
/// <param name="MeanAbs">The mean absolute value of the whole kernel.</param>
public sealed record KernelSnapshot(int Epoch, float[] Values, double Norm, double MeanAbs);

/// <summary>The seeds' regularization callback: records the network's <c>RegularizationLoss()</c> at the end of every epoch.</summary>
public sealed class RegularizationLossRecorder : Callback
{
    private readonly List<double> values = new();

    /// <summary>One value per epoch.</summary>
    public IReadOnlyList<double> Values => values;

    /// <summary>On a run resumed from a checkpoint, starts from the values its history recorded.</summary>
    public override void OnTrainBegin(TrainingContext context)
    {
        if (values.Count == 0)
        {
            values.AddRange(context.History.Epochs.Select(e => e.RegularizationLoss));
        }
    }

    /// <summary>Keeps the value the trainer computed with <c>RegularizationLoss()</c> at the end of this epoch.</summary>
    public override void OnEpochEnd(TrainingContext context, EpochRecord record) => values.Add(record.RegularizationLoss);
}

/// <summary>Saves a checkpoint of the run (weights, optimizer state, history) at the end of every epoch.</summary>
public sealed class CheckpointEveryEpoch : Callback
{
    /// <summary>Saves into <paramref name="directory"/>.</summary>
    public CheckpointEveryEpoch(string directory) => Directory = directory;

    /// <summary>The checkpoint directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochRecord record) => Checkpoint.Save(context.Run, Directory);
}

/// <summary>A callback made of delegates, for one-off hooks.</summary>
public sealed class LambdaCallback : Callback
{
    /// <summary>Called at train begin.</summary>
    public Action<TrainingContext>? TrainBegin { get; init; }

    /// <summary>Called at epoch begin.</summary>
    public Action<TrainingContext, int>? EpochBegin { get; init; }

    /// <summary>Called at batch end.</summary>
    public Action<TrainingContext, BatchResult>? BatchEnd { get; init; }

    /// <summary>Called at epoch end.</summary>
    public Action<TrainingContext, EpochRecord>? EpochEnd { get; init; }

    /// <summary>Called at train end.</summary>
    public Action<TrainingContext>? TrainEnd { get; init; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context) => TrainBegin?.Invoke(context);

    /// <inheritdoc />
    public override void OnEpochBegin(TrainingContext context, int epoch) => EpochBegin?.Invoke(context, epoch);

    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context, BatchResult batch) => BatchEnd?.Invoke(context, batch);

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochRecord record) => EpochEnd?.Invoke(context, record);

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context) => TrainEnd?.Invoke(context);
}
