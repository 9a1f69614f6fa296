using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>
/// A generated network whose layers declare <c>Key</c>s: where each module's tensors go in weight files exchanged with
/// PyTorch. <see cref="Weights"/> reads and writes by these keys.
/// </summary>
public interface IStateDictKeys
{
    /// <summary>Every module that holds tensors: its path in this module tree and its key in exchanged files.</summary>
    IReadOnlyList<(string Module, string Key)> StateDictKeys { get; }
}

/// <summary>The file formats of <see cref="Weights"/>.</summary>
public enum WeightsFormat
{
    /// <summary>safetensors (<c>.safetensors</c>): a JSON header and raw little-endian data, what PyTorch users exchange.</summary>
    Safetensors,

    /// <summary>PyTorch's own <c>torch.save</c> of a state dict (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>; the zip format of PyTorch ≥ 1.6).</summary>
    PyTorch,
}

/// <summary>One tensor of a weights file or of a model's state dict: its key, element type and shape.</summary>
public sealed record WeightsEntry(string Key, ScalarType Type, long[] Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key} {Type} [{string.Join(", ", Shape)}]";
}

/// <summary>How a weights file and a model differ, tensor by tensor (empty lists: they fit).</summary>
/// <param name="Missing">Tensors the model has and the file lacks.</param>
/// <param name="Unexpected">Tensors the file has and the model lacks.</param>
/// <param name="Mismatched">Tensors both have, with another shape or element type: what the model expects, what the file holds.</param>
public sealed record WeightsComparison(IReadOnlyList<WeightsEntry> Missing, IReadOnlyList<WeightsEntry> Unexpected, IReadOnlyList<(WeightsEntry Expected, WeightsEntry Found)> Mismatched)
{
    /// <summary>Every tensor is there, of the expected type and shape, and the file has no other.</summary>
    public bool Fits => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>The differences, a line each (at most <paramref name="limit"/> per kind).</summary>
    public string Describe(int limit = 20)
    {
        var text = new StringBuilder();
        void Section<T>(string title, IReadOnlyList<T> items, Func<T, string> line)
        {
            if (items.Count == 0)
            {
                return;
            }
            text.Append('\n').Append(title).Append(" (").Append(items.Count).Append("):");
            foreach (var item in items.Take(limit))
            {
                text.Append("\n  ").Append(line(item));
            }
            if (items.Count > limit)
            {
                text.Append("\n  … and ").Append(items.Count - limit).Append(" more");
            }
        }
        Section("missing from the file", Missing, e => e.ToString());
        Section("in the file but not in the model", Unexpected, e => e.ToString());
        Section("of another shape or type", Mismatched, m => $"{m.Expected.Key}: the model has {m.Expected.Type} [{string.Join(", ", m.Expected.Shape)}], the file {m.Found.Type} [{string.Join(", ", m.Found.Shape)}]");
        return text.ToString();
    }
}

/// <summary>A weights file that does not fit its model, or cannot be read. The model is left unchanged.</summary>
public sealed class WeightsException : Exception
{
    /// <summary>Creates the error.</summary>
    public WeightsException(string message, WeightsComparison? comparison = null, Exception? inner = null) : base(message, inner)
    {
        Comparison = comparison;
    }

    /// <summary>The differences, when the file was read but does not fit.</summary>
    public WeightsComparison? Comparison { get; }
}

/// <summary>
/// Weights exchanged with PyTorch by state-dict key: safetensors files and PyTorch's <c>torch.save</c> files, loaded
/// only when every name, element type and shape fits, and saved so that PyTorch's <c>load_state_dict</c> takes them.
/// A network whose layers declare <c>Key</c>s (<see cref="IStateDictKeys"/>) is read and written under those keys,
/// e.g. torchvision's <c>layer1.0.downsample.0.weight</c>; any other module under its TorchSharp state-dict names.
/// </summary>
public static class Weights
{
    /// <summary>
    /// The parameter <paramref name="name"/> (TorchSharp's state-dict name, "features.stem_conv.weight"), or the weight
    /// (kernel) of the layer <paramref name="name"/> ("features.stem_conv").
    /// </summary>
    public static Tensor Find(nn.Module model, string name)
    {
        var parameters = model.named_parameters().ToList();
        foreach (var (key, value) in parameters)
        {
            if (key == name || key == name + ".weight")
            {
                return value;
            }
        }
        var known = string.Join(", ", parameters.Select(p => p.name).Where(n => n.EndsWith(".weight", StringComparison.Ordinal)).Take(8));
        throw new ArgumentException($"'{model.GetName()}' has no parameter or layer named '{name}'. Kernels it has: {known}{(parameters.Count > 8 ? ", …" : "")}.", nameof(name));
    }

