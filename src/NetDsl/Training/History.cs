using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetDsl.Training;

/// <summary>
/// One epoch of one model. Losses follow Keras: cross-entropy plus the regularization loss.
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean loss over the epoch's training batches, weighted by batch size, in train mode.</param>
/// <param name="TrainAccuracy">Fraction of the epoch's training samples classified right, during training.</param>
/// <param name="RegularizationLoss">The network's <c>RegularizationLoss()</c> at the end of the epoch (0 without regularizers).</param>
/// <param name="ValidationLoss">Loss over the validation set in eval mode, when there is one.</param>
/// <param name="ValidationAccuracy">Accuracy over the validation set in eval mode.</param>
/// <param name="TrainEvalLoss">Loss over the whole training set in eval mode, after the epoch, when asked for.</param>
/// <param name="TrainEvalAccuracy">Accuracy over the whole training set in eval mode.</param>
/// <param name="Seconds">Wall time of the epoch (training and evaluation) for this model.</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double RegularizationLoss,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double? TrainEvalLoss,
    double? TrainEvalAccuracy,
    double Seconds);

/// <summary>The per-epoch record of a training run.</summary>
public sealed class History
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly List<EpochRecord> epochs = new();

    /// <summary>Creates an empty history for the run <paramref name="name"/>.</summary>
    public History(string name) => Name = name;

    /// <summary>The run's name.</summary>
    public string Name { get; }

    /// <summary>The epochs trained so far, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => epochs;

    /// <summary>The last epoch.</summary>
    public EpochRecord Last => epochs.Count > 0 ? epochs[^1] : throw new InvalidOperationException($"'{Name}' has not trained an epoch yet.");

    /// <summary>The epoch with the highest validation accuracy (earliest on ties), or null without validation.</summary>
    public EpochRecord? BestByValidationAccuracy =>
        epochs.Where(e => e.ValidationAccuracy is not null).OrderByDescending(e => e.ValidationAccuracy).ThenBy(e => e.Epoch).FirstOrDefault();

    /// <summary>Adds the next epoch.</summary>
    public void Add(EpochRecord record)
    {
        if (record.Epoch != epochs.Count + 1)
        {
            throw new ArgumentException($"'{Name}' has {epochs.Count} epochs; the next must be epoch {epochs.Count + 1}, not {record.Epoch}.");
        }
        epochs.Add(record);
    }

    /// <summary>The history as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Stored(Name, epochs.ToArray()), Json);

    /// <summary>Reads a history written by <see cref="ToJson"/>.</summary>
    public static History FromJson(string json, string source)
    {
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a training history: {e.Message}", e);
        }
        if (stored?.Name is null || stored.Epochs is null)
        {
            throw new InvalidDataException($"{source}: not a training history (no name or epochs).");
        }
        var history = new History(stored.Name);
        foreach (var e in stored.Epochs)
        {
            history.Add(e);
        }
        return history;
    }

    private sealed record Stored(string Name, EpochRecord[] Epochs);
}
