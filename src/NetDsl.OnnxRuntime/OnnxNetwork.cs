using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace NetDsl.Onnx;

/// <summary>How an <see cref="OnnxNetwork"/> runs.</summary>
public sealed record OnnxNetworkOptions
{
    /// <summary>Threads within one operator (0: ONNX Runtime's default, one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across independent operators (0: the default; only used with <see cref="Parallel"/>).</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Runs independent branches of the graph at once.</summary>
    public bool Parallel { get; init; }

    /// <summary>ONNX Runtime's graph optimizations (all by default).</summary>
    public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// ONNX Runtime graph optimizers left out (its session option <c>optimization.disable_specified_optimizers</c>).
    /// By default <c>Pad_Fusion</c>: it folds an explicit Pad into the pool after it even where the summed padding
    /// reaches the pool's window (a ZeroPadding2D before a small pool), which ONNX Runtime then refuses to load.
    /// </summary>
    public IReadOnlyList<string> DisabledOptimizers { get; init; } = new[] { "Pad_Fusion" };

    /// <summary>Any other session setting, applied last.</summary>
    public Action<SessionOptions>? Configure { get; init; }
}

/// <summary>
/// A NetDsl network exported with <see cref="OnnxExport"/>, served by ONNX Runtime: batches in, outputs out, with the
/// same input check as the TorchSharp network (<see cref="InputShapeException"/>). Thread-safe for concurrent runs.
/// </summary>
public sealed class OnnxNetwork : IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;

    private OnnxNetwork(InferenceSession session, string network, Shape input, Shape output)
    {
        this.session = session;
        Network = network;
        InputShape = input;
        OutputShape = output;
        inputName = session.InputMetadata.Keys.Single();
        outputName = session.OutputMetadata.Keys.Single();
    }

    /// <summary>The exported network's type name, from the file's metadata.</summary>
    public string Network { get; }

    /// <summary>Shape of one input sample (the batch is free).</summary>
    public Shape InputShape { get; }

    /// <summary>Shape of one output sample.</summary>
    public Shape OutputShape { get; }

    /// <summary>Loads a file exported from <typeparamref name="TNetwork"/>; a file of any other network is refused.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model written by NetDsl, or it holds another network, or other shapes.</exception>
    public static OnnxNetwork Load<TNetwork>(string path, OnnxNetworkOptions? options = null)
        where TNetwork : torch.nn.Module
    {
        var type = typeof(TNetwork);
        var input = StaticShape(type, "InputShape");
        var output = StaticShape(type, "OutputShape");
        var network = Load(path, options);
        try
        {
            if (network.Network != type.FullName)
            {
                throw new InvalidDataException($"{path} holds the network {network.Network}, not {type.FullName}");
            }
            if (network.InputShape != input || network.OutputShape != output)
            {
                throw new InvalidDataException($"{path} holds {network.Network} with input {network.InputShape} and output {network.OutputShape}, but {type.Name} now has {input} → {output}: export it again");
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Loads a file exported by NetDsl, whatever the network.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model written by NetDsl.</exception>
    public static OnnxNetwork Load(string path, OnnxNetworkOptions? options = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no ONNX model at {path}", path);
        }
        return Create(path, settings => new InferenceSession(path, settings), options);
    }

    /// <summary>Loads a model held in memory (<see cref="OnnxExport.ToBytes"/>, or a file's bytes), whatever the network.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model written by NetDsl.</exception>
    public static OnnxNetwork FromBytes(byte[] model, OnnxNetworkOptions? options = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }
        return Create("the model in memory", settings => new InferenceSession(model, settings), options);
    }

    private static OnnxNetwork Create(string path, Func<SessionOptions, InferenceSession> open, OnnxNetworkOptions? options)
    {
        options ??= new OnnxNetworkOptions();
        using var settings = new SessionOptions
        {
            GraphOptimizationLevel = options.Optimization,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = options.Parallel ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        if (options.DisabledOptimizers.Count > 0)
        {
            settings.AddSessionConfigEntry("optimization.disable_specified_optimizers", string.Join(";", options.DisabledOptimizers));
        }
        options.Configure?.Invoke(settings);
        InferenceSession session;
        try
        {
            session = open(settings);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path} is not an ONNX model ONNX Runtime can load: {e.Message}", e);
        }
        try
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (!metadata.TryGetValue(OnnxExport.NetworkKey, out var network) || !metadata.TryGetValue(OnnxExport.InputShapeKey, out var input)
                || !metadata.TryGetValue(OnnxExport.OutputShapeKey, out var output) || session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            {
                throw new InvalidDataException($"{path} is an ONNX model, but not one exported by NetDsl (it lacks the {OnnxExport.NetworkKey} metadata or has several inputs or outputs)");
            }
            return new OnnxNetwork(session, network, ParseShape(input, path), ParseShape(output, path));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs a batch of <paramref name="batch"/> samples laid out as [N, …InputShape] (row-major); returns [N, …OutputShape] flattened.</summary>
    /// <exception cref="InputShapeException"><paramref name="input"/> does not hold <paramref name="batch"/> samples of the input shape.</exception>
    public float[] Run(float[] input, int batch)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }
        var size = InputShape.Size;
        if (batch < 1 || input.LongLength != batch * size)
        {
            var actual = batch >= 1 && input.LongLength % batch == 0 ? new[] { (long)batch, input.LongLength / batch } : new[] { input.LongLength };
            throw new InputShapeException(Network, InputShape, actual);
        }
        return RunChecked(input, InputShape.WithBatch(batch));
    }

    /// <summary>Runs a batch given as a tensor [N, …InputShape] (any device; float32 is read); returns the output on the CPU.</summary>
    /// <exception cref="InputShapeException">The tensor is not [N, …InputShape].</exception>
    public torch.Tensor Run(torch.Tensor input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }
        InputShapeException.ThrowIfMismatch(Network, input, InputShape);
        float[] values;
        using (var scope = torch.NewDisposeScope())
        {
            values = input.detach().to(torch.CPU).to_type(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        var output = RunChecked(values, input.shape);
        return torch.tensor(output, OutputShape.WithBatch(input.shape[0]));
    }

    private float[] RunChecked(float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        using var results = session.Run(run, new[] { inputName }, new[] { value }, new[] { outputName });
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();

    private static Shape StaticShape(System.Type type, string name)
    {
        try
        {
            if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Shape shape)
            {
                return shape;
            }
        }
        catch (TargetInvocationException e)
        {
            throw new InvalidOperationException($"{type.FullName} has NetDsl errors: {e.InnerException?.Message}", e.InnerException);
        }
        throw new ArgumentException($"{type.FullName} is not a NetDsl network (it has no static {name})");
    }

    /// <summary>"[N, 1, 28, 28]" → the per-sample shape.</summary>
    private static Shape ParseShape(string text, string path)
    {
        var parts = text.Trim('[', ']').Split(',').Select(p => p.Trim()).ToArray();
        if (parts.Length < 2 || parts[0] != "N" || !parts.Skip(1).All(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            throw new InvalidDataException($"{path}: the shape '{text}' in its metadata is not a NetDsl shape");
        }
        return Shape.Of(parts.Skip(1).Select(p => long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }
}