    /// <summary>The first <paramref name="count"/> values of the weight, in storage order.</summary>
    public static float[] FirstValues(nn.Module model, string name, int count) => FirstValues(Find(model, name), count);

    /// <summary>The first <paramref name="count"/> values of <paramref name="weight"/>, in storage order.</summary>
    public static float[] FirstValues(Tensor weight, int count)
    {
        using var scope = NewDisposeScope();
        var flat = weight.detach().flatten();
        return flat.narrow(0, 0, Math.Min(count, flat.shape[0])).cpu().to_type(ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>The format a file name implies: <c>.safetensors</c>, or <c>.pt</c>/<c>.pth</c>/<c>.bin</c> for PyTorch's.</summary>
    public static WeightsFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".safetensors" => WeightsFormat.Safetensors,
        ".pt" or ".pth" or ".bin" => WeightsFormat.PyTorch,
        var other => throw new WeightsException($"{path}: '{other}' is not a weights file extension NetDsl knows (.safetensors, or .pt, .pth, .bin for torch.save files); pass the format."),
    };

    /// <summary>
    /// The model's parameters and buffers under their exchange keys, in module order: the live tensors, not copies.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> StateDict(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var map = (model as IStateDictKeys)?.StateDictKeys.ToDictionary(e => e.Module, e => e.Key, StringComparer.Ordinal);
        var result = new List<KeyValuePair<string, Tensor>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
        {
            var key = map is null ? name : Exchange(name, map);
            if (!seen.Add(key))
            {
                throw new WeightsException($"'{model.GetName()}': two tensors map to the key '{key}'.");
            }
            result.Add(new KeyValuePair<string, Tensor>(key, tensor));
        }
        return result;
    }

    /// <summary>The exchange key of one of the model's state-dict names (the name itself where no Key applies).</summary>
    public static string KeyOf(nn.Module model, string stateDictName)
    {
        var map = (model as IStateDictKeys)?.StateDictKeys.ToDictionary(e => e.Module, e => e.Key, StringComparer.Ordinal);
        return map is null ? stateDictName : Exchange(stateDictName, map);
    }

    private static string Exchange(string name, Dictionary<string, string> map)
    {
        // The longest module path the name starts with: conv.weight → (conv), a custom module's inner.w → (custom).
        for (var dot = name.LastIndexOf('.'); dot > 0; dot = name.LastIndexOf('.', dot - 1))
        {
            if (map.TryGetValue(name.Substring(0, dot), out var key))
            {
                return key.Length == 0 ? name.Substring(dot + 1) : key + name.Substring(dot);
            }
        }
        return name;
    }

    /// <summary>The tensors a weights file holds (key, type, shape), read from its header (safetensors) or whole (PyTorch's).</summary>
    public static IReadOnlyList<WeightsEntry> ReadEntries(string path, WeightsFormat? format = null)
    {
        if ((format ?? FormatOf(path)) == WeightsFormat.Safetensors)
        {
            return SafetensorsHeader.Read(path).Entries.Select(e => e.Entry).ToList();
        }
        using var scope = NewDisposeScope();
        return ReadPyTorch(path).Select(e => new WeightsEntry(e.Key, e.Value.dtype, e.Value.shape)).ToList();
    }

    /// <summary>How the file's tensors differ from the model's (keys after <paramref name="skip"/> leaves some out).</summary>
    public static WeightsComparison Compare(nn.Module model, string path, Func<string, bool>? skip = null, WeightsFormat? format = null) =>
        Compare(StateDict(model).Select(e => new WeightsEntry(e.Key, e.Value.dtype, e.Value.shape)), ReadEntries(path, format), skip);

