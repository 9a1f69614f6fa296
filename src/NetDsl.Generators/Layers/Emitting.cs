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
