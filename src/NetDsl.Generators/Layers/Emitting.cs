using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Parsing;

namespace NetDsl.Generators.Layers;

/// <summary>How kinds spell TorchSharp: global:: names and C# literals.</summary>
internal static class TorchSharpNames
{
    public const string Nn = "global::TorchSharp.torch.nn";
    public const string Functional = "global::TorchSharp.torch.nn.functional";
    public const string Torch = "global::TorchSharp.torch";
    public const string Modules = "global::TorchSharp.Modules";
    public const string Tensor = "global::TorchSharp.torch.Tensor";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as C# source: exact (round-trip) digits, always with a '.' or an exponent.</summary>
    public static string Number(double value) => ExpressionValue.DoubleLiteral(value);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Longs(IEnumerable<long> values) => "new long[] { " + string.Join(", ", values.Select(Int)) + " }";
}

/// <summary>
/// How kinds write their ONNX nodes: C# expressions over the generated <c>ExportOnnx</c>'s <c>graph</c>
/// (<c>NetDsl.Onnx.OnnxGraph</c>), each the name of the value a node produces.
/// </summary>
internal static class OnnxCode
{
    public const string Attribute = "global::NetDsl.Onnx.OnnxAttribute";

    /// <summary>A node with one output of per-sample shape <paramref name="shape"/>.</summary>
    public static string Node(string op, IEnumerable<string> inputs, Shapes.Shape shape, params string[] attributes) =>
        Node(op, inputs, shape.Dimensions, attributes);

    public static string Node(string op, IEnumerable<string> inputs, IEnumerable<long> shape, params string[] attributes) =>
        $"graph.Node(\"{op}\", new string?[] {{ {string.Join(", ", inputs)} }}, {TorchSharpNames.Longs(shape)}{string.Concat(attributes.Select(a => ", " + a))})";

    /// <summary>An element-wise node of one input, keeping its shape.</summary>
    public static string Unary(string op, string input, Shapes.Shape shape, params string[] attributes) => Node(op, new[] { input }, shape, attributes);

    public static string Int(string name, long value) => $"{Attribute}.Int(\"{name}\", {TorchSharpNames.Int(value)})";

    public static string Float(string name, double value) => $"{Attribute}.Float(\"{name}\", {TorchSharpNames.Number(value)})";

    public static string String(string name, string value) => $"{Attribute}.String(\"{name}\", \"{value}\")";

    public static string Ints(string name, params long[] values) => $"{Attribute}.Ints(\"{name}\", {string.Join(", ", values.Select(TorchSharpNames.Int))})";

    /// <summary>An initializer from a tensor of the layer's module: <c>{module}.{member}</c>, named <paramref name="key"/>.</summary>
    public static string Parameter(string module, string member, string key) => $"graph.Parameter({module}.{member}, \"{key}\")";

    public static string Scalar(double value) => $"graph.Scalar({TorchSharpNames.Number(value)})";

    public static string Longs(params long[] values) => $"graph.Longs({string.Join(", ", values.Select(TorchSharpNames.Int))})";
}