    private static WeightsComparison Compare(IEnumerable<WeightsEntry> model, IEnumerable<WeightsEntry> file, Func<string, bool>? skip)
    {
        var expected = model.Where(e => skip?.Invoke(e.Key) != true).ToList();
        var found = file.Where(e => skip?.Invoke(e.Key) != true).ToDictionary(e => e.Key, StringComparer.Ordinal);
        var wanted = expected.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => !found.ContainsKey(e.Key)).ToList();
        var mismatched = expected.Where(e => found.TryGetValue(e.Key, out var f) && (f.Type != e.Type || !f.Shape.SequenceEqual(e.Shape)))
            .Select(e => (e, found[e.Key])).ToList();
        var unexpected = found.Values.Where(f => !wanted.Contains(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        return new WeightsComparison(missing, unexpected, mismatched);
    }

    /// <summary>
    /// Loads a safetensors or <c>torch.save</c> state dict into the model by key. Every key, element type and shape is
    /// checked before any tensor is copied; on any difference a <see cref="WeightsException"/> lists the missing,
    /// unexpected and mismatched tensors and the model keeps its weights. <paramref name="skip"/> leaves keys out on
    /// both sides (e.g. a classifier being replaced: <c>key => key.StartsWith("fc.")</c>).
    /// </summary>
    public static void Load(nn.Module model, string path, Func<string, bool>? skip = null, WeightsFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var kind = format ?? FormatOf(path);
        var targets = StateDict(model);
        if (!File.Exists(path))
        {
            throw new WeightsException($"{path}: the weights file does not exist.");
        }
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> tensors;
        if (kind == WeightsFormat.Safetensors)
        {
            // The header alone decides whether the file fits, before any data is read.
            var header = SafetensorsHeader.Read(path);
            var comparison = Compare(targets.Select(e => new WeightsEntry(e.Key, e.Value.dtype, e.Value.shape)), header.Entries.Select(e => e.Entry), skip);
            if (!comparison.Fits)
            {
                throw Mismatch(model, path, comparison);
            }
            tensors = header.ReadTensors(path, key => skip?.Invoke(key) != true);
        }
        else
        {
            tensors = ReadPyTorch(path);
            var comparison = Compare(targets.Select(e => new WeightsEntry(e.Key, e.Value.dtype, e.Value.shape)),
                tensors.Select(e => new WeightsEntry(e.Key, e.Value.dtype, e.Value.shape)), skip);
            if (!comparison.Fits)
            {
                throw Mismatch(model, path, comparison);
            }
        }
        using (no_grad())
        {
            foreach (var (key, target) in targets)
            {
                if (skip?.Invoke(key) != true)
                {
                    target.copy_(tensors[key]);
                }
            }
        }
    }

    /// <summary>Every tensor of a weights file by key, on the CPU (the caller owns them).</summary>
    public static Dictionary<string, Tensor> Read(string path, WeightsFormat? format = null) =>
        (format ?? FormatOf(path)) == WeightsFormat.Safetensors ? SafetensorsHeader.Read(path).ReadTensors(path, _ => true) : ReadPyTorch(path);

    /// <summary>Writes tensors by key, as safetensors or a <c>torch.save</c> file; the file is replaced only once it is complete.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, WeightsFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var kind = format ?? FormatOf(path);
        var duplicate = tensors.GroupBy(t => t.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new WeightsException($"{path}: the key '{duplicate.Key}' is given twice.");
        }
        OutputPaths.CreateParent(path);
        var temporary = path + ".partial";
        try
        {
            using (var stream = File.Create(temporary))
            {
                if (kind == WeightsFormat.Safetensors)
                {
                    SafetensorsHeader.Write(stream, tensors);
                }
                else
                {
                    using var scope = NewDisposeScope();
                    var dictionary = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                    foreach (var (key, tensor) in tensors)
                    {
                        dictionary[key] = tensor.detach().cpu().contiguous();
                    }
                    PyTorchPickler.PickleStateDict(stream, dictionary, leaveOpen: true);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static WeightsException Mismatch(nn.Module model, string path, WeightsComparison comparison) =>
        new($"{path} does not fit '{model.GetName()}'; nothing was loaded.{comparison.Describe()}", comparison);

    /// <summary>
    /// Saves the model's parameters and buffers under their exchange keys, as safetensors or as a <c>torch.save</c>
    /// file (by the extension unless <paramref name="format"/> says). The file is replaced only once it is complete.
    /// </summary>
    public static void Save(nn.Module model, string path, WeightsFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(path, StateDict(model), format);
    }

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        if (!File.Exists(path))
        {
            throw new WeightsException($"{path}: the weights file does not exist.");
        }
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeightsException($"{path}: not a state dict saved by torch.save in its zip format ({e.GetType().Name}: {e.Message}).", inner: e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor)
            {
                throw new WeightsException($"{path}: entry '{entry.Key}' is not a tensor: the file holds more than a state dict.");
            }
            result[key] = tensor;
        }
        return result;
    }

    /// <summary>The safetensors layout: an 8-byte little-endian header length, a JSON header, then the raw tensors.</summary>
    private sealed class SafetensorsHeader
    {
        private SafetensorsHeader(List<(WeightsEntry Entry, long Begin, long End)> entries, long dataStart)
        {
            Entries = entries;
            DataStart = dataStart;
        }

        public List<(WeightsEntry Entry, long Begin, long End)> Entries { get; }

        public long DataStart { get; }

        private static readonly (string Name, ScalarType Type, int Size)[] Types =
        {
            ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2), ("BF16", ScalarType.BFloat16, 2),
            ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1),
            ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
        };

        public static SafetensorsHeader Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new WeightsException($"{path}: the weights file does not exist.");
            }
            using var stream = File.OpenRead(path);
            var prefix = new byte[8];
            if (stream.Read(prefix, 0, 8) != 8)
            {
                throw new WeightsException($"{path}: not a safetensors file (shorter than its 8-byte header length).");
            }
            var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (length < 2 || length > 100_000_000 || (long)length > stream.Length - 8)
            {
                throw new WeightsException($"{path}: not a safetensors file (its header length {length} does not fit a file of {stream.Length} bytes).");
            }
            var json = new byte[length];
            stream.ReadExactly(json);
            var dataStart = 8 + (long)length;
            var dataLength = stream.Length - dataStart;
            var entries = new List<(WeightsEntry, long, long)>();
            try
            {
                using var document = JsonDocument.Parse(json);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__")
                    {
                        continue;
                    }
                    var value = property.Value;
                    var dtype = value.GetProperty("dtype").GetString();
                    var type = Types.FirstOrDefault(t => t.Name == dtype);
                    if (type.Name is null)
                    {
                        throw new WeightsException($"{path}: tensor '{property.Name}' has element type '{dtype}', which NetDsl does not read.");
                    }
                    var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    long elements = 1;
                    foreach (var d in shape)
                    {
                        elements = d < 0 ? -1 : checked(elements * d);
                    }
                    if (offsets.Length != 2 || elements < 0 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != elements * type.Size)
                    {
                        throw new WeightsException($"{path}: tensor '{property.Name}' {dtype} [{string.Join(", ", shape)}] has data offsets [{string.Join(", ", offsets)}] that do not fit its size or the file: the file is corrupt or cut short.");
                    }
                    entries.Add((new WeightsEntry(property.Name, type.Type, shape), offsets[0], offsets[1]));
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
            {
                throw new WeightsException($"{path}: not a safetensors file (its header is no valid JSON table of tensors: {e.Message}).", inner: e);
            }
            return new SafetensorsHeader(entries, dataStart);
        }

