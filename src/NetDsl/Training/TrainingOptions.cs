using System.IO;
using TorchSharp;

namespace NetDsl.Training;

/// <summary>How progress is shown while training.</summary>
public enum ProgressMode
{
    /// <summary>A bar when the output is a terminal, plain lines when it is redirected.</summary>
    Auto,

    /// <summary>A bar redrawn in place, with loss, accuracy and ETA.</summary>
    Bar,

    /// <summary>A plain line every <see cref="TrainingOptions.ProgressInterval"/> seconds, for logs.</summary>
    Lines,

    /// <summary>Only the end-of-epoch summary line.</summary>
    EpochsOnly,

    /// <summary>Nothing.</summary>
    None,
}

/// <summary>Settings of a training run (Keras' fit arguments).</summary>
public sealed record TrainingOptions
{
    /// <summary>Epochs to train in all (a resumed run trains the epochs its history lacks).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per optimizer step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Samples per forward pass when evaluating.</summary>
    public int EvaluationBatchSize { get; init; } = 500;

    /// <summary>Seeds weight-independent randomness: the shuffling and dropout of every epoch.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Shuffle the training set every epoch (the order depends only on <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// After each epoch, evaluate the whole training set in eval mode, in batches (seed E1), and record it as
    /// <see cref="EpochRecord.TrainEvalLoss"/>/<see cref="EpochRecord.TrainEvalAccuracy"/>.
    /// </summary>
    public bool EvaluateTrainingSet { get; init; }

    /// <summary>Where the model runs; batches are moved there. Default: CPU.</summary>
    public torch.Device? Device { get; init; }

    /// <summary>How progress is shown.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>Seconds between progress lines in <see cref="ProgressMode.Lines"/>.</summary>
    public double ProgressInterval { get; init; } = 10;

    /// <summary>Where progress and callbacks write (default: the console).</summary>
    public TextWriter? Output { get; init; }
}
