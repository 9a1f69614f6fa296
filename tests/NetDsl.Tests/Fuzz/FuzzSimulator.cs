using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>What one simulated run collected, and why it stopped when the layers are not valid.</summary>
internal sealed class FuzzSimulation
{
    // Small enough that every generated network builds and runs in milliseconds.
    public const long MaxChannels = 32;
    public const long MaxSide = 40;
    public const long MaxFeatures = 4096;

    public FuzzSimulation(bool torchDefaults, FuzzRegularizer? defaults, bool limits)
    {
        TorchDefaults = torchDefaults;
        Defaults = defaults;
        Limits = limits;
    }

    public bool TorchDefaults { get; }

    public FuzzRegularizer? Defaults { get; }

    public bool Limits { get; }

    public long Trainable { get; set; }

    public long NonTrainable { get; set; }

    public List<string> Modules { get; } = new();

    public List<FuzzRegularizedWeight> Regularized { get; } = new();

    public List<FuzzBatchNormSetting> BatchNorms { get; } = new();

    public List<FuzzDropoutSetting> Dropouts { get; } = new();

    public string? Failure { get; set; }
}

/// <summary>
/// The fuzzer's own reading of the layer semantics (Keras rules, as the README and the attribute docs state them):
/// valid window = (in − k) / s + 1 and needs in ≥ k, 'same' window = ceil(in / s), pooling stride 0 = pool size,
/// depthwise output = channels × multiplier, Add needs the scope's input shape exactly, Dense needs a flat input,
/// Flatten/GAP/ZeroPadding/convolutions/pooling need an image, BatchNorm and Dropout take either, a dropout rate
/// (a number, from a literal or an expression) lies in [0, 1), a block parameter declared double holds a double even
/// when given an int, and sizes are ints (a double where an int is needed is refused).
/// Written from the documentation, not from NetDsl's code, so the two can disagree.
/// </summary>
internal static class FuzzSimulator
{
    public static bool Run(FuzzSimulation sim, IReadOnlyList<FuzzLayer> layers, IReadOnlyDictionary<string, FuzzValue>? variables, FuzzShape input, string prefix, out FuzzShape output)
    {
        var shape = input;
        output = shape;
        foreach (var layer in layers)
        {
            try
            {
                if (layer.When is not null)
                {
                    var condition = layer.When.Evaluate(variables ?? new Dictionary<string, FuzzValue>());
                    if (!condition.IsBool)
                    {
                        return Fail(sim, layer, "When is not a bool");
                    }
                    if (!condition.AsBool)
                    {
                        continue;
                    }
                }
                if (!Step(sim, layer, variables, shape, input, prefix + layer.FinalName, out shape))
                {
                    return false;
                }
            }
            catch (FuzzEvaluationException e)
            {
                return Fail(sim, layer, e.Message);
            }
            if (sim.Limits && !WithinLimits(shape))
            {
                return Fail(sim, layer, "outside the size limits: " + shape);
            }
        }
        output = shape;
        return true;
    }

    private static bool WithinLimits(FuzzShape shape) => shape.IsImage
        ? shape.Channels is >= 1 and <= FuzzSimulation.MaxChannels && shape.Height is >= 1 and <= FuzzSimulation.MaxSide &&
          shape.Width is >= 1 and <= FuzzSimulation.MaxSide
        : shape.Channels is >= 1 and <= FuzzSimulation.MaxFeatures;

