using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NetDsl.Onnx.Format;
using TorchSharp;
using static TorchSharp.torch;
using FormatNode = NetDsl.Onnx.Format.Node;
using FormatTensor = NetDsl.Onnx.Format.Tensor;

namespace NetDsl.Onnx;

/// <summary>
/// A module that writes its own ONNX nodes. Every generated network and block implements it; a <c>[Custom]</c> module
/// implements it to be exportable (without it, exporting a network that uses it throws <see cref="OnnxExportException"/>
/// naming the layer).
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Adds the module's nodes to <paramref name="graph"/>, reading the values named <paramref name="inputs"/>; returns its output's name.</summary>
    string ExportOnnx(OnnxGraph graph, IReadOnlyList<string> inputs);
}

/// <summary>An attribute of an ONNX node: a name and one int, float, string, or list of ints or floats.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(Format.Attribute proto) => Proto = proto;

    internal Format.Attribute Proto { get; }

    /// <summary>The attribute's name.</summary>
    public string Name => Proto.Name;

    /// <summary>An int attribute (group, axis, transB, …).</summary>
    public static OnnxAttribute Int(string name, long value) => new(new Format.Attribute { Name = name, Type = Format.Attribute.Types.Kind.Int, I = value });

    /// <summary>A float attribute (epsilon, alpha, …).</summary>
    public static OnnxAttribute Float(string name, double value) => new(new Format.Attribute { Name = name, Type = Format.Attribute.Types.Kind.Float, F = (float)value });

    /// <summary>A string attribute (mode, …).</summary>
    public static OnnxAttribute String(string name, string value) =>
        new(new Format.Attribute { Name = name, Type = Format.Attribute.Types.Kind.String, S = ByteString.CopyFromUtf8(value) });

    /// <summary>A list of ints (kernel_shape, strides, pads, perm, …).</summary>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        var attribute = new Format.Attribute { Name = name, Type = Format.Attribute.Types.Kind.Ints };
        attribute.Ints.AddRange(values);
        return new OnnxAttribute(attribute);
    }
}

/// <summary>
/// The ONNX graph of one network being written: the code NetDsl generates for each network and block calls it layer by
/// layer (<see cref="Layer"/>, then <see cref="Node(string, string[], long[], OnnxAttribute[])"/> for each ONNX node of
/// the layer). Every value it creates gets its shape (the batch axis symbolic), every node the NetDsl layer it came
/// from as its name and doc string, and every parameter tensor becomes an initializer holding its current values.
/// Write a model with <see cref="OnnxExport"/>; this type is public for generated code and for <c>[Custom]</c> modules.
/// </summary>
public sealed class OnnxGraph
{
    private readonly List<FormatNode> nodes = new();
    private readonly Dictionary<string, FormatTensor> initializers = new(StringComparer.Ordinal);
    private readonly List<ValueInfo> values = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Stack<string> scopes = new();
    private string layer = string.Empty;
    private string layerKind = string.Empty;
    private int constants;

    internal OnnxGraph(string batchDimension, int opset)
    {
        BatchDimension = batchDimension;
        Opset = opset;
    }

    internal string BatchDimension { get; }

    /// <summary>The ONNX operator set the graph is written for (17 by default).</summary>
    public int Opset { get; }

    internal List<FormatNode> Nodes => nodes;

    internal Dictionary<string, FormatTensor> Initializers => initializers;

    internal List<ValueInfo> Values => values;

    /// <summary>The path of the current layer: the block names above it and its own, joined by dots (the state-dict path).</summary>
    public string CurrentLayer => layer;

    /// <summary>Starts a layer: the nodes added until the next call belong to it and are named after it.</summary>
    /// <param name="name">Its module name in the current scope.</param>
    /// <param name="kind">Its NetDsl kind (Conv2D, or a block's name), written into each node's doc string.</param>
    public void Layer(string name, string kind)
    {
        layer = scopes.Count == 0 ? name : scopes.Peek() + "." + name;
        layerKind = kind;
    }

    /// <summary>Adds one node with one output of per-sample shape <paramref name="shape"/> and returns the output's name.</summary>
    /// <param name="op">The ONNX operator (Conv, Relu, …), of the default domain.</param>
    /// <param name="inputs">Its input values in order; null or empty leaves an optional input out.</param>
    /// <param name="shape">The output's shape without the batch axis.</param>
    /// <param name="attributes">Its attributes.</param>
    public string Node(string op, string?[] inputs, long[] shape, params OnnxAttribute[] attributes) =>
        Node(op, inputs, new[] { shape }, attributes)[0];

    /// <summary>Marks a value just written as reduced over the batch: its batch axis has size 1, not the symbolic batch.</summary>
    private string OverBatch(string value)
    {
        values.Single(v => v.Name == value).Type.TensorType.Shape.Dim[0] = new Format.Shape.Types.Dimension { DimValue = 1 };
        return value;
    }

