using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Training;

/// <summary>A checkpoint that does not fit the model it is loaded into, or cannot be read. The model is left unchanged.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the error.</summary>
    public CheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One tensor of a weights file, as read from its header.</summary>
/// <param name="Name">The state-dict key, e.g. "features.stem_conv.weight".</param>
/// <param name="Type">The element type.</param>
/// <param name="Shape">The dimensions.</param>
public sealed record CheckpointEntry(string Name, ScalarType Type, long[] Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// Weights in TorchSharp's format (<c>Module.save</c>/<c>Module.load</c>), checked before they are loaded, and whole
/// checkpoints (weights, optimizer state, history) to resume training from.
/// </summary>
public static class Checkpoint
{
    /// <summary>The weights file inside a checkpoint directory.</summary>
    public const string WeightsFile = "weights.dat";

    /// <summary>The optimizer-state file inside a checkpoint directory.</summary>
    public const string OptimizerFile = "optimizer.dat";

    /// <summary>The history file inside a checkpoint directory.</summary>
    public const string HistoryFile = "history.json";

    /// <summary>Saves the module's state (parameters and buffers) in TorchSharp's format; the file is replaced only once it is complete.</summary>
    public static void SaveWeights(nn.Module model, string path)
    {
        OutputPaths.CreateParent(path);
        var temporary = path + ".partial";
        model.save(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> (or TorchSharp's <c>Module.save</c>). Every tensor's name, type
    /// and shape is checked first; on any difference a <see cref="CheckpointException"/> names the first mismatching
    /// tensor and the model keeps its current weights.
    /// </summary>
    public static void LoadWeights(nn.Module model, string path)
    {
        var entries = ReadEntries(path);
        var expected = model.state_dict();
        var byName = entries.ToDictionary(e => e.Name);
        foreach (var (name, tensor) in expected)
        {
            if (!byName.TryGetValue(name, out var entry))
            {
                throw new CheckpointException($"{path} does not fit '{model.GetName()}': tensor '{name}' {tensor.dtype} [{string.Join(", ", tensor.shape)}] is missing from the checkpoint" +
                    (entries.Count > 0 ? $" (its first tensor is '{entries[0].Name}')." : "."));
            }
            if (entry.Type != tensor.dtype || !entry.Shape.SequenceEqual(tensor.shape))
            {
                throw new CheckpointException($"{path} does not fit '{model.GetName()}': tensor '{name}' is {entry.Type} [{string.Join(", ", entry.Shape)}] in the checkpoint but {tensor.dtype} [{string.Join(", ", tensor.shape)}] in the model.");
            }
        }
        var unexpected = entries.FirstOrDefault(e => !expected.ContainsKey(e.Name));
        if (unexpected is not null)
        {
            throw new CheckpointException($"{path} does not fit '{model.GetName()}': the checkpoint has tensor '{unexpected}' that the model does not.");
        }
        model.load(path, strict: true);
    }

    /// <summary>Reads the names, types and shapes of the tensors in a TorchSharp weights file, checking that its data is all there.</summary>
    public static IReadOnlyList<CheckpointEntry> ReadEntries(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path}: the checkpoint file does not exist.");
        }
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var entries = new List<CheckpointEntry>();
        try
        {
            var count = Read7Bit(reader);
            if (count < 0 || count > 1_000_000)
            {
                throw new CheckpointException($"{path}: not a TorchSharp weights file (it declares {count} tensors).");
            }
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var type = (ScalarType)Read7Bit(reader);
                var size = ElementSize(type) ?? throw new CheckpointException($"{path}: tensor '{name}' has unknown element type code {(int)type}: the file is corrupt or not a TorchSharp weights file.");
                var rank = Read7Bit(reader);
                if (rank < 0 || rank > 16)
                {
                    throw new CheckpointException($"{path}: tensor '{name}' declares {rank} dimensions: the file is corrupt.");
                }
                var shape = new long[rank];
                long elements = 1;
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = Read7Bit(reader);
                    if (shape[d] < 0)
                    {
                        throw new CheckpointException($"{path}: tensor '{name}' has a negative dimension: the file is corrupt.");
                    }
                    elements *= shape[d];
                }
                var bytes = elements * size;
                if (stream.Position + bytes > stream.Length)
                {
                    throw new CheckpointException($"{path}: truncated inside tensor '{name}' [{string.Join(", ", shape)}]: {bytes} bytes of data declared, {stream.Length - stream.Position} left in the file.");
                }
                stream.Seek(bytes, SeekOrigin.Current);
                entries.Add(new CheckpointEntry(name, type, shape));
            }
            if (stream.Position != stream.Length)
            {
                throw new CheckpointException($"{path}: {stream.Length - stream.Position} unexpected bytes after the last tensor: the file is corrupt or not a TorchSharp weights file.");
            }
        }
        catch (EndOfStreamException e)
        {
            var where = entries.Count == 0 ? "before its first tensor" : $"after tensor '{entries[^1].Name}'";
            throw new CheckpointException($"{path}: truncated {where}.", e);
        }
        return entries;
    }

    /// <summary>Saves the run into <paramref name="directory"/>: weights, optimizer state and history (each file replaced only when complete).</summary>
    public static void Save(TrainingRun run, string directory)
    {
        Directory.CreateDirectory(directory);
        SaveWeights(run.Model, Path.Combine(directory, WeightsFile));
        var optimizerPath = Path.Combine(directory, OptimizerFile);
        if (run.HasOptimizer && run.Optimizer is OptimizerHelper helper)
        {
            helper.save_state_dict(optimizerPath + ".partial");
            File.Move(optimizerPath + ".partial", optimizerPath, overwrite: true);
        }
        var historyPath = Path.Combine(directory, HistoryFile);
        File.WriteAllText(historyPath + ".partial", run.History.ToJson());
        File.Move(historyPath + ".partial", historyPath, overwrite: true);
    }

    /// <summary>
    /// Restores a run saved by <see cref="Save"/>: weights (checked as in <see cref="LoadWeights"/>), optimizer state
    /// and history, so that <see cref="Trainer.Fit(TrainingRun, Data.Dataset, Data.Dataset?, TrainingOptions)"/> goes on
    /// with the next epoch. Everything is checked before anything is changed.
    /// </summary>
    public static void Resume(TrainingRun run, string directory)
    {
        var historyPath = Path.Combine(directory, HistoryFile);
        if (!File.Exists(historyPath))
        {
            throw new CheckpointException($"{directory}: no {HistoryFile}: not a checkpoint directory.");
        }
        History history;
        try
        {
            history = History.FromJson(File.ReadAllText(historyPath), historyPath);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException(e.Message, e);
        }
        if (history.Name != run.Name)
        {
            throw new CheckpointException($"{directory} holds run '{history.Name}', not '{run.Name}'.");
        }
        LoadWeights(run.Model, Path.Combine(directory, WeightsFile));
        var optimizerPath = Path.Combine(directory, OptimizerFile);
        if (File.Exists(optimizerPath) && run.Optimizer is OptimizerHelper helper)
        {
            helper.load_state_dict(optimizerPath);
        }
        run.History = history;
    }

    private static long Read7Bit(BinaryReader reader)
    {
        long result = 0;
        var shift = 0;
        while (true)
        {
            var b = reader.ReadByte();
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
            shift += 7;
            if (shift > 63)
            {
                throw new EndOfStreamException("a variable-length integer is too long");
            }
        }
    }

    private static int? ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };
}