    private static bool Fail(FuzzSimulation sim, FuzzLayer layer, string why)
    {
        sim.Failure = layer.Kind + " " + layer.FinalName + ": " + why;
        return false;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static bool Window(long side, long window, long stride, bool same, out long output)
    {
        if (same)
        {
            output = CeilDiv(side, stride);
            return output >= 1;
        }
        output = side < window ? 0 : (side - window) / stride + 1;
        return side >= window;
    }

    private static bool Step(FuzzSimulation sim, FuzzLayer layer, IReadOnlyDictionary<string, FuzzValue>? variables, FuzzShape shape, FuzzShape scopeInput, string path, out FuzzShape output)
    {
        output = shape;
        switch (layer.Kind)
        {
            case FuzzKind.Conv2D:
            case FuzzKind.DepthwiseConv2D:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var kernel = (long)layer.Kernel;
                var stride = layer.Strides?.Value(variables) ?? 1;
                var multiplier = (long)(layer.DepthMultiplier ?? 1);
                var filters = layer.Kind == FuzzKind.Conv2D ? layer.Filters!.Value(variables) : shape.Channels * multiplier;
                if (kernel < 1 || stride < 1 || filters < 1 || multiplier < 1)
                {
                    return Fail(sim, layer, "non-positive argument");
                }
                if (!Window(shape.Height, kernel, stride, layer.Same, out var height) || !Window(shape.Width, kernel, stride, layer.Same, out var width))
                {
                    return Fail(sim, layer, "kernel larger than the input");
                }
                output = FuzzShape.Image(filters, height, width);
                var perOutput = layer.Kind == FuzzKind.Conv2D ? shape.Channels : 1;
                sim.Trainable += kernel * kernel * perOutput * filters + (layer.HasBias ? filters : 0);
                sim.Modules.Add(path);
                Regularize(sim, layer, path);
                return true;
            }
            case FuzzKind.Dense:
            {
                if (shape.IsImage)
                {
                    return Fail(sim, layer, "needs a flat input");
                }
                var units = layer.Units!.Value(variables);
                if (units < 1)
                {
                    return Fail(sim, layer, "units < 1");
                }
                output = FuzzShape.Vector(units);
                sim.Trainable += shape.Channels * units + (layer.HasBias ? units : 0);
                sim.Modules.Add(path);
                Regularize(sim, layer, path);
                return true;
            }
            case FuzzKind.BatchNorm:
            {
                var epsilon = layer.Epsilon?.Value ?? (sim.TorchDefaults ? 1e-5 : 1e-3);
                var momentum = layer.Momentum?.Value ?? (sim.TorchDefaults ? 0.9 : 0.99);
                if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1))
                {
                    return Fail(sim, layer, "epsilon or momentum out of range");
                }
                sim.Trainable += 2 * shape.Channels;
                sim.NonTrainable += 2 * shape.Channels;
                sim.Modules.Add(path);
                sim.BatchNorms.Add(new FuzzBatchNormSetting(path, epsilon, 1 - momentum));
                return true;
            }
            case FuzzKind.ReLU:
            case FuzzKind.ReLU6:
                return true;
            case FuzzKind.Dropout:
            {
                var rate = layer.Rate.Value;
                if (layer.RateExpression is not null)
                {
                    var value = layer.RateExpression.Evaluate(variables ?? new Dictionary<string, FuzzValue>());
                    if (value.IsBool)
                    {
                        return Fail(sim, layer, "a bool rate");
                    }
                    rate = value.Real;
                }
                if (!(rate >= 0 && rate < 1))
                {
                    return Fail(sim, layer, "rate out of range");
                }
                sim.Modules.Add(path);
                sim.Dropouts.Add(new FuzzDropoutSetting(path, rate));
                return true;
            }
            case FuzzKind.Flatten:
            case FuzzKind.GlobalAveragePooling2D:
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                output = FuzzShape.Vector(layer.Kind == FuzzKind.Flatten ? shape.Size : shape.Channels);
                return true;
            case FuzzKind.ZeroPadding2D:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var p = layer.Pads;
                var (top, bottom, left, right) = p.Length switch
                {
                    1 => (p[0], p[0], p[0], p[0]),
                    2 => (p[0], p[0], p[1], p[1]),
                    _ => (p[0], p[1], p[2], p[3]),
                };
                if (top < 0 || bottom < 0 || left < 0 || right < 0)
                {
                    return Fail(sim, layer, "negative padding");
                }
                output = FuzzShape.Image(shape.Channels, shape.Height + top + bottom, shape.Width + left + right);
                return true;
            }
            case FuzzKind.MaxPooling2D:
            case FuzzKind.AveragePooling2D:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var pool = (long)(layer.PoolSize ?? 2);
                var stride = (long)(layer.PoolStrides ?? 0);
                if (pool < 1 || stride < 0)
                {
                    return Fail(sim, layer, "bad pool size or stride");
                }
                if (stride == 0)
                {
                    stride = pool;
                }
                if (!Window(shape.Height, pool, stride, layer.Same, out var height) || !Window(shape.Width, pool, stride, layer.Same, out var width))
                {
                    return Fail(sim, layer, "window larger than the input");
                }
                output = FuzzShape.Image(shape.Channels, height, width);
                return true;
            }
            case FuzzKind.Add:
                return shape == scopeInput || Fail(sim, layer, $"Add of {shape} to {scopeInput}");
            case FuzzKind.Block:
            {
                var block = layer.Block!;
                var inner = new Dictionary<string, FuzzValue>(StringComparer.Ordinal)
                {
                    ["inputChannels"] = FuzzValue.Int(shape.Channels),
                    ["inputHeight"] = FuzzValue.Int(shape.Height),
                    ["inputWidth"] = FuzzValue.Int(shape.Width),
                };
                foreach (var parameter in block.Parameters)
                {
                    FuzzValue value;
                    if (layer.BlockArgs.TryGetValue(parameter.Name, out var argument))
                    {
                        value = argument.Value(variables);
                    }
                    else if (parameter.Default is { } fallback)
                    {
                        value = fallback;
                    }
                    else
                    {
                        return Fail(sim, layer, "no value for " + parameter.Name);
                    }
                    value = value.As(parameter.Type);
                    if (value.Type != parameter.Type)
                    {
                        return Fail(sim, layer, "argument type of " + parameter.Name);
                    }
                    inner[parameter.Name] = value;
                }
                sim.Modules.Add(path);
                return Run(sim, block.Body, inner, shape, path + ".", out output);
            }
            default:
                throw new InvalidOperationException(layer.Kind.ToString());
        }
    }

    /// <summary>
    /// The layer's own λs when it sets any; otherwise the network default where its Layers flag covers the layer,
    /// with biases only when Biases is set and the layer has a bias.
    /// </summary>
    private static void Regularize(FuzzSimulation sim, FuzzLayer layer, string path)
    {
        var kernel = layer.Kind == FuzzKind.DepthwiseConv2D ? "Depthwise" : "Kernel";
        double Own(string property) => layer.Regularizers.Where(r => r.Property == property).Select(r => r.Value.Value).LastOrDefault();
        var k1 = Own(kernel + "L1");
        var k2 = Own(kernel + "L2");
        var b1 = layer.HasBias ? Own("BiasL1") : 0;
        var b2 = layer.HasBias ? Own("BiasL2") : 0;
        if (layer.Regularizers.Count == 0 && sim.Defaults is { } d && (layer.Kind == FuzzKind.Dense ? d.Dense : d.Convolutions))
        {
            k1 = d.L1?.Value ?? 0;
            k2 = d.L2?.Value ?? 0;
            var biases = d.Biases == true && layer.HasBias;
            b1 = biases ? k1 : 0;
            b2 = biases ? k2 : 0;
        }
        if (k1 != 0 || k2 != 0 || b1 != 0 || b2 != 0)
        {
            sim.Regularized.Add(new FuzzRegularizedWeight(path, k1, k2, b1, b2));
        }
    }
}