        /// <summary>The tensors whose keys <paramref name="wanted"/> accepts, each read straight into its own storage.</summary>
        public Dictionary<string, Tensor> ReadTensors(string path, Func<string, bool> wanted)
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            using var stream = File.OpenRead(path);
            foreach (var (entry, begin, end) in Entries.OrderBy(e => e.Begin))
            {
                if (!wanted(entry.Key))
                {
                    continue;
                }
                var tensor = empty(entry.Shape, entry.Type);
                stream.Position = DataStart + begin;
                if (end > begin)
                {
                    tensor.ReadBytesFromStream(stream, 1 << 20);
                }
                result[entry.Key] = tensor;
            }
            return result;
        }

        public static void Write(Stream stream, IReadOnlyList<KeyValuePair<string, Tensor>> entries)
        {
            using var header = new MemoryStream();
            using (var json = new Utf8JsonWriter(header))
            {
                json.WriteStartObject();
                json.WriteStartObject("__metadata__");
                json.WriteString("format", "pt");
                json.WriteEndObject();
                long offset = 0;
                foreach (var (key, tensor) in entries)
                {
                    var type = Types.FirstOrDefault(t => t.Type == tensor.dtype);
                    if (type.Name is null)
                    {
                        throw new WeightsException($"tensor '{key}' is {tensor.dtype}, which safetensors does not hold.");
                    }
                    var bytes = tensor.numel() * type.Size;
                    json.WriteStartObject(key);
                    json.WriteString("dtype", type.Name);
                    json.WriteStartArray("shape");
                    foreach (var d in tensor.shape)
                    {
                        json.WriteNumberValue(d);
                    }
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(offset + bytes);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset += bytes;
                }
                json.WriteEndObject();
            }
            // The data starts at a multiple of 8 bytes: the header is padded with spaces, as the format allows.
            var padding = (int)((8 - header.Length % 8) % 8);
            var size = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)(header.Length + padding));
            stream.Write(size);
            header.WriteTo(stream);
            stream.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
            foreach (var (_, tensor) in entries)
            {
                using var scope = NewDisposeScope();
                var data = tensor.detach().cpu().contiguous();
                if (data.numel() > 0)
                {
                    data.WriteBytesToStream(stream, 1 << 20);
                }
            }
        }
    }
}
