using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NetDsl.Onnx.Format;

namespace NetDsl.Onnx;

/// <summary>
/// Folds an eval-mode BatchNormalization into the Conv, ConvTranspose or Gemm before it: with s = γ / √(var + ε) per
/// output channel, W' = s·W and b' = s·(b − mean) + β. Only where the layer's output is read by that BatchNorm alone
/// and every tensor involved is a float initializer of its own.
/// </summary>
internal static class BatchNormFolding
{
    public static int Fold(OnnxGraph graph, string graphOutput)
    {
        var nodes = graph.Nodes;
        var initializers = graph.Initializers;
        var folded = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var norm = nodes[i];
            if (norm.OpType != "BatchNormalization" || norm.Input.Count != 5 || norm.Output.Count != 1)
            {
                continue;
            }
            var x = norm.Input[0];
            var producer = nodes.FindIndex(n => n.Output.Contains(x));
            if (producer < 0 || x == graphOutput || nodes.Count(n => n.Input.Contains(x)) != 1)
            {
                continue;
            }
            var layer = nodes[producer];
            var statistics = norm.Input.Skip(1).Select(name => Floats(initializers, name)).ToArray();
            if (statistics.Any(s => s is null) || layer.Input.Count < 2 || Floats(initializers, layer.Input[1]) is not { } weight)
            {
                continue;
            }
            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var (gamma, beta, mean, variance) = (statistics[0]!, statistics[1]!, statistics[2]!, statistics[3]!);
            var channels = gamma.Length;
            var dims = initializers[layer.Input[1]].Dims.ToArray();
            // Where the output channel sits in the weight, and how many values each (channel, rest) block holds.
            int outer, inner;
            switch (layer.OpType)
            {
                case "Conv":
                    (outer, inner) = (1, (int)(weight.Length / dims[0]));
                    break;
                case "ConvTranspose" when (layer.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1) == 1:
                    (outer, inner) = ((int)dims[0], (int)(weight.Length / (dims[0] * dims[1])));
                    break;
                case "Gemm" when (layer.Attribute.FirstOrDefault(a => a.Name == "transB")?.I ?? 0) == 1
                                 && (layer.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f) == 1f
                                 && (layer.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1f) == 1f:
                    (outer, inner) = (1, (int)dims[1]);
                    break;
                default:
                    continue;
            }
            if (outer * channels * inner != weight.Length)
            {
                continue;
            }
            var bias = layer.Input.Count > 2 && layer.Input[2].Length > 0 ? Floats(initializers, layer.Input[2]) : new float[channels];
            if (bias is null || bias.Length != channels)
            {
                continue;
            }
            var scale = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                scale[c] = (float)(gamma[c] / Math.Sqrt((double)variance[c] + epsilon));
            }
            for (var o = 0; o < outer; o++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var start = (o * channels + c) * inner;
                    for (var k = 0; k < inner; k++)
                    {
                        weight[start + k] *= scale[c];
                    }
                }
            }
            var shifted = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                shifted[c] = (float)(scale[c] * ((double)bias[c] - mean[c]) + beta[c]);
            }
            Store(initializers[layer.Input[1]], weight);
            string biasName;
            if (layer.Input.Count > 2 && layer.Input[2].Length > 0)
            {
                biasName = layer.Input[2];
                Store(initializers[biasName], shifted);
            }
            else
            {
                biasName = graph.Fresh(layer.Name + ".bias");
                var tensor = new Tensor { Name = biasName, DataType = (int)Tensor.Types.DataType.Float, Dims = { channels } };
                Store(tensor, shifted);
                initializers.Add(biasName, tensor);
                while (layer.Input.Count < 2)
                {
                    layer.Input.Add(string.Empty);
                }
                if (layer.Input.Count == 2)
                {
                    layer.Input.Add(biasName);
                }
                else
                {
                    layer.Input[2] = biasName;
                }
            }
            foreach (var name in norm.Input.Skip(1).Distinct().ToList())
            {
                if (!nodes.Any(n => n != norm && n.Input.Contains(name)))
                {
                    initializers.Remove(name);
                }
            }
            // The layer now writes the BatchNorm's output; its own output value is gone.
            layer.Output[layer.Output.IndexOf(x)] = norm.Output[0];
            layer.DocString += "; folded: " + norm.DocString.Replace("NetDsl layer ", string.Empty);
            graph.Values.RemoveAll(v => v.Name == x);
            nodes.RemoveAt(i);
            i--;
            folded++;
        }
        return folded;
    }

    private static float[]? Floats(Dictionary<string, Tensor> initializers, string name) =>
        initializers.TryGetValue(name, out var tensor) && tensor.DataType == (int)Tensor.Types.DataType.Float && tensor.RawData.Length % 4 == 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : null;

    private static void Store(Tensor tensor, float[] values) => tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