    /// <summary>Adds one node with several outputs (Split), one per-sample shape each, and returns their names.</summary>
    public string[] Node(string op, string?[] inputs, long[][] shapes, params OnnxAttribute[] attributes)
    {
        if (inputs is null || shapes is null || attributes is null)
        {
            throw new ArgumentNullException(inputs is null ? nameof(inputs) : shapes is null ? nameof(shapes) : nameof(attributes));
        }
        var node = new FormatNode { OpType = op, Name = Fresh(layer.Length == 0 ? op : layer), DocString = Describe() };
        // Trailing optional inputs are left out; inner ones stay as "".
        var count = inputs.Length;
        while (count > 0 && string.IsNullOrEmpty(inputs[count - 1]))
        {
            count--;
        }
        node.Input.AddRange(inputs.Take(count).Select(i => i ?? string.Empty));
        var outputs = new string[shapes.Length];
        for (var k = 0; k < shapes.Length; k++)
        {
            outputs[k] = k == 0 ? node.Name : Fresh(node.Name);
            node.Output.Add(outputs[k]);
            values.Add(Value(outputs[k], shapes[k], BatchDimension));
        }
        node.Attribute.AddRange(attributes.Select(a => a.Proto));
        nodes.Add(node);
        return outputs;
    }

    /// <summary>The per-sample shape (without the batch axis) of a value written so far: the graph's input or a node's output.</summary>
    /// <exception cref="KeyNotFoundException">No value of that name has been written.</exception>
    public long[] ShapeOf(string value)
    {
        for (var k = values.Count - 1; k >= 0; k--)
        {
            if (values[k].Name == value)
            {
                return values[k].Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue).ToArray();
            }
        }
        throw new KeyNotFoundException($"no value named '{value}' has been written to the graph");
    }

    /// <summary>An initializer holding the current values of a module's parameter or buffer (float32); "" for null (no bias).</summary>
    /// <param name="tensor">The tensor (any device and floating type; it is read, never changed).</param>
    /// <param name="name">Its path below the current layer: "weight", "bias", "running_mean".</param>
    public string Parameter(torch.Tensor? tensor, string name) => tensor is null ? string.Empty : Parameter(tensor, name, tensor.shape);

    /// <summary>An initializer of a parameter's values seen with another shape of the same size (a PReLU slope as [C, 1, 1]).</summary>
    public string Parameter(torch.Tensor tensor, string name, long[] shape)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(nameof(tensor));
        }
        using var scope = torch.NewDisposeScope();
        var values = tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return Add(Fresh(layer.Length == 0 ? name : layer + "." + name), values, shape);
    }

    /// <summary>A constant float32 tensor of shape <paramref name="shape"/> (a scalar for an empty shape).</summary>
    public string Floats(float[] values, params long[] shape) => Add(Constant(), values, shape);

    /// <summary>A constant float32 tensor of shape <paramref name="shape"/> with every value <paramref name="value"/> (the scale of a norm without affine parameters).</summary>
    public string Filled(double value, long[] shape)
    {
        var values = new float[checked((int)shape.Aggregate(1L, (a, b) => a * b))];
        values.AsSpan().Fill((float)value);
        return Add(Constant(), values, shape);
    }

    /// <summary>
    /// BatchNorm without running statistics, as PyTorch computes it in eval mode too: each channel normalized by the
    /// mean and (biased) variance of the batch over every axis but the channels, then scaled and shifted.
    /// </summary>
    /// <param name="input">The value to normalize, [N, C, …].</param>
    /// <param name="scale">γ shaped [C, 1, …] to broadcast over a sample.</param>
    /// <param name="bias">β, shaped as <paramref name="scale"/>.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="shape">The per-sample shape of input and output.</param>
    public string BatchStatisticsNormalization(string input, string scale, string bias, double epsilon, long[] shape)
    {
        var axes = new[] { 0L }.Concat(Enumerable.Range(2, shape.Length - 1).Select(a => (long)a)).ToArray();
        var statistic = new[] { shape[0] }.Concat(Enumerable.Repeat(1L, shape.Length - 1)).ToArray();
        string Mean(string value) => OverBatch(ReduceMean(value, axes, statistic));
        var centered = Node("Sub", new[] { input, Mean(input) }, shape);
        var variance = Mean(Node("Mul", new[] { centered, centered }, shape));
        var deviation = OverBatch(Node("Sqrt", new[] { OverBatch(Node("Add", new[] { variance, Scalar(epsilon) }, statistic)) }, statistic));
        var normalized = Node("Div", new[] { centered, deviation }, shape);
        return Node("Add", new[] { Node("Mul", new[] { normalized, scale }, shape), bias }, shape);
    }

    /// <summary>A constant float32 scalar.</summary>
    public string Scalar(double value) => Floats(new[] { (float)value });

    /// <summary>A constant int64 vector (a Reshape's shape, a Slice's starts, Pad's pads).</summary>
    public string Longs(params long[] values)
    {
        var name = Constant();
        var tensor = new FormatTensor { Name = name, DataType = (int)Format.Tensor.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        initializers.Add(name, tensor);
        return name;
    }

    /// <summary>
    /// ReduceMean over <paramref name="axes"/> (counted with the batch at 0), keeping them as size 1: the axes are an
    /// attribute up to opset 17 and an input from 18.
    /// </summary>
    public string ReduceMean(string input, long[] axes, long[] shape) => Opset >= 18
        ? Node("ReduceMean", new[] { input, Longs(axes) }, shape, OnnxAttribute.Int("keepdims", 1))
        : Node("ReduceMean", new[] { input }, shape, OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 1));

    /// <summary>
    /// PyTorch's adaptive average pooling of an image value to <paramref name="height"/> × <paramref name="width"/>
    /// where the sizes do not divide (windows of unequal size): window (i, j) covers rows floor(i·H/h) to
    /// ceil((i + 1)·H/h) and the same for columns; each is a Slice and a ReduceMean, each row of windows a Concat.
    /// </summary>
    public string AdaptiveAveragePool(string input, long height, long width)
    {
        var shape = ShapeOf(input);
        var (channels, rows, columns) = (shape[0], shape[1], shape[2]);
        static (long Start, long End) Window(long index, long size, long bins) => (index * size / bins, ((index + 1) * size + bins - 1) / bins);
        var lines = new string[height];
        for (long i = 0; i < height; i++)
        {
            var (top, bottom) = Window(i, rows, height);
            var windows = new string[width];
            for (long j = 0; j < width; j++)
            {
                var (left, right) = Window(j, columns, width);
                var slice = Node("Slice", new[] { input, Longs(top, left), Longs(bottom, right), Longs(2, 3) }, new[] { channels, bottom - top, right - left });
                windows[j] = ReduceMean(slice, new long[] { 2, 3 }, new[] { channels, 1L, 1L });
            }
            lines[i] = Node("Concat", windows, new[] { channels, 1L, width }, OnnxAttribute.Int("axis", 3));
        }
        return Node("Concat", lines, new[] { channels, height, width }, OnnxAttribute.Int("axis", 2));
    }

    /// <summary>Writes a block's nodes, named below <paramref name="name"/>, and returns its output.</summary>
    public string Block(string name, IOnnxExportable block, params string[] inputs)
    {
        if (block is null)
        {
            throw new ArgumentNullException(nameof(block));
        }
        var outer = (layer, layerKind);
        scopes.Push(scopes.Count == 0 ? name : scopes.Peek() + "." + name);
        layer = scopes.Peek();
        try
        {
            return block.ExportOnnx(this, inputs);
        }
        finally
        {
            scopes.Pop();
            (layer, layerKind) = outer;
        }
    }

    /// <summary>
    /// A <c>[Custom]</c> layer: its module's own nodes when it implements <see cref="IOnnxExportable"/>; otherwise an
    /// <see cref="OnnxExportException"/> naming the layer.
    /// </summary>
    public string Custom(object module, params string[] inputs)
    {
        if (module is IOnnxExportable exportable)
        {
            var last = layer.LastIndexOf('.');
            return Block(last < 0 ? layer : layer.Substring(last + 1), exportable, inputs);
        }
        throw new OnnxExportException(
            $"layer '{layer}' is a custom module ({module?.GetType().FullName ?? "null"}) that cannot be exported: implement NetDsl.Onnx.IOnnxExportable on it to write its ONNX nodes");
    }

    internal static ValueInfo Value(string name, long[] shape, string batch)
    {
        var dims = new Format.Shape();
        dims.Dim.Add(new Format.Shape.Types.Dimension { DimParam = batch });
        foreach (var size in shape)
        {
            dims.Dim.Add(new Format.Shape.Types.Dimension { DimValue = size });
        }
        return new ValueInfo
        {
            Name = name,
            Type = new Format.Type { TensorType = new Format.Type.Types.TensorType { ElemType = (int)Format.Tensor.Types.DataType.Float, Shape = dims } },
        };
    }

    private string Add(string name, float[] data, long[] shape)
    {
        long count = 1;
        foreach (var size in shape)
        {
            count *= size;
        }
        if (count != data.Length)
        {
            throw new OnnxExportException($"layer '{layer}': {name} has {data.Length} values, not the {count} of [{string.Join(", ", shape)}]");
        }
        var tensor = new FormatTensor { Name = name, DataType = (int)Format.Tensor.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        initializers.Add(name, tensor);
        return name;
    }

    private string Constant() => Fresh((layer.Length == 0 ? "const" : layer + ".const") + (++constants).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string Describe() => layer.Length == 0 ? "NetDsl" : $"NetDsl layer {layer} ({layerKind})";

    /// <summary>A value or node name not used yet: the name itself, then name:1, name:2, ….</summary>
    internal string Fresh(string name)
    {
        if (names.Add(name))
        {
            return name;
        }
        for (var k = 1; ; k++)
        {
            var candidate = name + ":" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    internal void Reserve(string name) => names.Add(name);
}

/// <summary>A network, or one of its layers, cannot be exported to ONNX (the message names the layer).</summary>
public sealed class OnnxExportException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException(string message)
        : base(message)
    {
    }
}