/// <summary>What a variant is: its base's layers with the BatchNorm placement applied, its own input and regularizer if any.</summary>
internal static class FuzzVariants
{
    public sealed record Resolved(FuzzShape Input, List<FuzzLayer> Layers, FuzzRegularizer? Regularizer, bool TorchDefaults);

    public static Resolved Resolve(FuzzNetwork network)
    {
        if (network.Base is null)
        {
            return new Resolved(network.Input!.Value, network.Layers, network.Regularizer, network.TorchDefaults == true);
        }
        var inner = Resolve(network.Base);
        var layers = Transform(inner.Layers, network.Placement, new Dictionary<FuzzBlock, FuzzBlock>());
        return new Resolved(network.Input ?? inner.Input, layers, network.Regularizer ?? inner.Regularizer, inner.TorchDefaults);
    }

    /// <summary>The nearest BatchNorm placement other than AsDeclared along the chain of bases.</summary>
    public static int EffectivePlacement(FuzzNetwork network)
    {
        for (var n = network; n is not null; n = n.Base)
        {
            if (n.Placement != 0)
            {
                return n.Placement;
            }
        }
        return 0;
    }

    private static List<FuzzLayer> Transform(List<FuzzLayer> layers, int placement, Dictionary<FuzzBlock, FuzzBlock> memo)
    {
        if (placement == 0)
        {
            return layers;
        }
        var result = new List<FuzzLayer>();
        foreach (var layer in layers)
        {
            if (placement == 2 && layer.Kind == FuzzKind.BatchNorm)
            {
                continue;
            }
            if (layer.Kind == FuzzKind.Block)
            {
                var copy = layer.Clone();
                copy.Block = TransformBlock(layer.Block!, placement, memo);
                result.Add(copy);
                continue;
            }
            result.Add(layer);
        }
        if (placement == 1)
        {
            // Layer → BN → Activation becomes Layer → Activation → BN wherever the two run under the same condition.
            for (var i = 0; i + 1 < result.Count; i++)
            {
                if (result[i].Kind == FuzzKind.BatchNorm && result[i + 1].Kind is FuzzKind.ReLU or FuzzKind.ReLU6 &&
                    result[i].WhenText == result[i + 1].WhenText)
                {
                    (result[i], result[i + 1]) = (result[i + 1], result[i]);
                    i++;
                }
            }
        }
        return result;
    }

    private static FuzzBlock TransformBlock(FuzzBlock block, int placement, Dictionary<FuzzBlock, FuzzBlock> memo)
    {
        if (!memo.TryGetValue(block, out var copy))
        {
            copy = block.CloneWithBody(new List<FuzzLayer>());
            memo[block] = copy;
            copy.Body = Transform(block.Body, placement, memo);
        }
        return copy;
    }

    /// <summary>The fuzzer's expectation of one network or variant.</summary>
    public static FuzzExpectation Expect(FuzzNetwork network)
    {
        var resolved = Resolve(network);
        var sim = new FuzzSimulation(resolved.TorchDefaults, resolved.Regularizer, limits: false);
        if (!FuzzSimulator.Run(sim, resolved.Layers, null, resolved.Input, string.Empty, out var output))
        {
            throw new InvalidOperationException($"the fuzzer built an invalid network {network.ClassName}: {sim.Failure}");
        }
        return new FuzzExpectation(network.MetadataName, resolved.Input, output, sim.Modules.ToList(), sim.Trainable, sim.NonTrainable,
            sim.Regularized.ToList(), sim.BatchNorms.ToList(), sim.Dropouts.ToList());
    }
}
