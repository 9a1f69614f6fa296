using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Google.Protobuf;
using NetDsl.Onnx.Format;
using TorchSharp;

namespace NetDsl.Onnx;

/// <summary>How <see cref="OnnxExport"/> writes a network.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The ONNX operator set: 17 (the default, the newest Debian's checker knows) up to <see cref="OnnxExport.NewestOpset"/>.</summary>
    public int Opset { get; init; } = OnnxExport.DefaultOpset;

    /// <summary>
    /// Folds every BatchNorm that directly follows a convolution or a dense layer into its weights and bias, as it is
    /// in eval mode (its running statistics); false keeps each as a BatchNormalization node.
    /// </summary>
    public bool FoldBatchNorm { get; init; } = true;

    /// <summary>The name of the graph's input.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The name of the graph's output.</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>The name of the batch axis, free at inference (a dynamic dimension).</summary>
    public string BatchDimension { get; init; } = "batch";
}

/// <summary>
/// Writes a NetDsl network with its current (trained) weights as an ONNX model, computing what its eval-mode forward
/// computes: dropout is the identity, BatchNorm uses its running statistics. The graph holds the network's layers in
/// the order they run, each node named after its layer; the file's metadata name the network and its shapes, so that
/// <c>NetDsl.OnnxRuntime</c> refuses a file of another network.
/// </summary>
public static class OnnxExport
{
    /// <summary>The operator set written by default.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The newest operator set the exporter writes.</summary>
    public const int NewestOpset = 21;

    /// <summary>Metadata key: the network's full type name.</summary>
    public const string NetworkKey = "netdsl.network";

    /// <summary>Metadata key: the per-sample input shape ([1, 28, 28]).</summary>
    public const string InputShapeKey = "netdsl.input_shape";

    /// <summary>Metadata key: the per-sample output shape.</summary>
    public const string OutputShapeKey = "netdsl.output_shape";

    /// <summary>Metadata key: the trainable parameter count.</summary>
    public const string ParametersKey = "netdsl.trainable_parameters";

    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/>. The file is written beside the target and moved over
    /// it only when complete: a failed export leaves an existing file as it was and no partial file.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    /// <exception cref="OnnxExportException">The module is not a NetDsl network, or one of its layers cannot be exported.</exception>
    public static void Save(torch.nn.Module network, string path, OnnxExportOptions? options = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }
        var model = ToModel(network, options);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The network's ONNX model as bytes (what <see cref="Save"/> writes).</summary>
    public static byte[] ToBytes(torch.nn.Module network, OnnxExportOptions? options = null) => ToModel(network, options).ToByteArray();

    internal static Model ToModel(torch.nn.Module network, OnnxExportOptions? options)
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }
        options ??= new OnnxExportOptions();
        if (options.Opset < DefaultOpset || options.Opset > NewestOpset)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset, $"the exporter writes ONNX operator sets {DefaultOpset} to {NewestOpset}");
        }
        if (string.IsNullOrWhiteSpace(options.InputName) || string.IsNullOrWhiteSpace(options.OutputName) || options.InputName == options.OutputName)
        {
            throw new ArgumentException("the input and output names must be two different non-empty names", nameof(options));
        }
        var type = network.GetType();
        if (network is not IOnnxExportable exportable || StaticShape(type, "InputShape") is not { } input || StaticShape(type, "OutputShape") is not { } output)
        {
            throw new OnnxExportException($"{type.FullName} is not a NetDsl network (a class with [Network] or [Variant]); only those can be exported");
        }
        ThrowIfDisposed(network);

        var graph = new OnnxGraph(options.BatchDimension, options.Opset);
        graph.Reserve(options.InputName);
        graph.Reserve(options.OutputName);
        graph.Values.Add(OnnxGraph.Value(options.InputName, input.Dimensions, options.BatchDimension));
        var last = exportable.ExportOnnx(graph, new[] { options.InputName });
        graph.Layer(options.OutputName, "output");
        graph.Nodes.Add(new Node { OpType = "Identity", Name = options.OutputName, Input = { last }, Output = { options.OutputName }, DocString = "NetDsl: the network's output" });
        if (options.FoldBatchNorm)
        {
            BatchNormFolding.Fold(graph, options.OutputName);
        }

        var body = new Graph { Name = type.Name, DocString = $"{type.FullName}: {input} → {output}" };
        body.Input.Add(OnnxGraph.Value(options.InputName, input.Dimensions, options.BatchDimension));
        body.Output.Add(OnnxGraph.Value(options.OutputName, output.Dimensions, options.BatchDimension));
        body.Node.AddRange(graph.Nodes);
        body.Initializer.AddRange(graph.Initializers.Values);
        var produced = new HashSet<string>(graph.Nodes.SelectMany(n => n.Output), StringComparer.Ordinal);
        body.ValueInfo.AddRange(graph.Values.Where(v => produced.Contains(v.Name) && v.Name != options.OutputName && v.Name != options.InputName));

        var model = new Model
        {
            IrVersion = 8,
            ProducerName = "NetDsl",
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
            Domain = "netdsl",
            ModelVersion = 1,
            DocString = $"{type.FullName}, exported by NetDsl with its weights in eval form",
            Graph = body,
        };
        model.OpsetImport.Add(new OperatorSet { Domain = string.Empty, Version = options.Opset });
        model.MetadataProps.Add(new MetadataEntry { Key = NetworkKey, Value = type.FullName ?? type.Name });
        model.MetadataProps.Add(new MetadataEntry { Key = InputShapeKey, Value = input.ToString() });
        model.MetadataProps.Add(new MetadataEntry { Key = OutputShapeKey, Value = output.ToString() });
        if (type.GetField("TrainableParameters", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is long parameters)
        {
            model.MetadataProps.Add(new MetadataEntry { Key = ParametersKey, Value = parameters.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return model;
    }

    private static Shape? StaticShape(System.Type type, string name)
    {
        try
        {
            return type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Shape shape ? shape : null;
        }
        catch (TargetInvocationException)
        {
            return null; // a network with NetDsl errors: its stub throws
        }
    }

    private static void ThrowIfDisposed(torch.nn.Module network)
    {
        bool disposed;
        try
        {
            // A disposed module lists no parameters at all, or parameters without a native tensor.
            var parameters = network.parameters().ToList();
            var declared = network.GetType().GetField("TrainableParameters", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as long? ?? 0;
            disposed = declared > 0 && parameters.Count == 0
                || parameters.Any(p => p.IsInvalid || p.Handle == IntPtr.Zero) || network.buffers().Any(b => b.IsInvalid || b.Handle == IntPtr.Zero);
        }
        catch (ObjectDisposedException)
        {
            disposed = true;
        }
        catch (InvalidOperationException)
        {
            disposed = true;
        }
        if (disposed)
        {
            throw new ObjectDisposedException(network.GetType().Name, "the network was disposed: export it before disposing it");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Extension methods that export a network.</summary>
public static class OnnxExportExtensions
{
    /// <summary>Writes the network with its current weights as an ONNX model (see <see cref="OnnxExport.Save"/>).</summary>
    public static void SaveOnnx(this torch.nn.Module network, string path, OnnxExportOptions? options = null) => OnnxExport.Save(network, path, options);
}
