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
    public const long MaxRepeat = 4;
    public const long MaxLength = 128;

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

    /// <summary>Module paths of outputs that nothing reads (NetDsl's warning ND0103), in every scope the run walked.</summary>
    public List<string> Unread { get; } = new();
}

/// <summary>
/// The state of one scope (a network's or a block's layer list) while the fuzzer walks it: the scope's input, the
/// outputs computed so far (nodes), which name stands for which output, which outputs some layer read, and the
/// current output (what the next layer reads by position).
/// </summary>
internal sealed class FuzzScope
{
    /// <summary>The node index of the scope's input.</summary>
    public const int InputNode = -1;

    public FuzzScope(FuzzShape input)
    {
        Input = input;
    }

    public FuzzShape Input { get; }

    public List<FuzzShape> Nodes { get; private set; } = new();

    public List<string> NodeNames { get; private set; } = new();

    public HashSet<int> Read { get; private set; } = new();

    /// <summary>Name → the node it stands for (an absent layer's name stands for its input).</summary>
    public Dictionary<string, int> Names { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Names of layers that were present; an absent layer of the same name does not take the name over.</summary>
    public HashSet<string> Present { get; private set; } = new(StringComparer.Ordinal);

    public int Current { get; set; } = InputNode;

    public FuzzShape Shape(int node) => node == InputNode ? Input : Nodes[node];

    public FuzzShape CurrentShape => Shape(Current);

    /// <summary>The output a name read by a layer stands for: an earlier layer's, else (for "input") the scope's input.</summary>
    public bool TryResolve(string name, out int node)
    {
        if (Names.TryGetValue(name, out node))
        {
            return true;
        }
        node = InputNode;
        return name == "input";
    }

    /// <summary>Outputs that no layer reads, other than the current one (NetDsl warns about them, ND0103).</summary>
    public IEnumerable<int> Unread => Enumerable.Range(0, Nodes.Count).Where(i => i != Current && !Read.Contains(i));

    /// <summary>The names that stand for <paramref name="node"/> now, latest first.</summary>
    public List<string> NamesOf(int node)
    {
        var names = Names.Where(p => p.Value == node).Select(p => p.Key).OrderByDescending(n => Names[n]).ThenBy(n => n, StringComparer.Ordinal).ToList();
        if (node == InputNode && !Names.ContainsKey("input"))
        {
            names.Add("input");
        }
        return names;
    }

    public FuzzScope Clone()
    {
        var copy = (FuzzScope)MemberwiseClone();
        copy.Nodes = new List<FuzzShape>(Nodes);
        copy.NodeNames = new List<string>(NodeNames);
        copy.Read = new HashSet<int>(Read);
        copy.Names = new Dictionary<string, int>(Names, StringComparer.Ordinal);
        copy.Present = new HashSet<string>(Present, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>
/// The fuzzer's own reading of the layer semantics (Keras rules, as the README and the attribute docs state them):
/// valid window = (in − k) / s + 1 and needs in ≥ k, 'same' window = ceil(in / s), pooling stride 0 = pool size,
/// depthwise output = channels × multiplier, Add needs the scope's input shape exactly, Dense needs a flat input,
/// Flatten/GAP/ZeroPadding/convolutions/pooling need an image, BatchNorm and Dropout take either, a dropout rate
/// (a number, from a literal or an expression) lies in [0, 1), a block parameter declared double holds a double even
/// when given an int, and sizes are ints (a double where an int is needed is refused).
/// Graphs (docs/layers.md): a layer reads the previous output, or its From (an earlier layer's name, or "input");
/// an absent layer passes its input through and its name stands for that input; element-wise merges need equal
/// ranks and, per axis, equal sizes or 1 (the output takes the size that is not 1); Concatenate needs every other
/// axis equal and sums the joined one; Reshape keeps the element count (one −1 inferred); Repeat = "n" chains n
/// copies in a module named like the layer, copy k named k and evaluated with repeatIndex = k.
/// Written from the documentation, not from NetDsl's code, so the two can disagree.
/// </summary>
internal static class FuzzSimulator
{
    public const string RepeatIndex = "repeatIndex";

    /// <summary>A whole scope from its input: a network's layers or a block's body.</summary>
    public static bool Run(FuzzSimulation sim, IReadOnlyList<FuzzLayer> layers, IReadOnlyDictionary<string, FuzzValue>? variables, FuzzShape input, string prefix, out FuzzShape output)
    {
        var scope = new FuzzScope(input);
        output = input;
        if (!Continue(sim, layers, variables, scope, prefix))
        {
            return false;
        }
        foreach (var node in scope.Unread)
        {
            sim.Unread.Add(prefix + scope.NodeNames[node]);
        }
        output = scope.CurrentShape;
        return true;
    }

    /// <summary>More layers of a scope: <paramref name="scope"/> moves on past them.</summary>
    public static bool Continue(FuzzSimulation sim, IReadOnlyList<FuzzLayer> layers, IReadOnlyDictionary<string, FuzzValue>? variables, FuzzScope scope, string prefix)
    {
        variables ??= new Dictionary<string, FuzzValue>();
        foreach (var layer in layers)
        {
            try
            {
                var inputs = new List<int>();
                foreach (var name in layer.References)
                {
                    if (!scope.TryResolve(name, out var node))
                    {
                        return Fail(sim, layer, $"no output named '{name}' above it");
                    }
                    inputs.Add(node);
                }
                if (inputs.Count == 0)
                {
                    inputs.Add(scope.Current);
                    if (layer.Kind == FuzzKind.Add)
                    {
                        inputs.Add(FuzzScope.InputNode);
                    }
                }
                if (layer.When is not null)
                {
                    var condition = layer.When.Evaluate(variables);
                    if (!condition.IsBool)
                    {
                        return Fail(sim, layer, "When is not a bool");
                    }
                    if (!condition.AsBool)
                    {
                        if (!scope.Present.Contains(layer.FinalName))
                        {
                            scope.Names[layer.FinalName] = inputs[0];
                        }
                        scope.Current = inputs[0];
                        continue;
                    }
                }
                var shapes = inputs.Select(scope.Shape).ToList();
                var path = prefix + layer.FinalName;
                FuzzShape output;
                if (layer.Repeat is null)
                {
                    if (!Step(sim, layer, variables, shapes, path, out output))
                    {
                        return false;
                    }
                }
                else if (!Repeated(sim, layer, variables, shapes[0], path, out output))
                {
                    return false;
                }
                if (sim.Limits && !WithinLimits(output))
                {
                    return Fail(sim, layer, "outside the size limits: " + output);
                }
                scope.Read.UnionWith(inputs.Where(i => i != FuzzScope.InputNode));
                scope.Nodes.Add(output);
                scope.NodeNames.Add(layer.FinalName);
                scope.Current = scope.Nodes.Count - 1;
                scope.Names[layer.FinalName] = scope.Current;
                scope.Present.Add(layer.FinalName);
            }
            catch (FuzzEvaluationException e)
            {
                return Fail(sim, layer, e.Message);
            }
        }
        return true;
    }

    /// <summary>Repeat = "n": the container module, then copy k (named k) on the previous copy's output, with repeatIndex = k.</summary>
    private static bool Repeated(FuzzSimulation sim, FuzzLayer layer, IReadOnlyDictionary<string, FuzzValue> variables, FuzzShape input, string path, out FuzzShape output)
    {
        output = input;
        var count = layer.Repeat!.Evaluate(variables);
        if (!count.IsInt || count.Number < 1)
        {
            return Fail(sim, layer, "Repeat is not an int ≥ 1");
        }
        if (sim.Limits && count.Number > FuzzSimulation.MaxRepeat)
        {
            return Fail(sim, layer, "more copies than the size limits allow");
        }
        sim.Modules.Add(path);
        var shape = input;
        for (var k = 0L; k < count.Number; k++)
        {
            var inner = new Dictionary<string, FuzzValue>(variables, StringComparer.Ordinal) { [RepeatIndex] = FuzzValue.Int(k) };
            if (!Step(sim, layer, inner, new[] { shape }, path + "." + k.ToString(System.Globalization.CultureInfo.InvariantCulture), out shape))
            {
                return false;
            }
            if (sim.Limits && !WithinLimits(shape))
            {
                return Fail(sim, layer, $"copy {k} outside the size limits: {shape}");
            }
        }
        output = shape;
        return true;
    }

    private static bool WithinLimits(FuzzShape shape) => shape.Rank switch
    {
        3 => shape.Channels is >= 1 and <= FuzzSimulation.MaxChannels && shape.Height is >= 1 and <= FuzzSimulation.MaxSide &&
            shape.Width is >= 1 and <= FuzzSimulation.MaxSide,
        2 => shape.Channels is >= 1 and <= FuzzSimulation.MaxChannels && shape.Length is >= 1 and <= FuzzSimulation.MaxLength,
        _ => shape.Channels is >= 1 and <= FuzzSimulation.MaxFeatures,
    };

    private static bool Fail(FuzzSimulation sim, FuzzLayer layer, string why)
    {
        sim.Failure = layer.Kind + " " + layer.FinalName + ": " + why;
        return false;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static bool Window(long side, long window, long stride, bool same, out long output) =>
        Side(side, window, stride, 1, same ? 2 : 0, 0, false, out output);

    /// <summary>
    /// One spatial axis of a window layer (docs/layers.md, "Padding"): effective kernel e = d·(k − 1) + 1; Same:
    /// ceil(n / s); Half: p = floor((e − 1) / 2) on both sides; else p = Pad; out = floor((n + 2p − e) / s) + 1, or with
    /// ceil mode ceil(…) + 1, less one when the last window would start beyond the input and the leading padding.
    /// </summary>
    private static bool Side(long n, long kernel, long stride, long dilation, int padding, long pad, bool ceil, out long output)
    {
        var effective = dilation * (kernel - 1) + 1;
        if (padding == 2)
        {
            output = CeilDiv(n, stride);
            return output >= 1;
        }
        var p = padding == 3 ? (effective - 1) / 2 : pad;
        var span = n + 2 * p - effective;
        if (span < 0)
        {
            output = 0;
            return false;
        }
        output = (ceil ? CeilDiv(span, stride) : span / stride) + 1;
        if (ceil && (output - 1) * stride >= n + p)
        {
            output--;
        }
        return output >= 1;
    }

    /// <summary>A sample's sizes, channels (or features) first.</summary>
    private static long[] Axes(FuzzShape shape) => shape.Axes;

    private static bool FromAxes(long[] axes, out FuzzShape shape)
    {
        var made = FuzzShape.FromAxes(axes);
        shape = made ?? FuzzShape.Vector(0);
        return made is not null;
    }

    /// <summary>Element-wise merges: equal ranks; on each axis the sizes are equal or 1, and the output takes the one that is not 1.</summary>
    private static bool Elementwise(FuzzSimulation sim, FuzzLayer layer, IReadOnlyList<FuzzShape> inputs, out FuzzShape output)
    {
        output = inputs[0];
        if (layer.Kind == FuzzKind.Subtract ? inputs.Count != 2 : inputs.Count < 2)
        {
            return Fail(sim, layer, $"{inputs.Count} inputs");
        }
        if (inputs.Any(s => s.Rank != inputs[0].Rank))
        {
            return Fail(sim, layer, "inputs of different ranks");
        }
        var all = inputs.Select(Axes).ToList();
        var result = new long[all[0].Length];
        for (var axis = 0; axis < result.Length; axis++)
        {
            var wide = all.Select(a => a[axis]).Where(n => n != 1).Distinct().ToList();
            if (wide.Count > 1)
            {
                return Fail(sim, layer, $"axis {axis + 1} differs: {string.Join(", ", inputs)}");
            }
            result[axis] = wide.Count == 1 ? wide[0] : 1;
        }
        return FromAxes(result, out output);
    }

    /// <summary>Concatenate: Axis as PyTorch's dim (1 the channels, −1 the last); every other axis equal, the joined one summed.</summary>
    private static bool Concatenate(FuzzSimulation sim, FuzzLayer layer, IReadOnlyList<FuzzShape> inputs, out FuzzShape output)
    {
        output = inputs[0];
        if (inputs.Count < 2 || inputs.Any(s => s.Rank != inputs[0].Rank))
        {
            return Fail(sim, layer, "fewer than two inputs, or different ranks");
        }
        var all = inputs.Select(Axes).ToList();
        var rank = all[0].Length;
        var dim = layer.Axis ?? 1;
        var axis = dim > 0 ? dim - 1 : rank + dim;
        if (dim == 0 || axis < 0 || axis >= rank)
        {
            return Fail(sim, layer, "axis outside the input");
        }
        for (var other = 0; other < rank; other++)
        {
            if (other != axis && all.Select(a => a[other]).Distinct().Count() > 1)
            {
                return Fail(sim, layer, $"axis {other + 1} differs: {string.Join(", ", inputs)}");
            }
        }
        var result = (long[])all[0].Clone();
        result[axis] = all.Sum(a => a[axis]);
        return FromAxes(result, out output);
    }

    private static bool Step(FuzzSimulation sim, FuzzLayer layer, IReadOnlyDictionary<string, FuzzValue>? variables, IReadOnlyList<FuzzShape> inputs, string path, out FuzzShape output)
    {
        var shape = inputs[0];
        output = shape;
        variables ??= new Dictionary<string, FuzzValue>();
        if (layer.Options.Count > 0)
        {
            if (Resolve(layer, variables) is not { } resolved)
            {
                return Fail(sim, layer, "an option expression of the wrong type");
            }
            layer = resolved;
            if (layer.UseBias == false && layer.Regularizers.Any(r => r.Property.StartsWith("Bias", StringComparison.Ordinal)))
            {
                return Fail(sim, layer, "a bias λ where UseBias is false (ND0006)");
            }
        }
        switch (layer.Kind)
        {
            case FuzzKind.ActivationLayer:
                // The chosen activation with its defaults (Softmax over the last axis): every one keeps the shape and has no module.
                return true;
            case FuzzKind.Conv2D:
            case FuzzKind.DepthwiseConv2D:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var kernel = layer.KernelArg?.Value(variables) ?? layer.Kernel;
                var stride = layer.Strides?.Value(variables) ?? 1;
                var multiplier = (long)(layer.DepthMultiplier ?? 1);
                var filters = layer.Kind == FuzzKind.Conv2D ? layer.Filters!.Value(variables) : shape.Channels * multiplier;
                var groups = layer.Kind == FuzzKind.Conv2D ? layer.Groups ?? 1 : shape.Channels;
                var (kh, kw) = ((long)(layer.KernelHeight ?? kernel), (long)(layer.KernelWidth ?? kernel));
                var (sh, sw) = ((long)(layer.StrideHeight ?? stride), (long)(layer.StrideWidth ?? stride));
                var dilation = (long)(layer.Dilation ?? 1);
                if (kernel < 1 || stride < 1 || filters < 1 || multiplier < 1 || groups < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || dilation < 1)
                {
                    return Fail(sim, layer, "non-positive argument");
                }
                if (shape.Channels % groups != 0 || filters % groups != 0)
                {
                    return Fail(sim, layer, "groups do not divide the channels and filters");
                }
                if (!Sides(layer, shape, kh, kw, sh, sw, dilation, false, out var height, out var width))
                {
                    return Fail(sim, layer, "kernel larger than the input");
                }
                output = FuzzShape.Image(filters, height, width);
                sim.Trainable += kh * kw * (shape.Channels / groups) * filters + (layer.HasBias ? filters : 0);
                sim.Modules.Add(path);
                Regularize(sim, layer, path);
                return true;
            }
            case FuzzKind.SeparableConv2D:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var kernel = layer.KernelArg?.Value(variables) ?? layer.Kernel;
                var stride = layer.Strides?.Value(variables) ?? 1;
                var multiplier = (long)(layer.DepthMultiplier ?? 1);
                var filters = layer.Filters!.Value(variables);
                var dilation = (long)(layer.Dilation ?? 1);
                if (kernel < 1 || stride < 1 || filters < 1 || multiplier < 1 || dilation < 1)
                {
                    return Fail(sim, layer, "non-positive argument");
                }
                if (!Sides(layer, shape, kernel, kernel, stride, stride, dilation, false, out var height, out var width))
                {
                    return Fail(sim, layer, "kernel larger than the input");
                }
                output = FuzzShape.Image(filters, height, width);
                var middle = shape.Channels * multiplier;
                sim.Trainable += kernel * kernel * middle + middle * filters + (layer.HasBias ? filters : 0);
                sim.Modules.Add(path);
                sim.Modules.Add(path + ".depthwise");
                sim.Modules.Add(path + ".pointwise");
                RegularizeSeparable(sim, layer, path);
                return true;
            }
            case FuzzKind.Conv2DTranspose:
            {
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var kernel = layer.KernelArg?.Value(variables) ?? layer.Kernel;
                var stride = layer.Strides?.Value(variables) ?? 1;
                var filters = layer.Filters!.Value(variables);
                var dilation = (long)(layer.Dilation ?? 1);
                var pad = (long)(layer.Pad ?? 0);
                var extra = (long)(layer.OutputPadding ?? 0);
                if (kernel < 1 || stride < 1 || filters < 1 || dilation < 1 || pad < 0 || extra < 0 || extra >= stride && extra >= dilation)
                {
                    return Fail(sim, layer, "bad argument");
                }
                // PyTorch's ConvTranspose2d: (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1.
                long Side(long n) => (n - 1) * stride - 2 * pad + dilation * (kernel - 1) + extra + 1;
                output = FuzzShape.Image(filters, Side(shape.Height), Side(shape.Width));
                if (output.Height < 1 || output.Width < 1)
                {
                    return Fail(sim, layer, "output side below 1");
                }
                sim.Trainable += shape.Channels * filters * kernel * kernel + (layer.HasBias ? filters : 0);
                sim.Modules.Add(path);
                Regularize(sim, layer, path);
                return true;
            }
            case FuzzKind.Conv1D:
            {
                if (!shape.IsSequence)
                {
                    return Fail(sim, layer, "needs a sequence");
                }
                var kernel = layer.KernelArg?.Value(variables) ?? layer.Kernel;
                var stride = layer.Strides?.Value(variables) ?? 1;
                var filters = layer.Filters!.Value(variables);
                var groups = (long)(layer.Groups ?? 1);
                var dilation = (long)(layer.Dilation ?? 1);
                if (kernel < 1 || stride < 1 || filters < 1 || groups < 1 || dilation < 1)
                {
                    return Fail(sim, layer, "non-positive argument");
                }
                if (shape.Channels % groups != 0 || filters % groups != 0)
                {
                    return Fail(sim, layer, "groups do not divide the channels and filters");
                }
                if (!Side(shape.Length, kernel, stride, dilation, layer.PaddingStyle, layer.Pad ?? 0, false, out var length))
                {
                    return Fail(sim, layer, "kernel longer than the sequence");
                }
                output = FuzzShape.Sequence(filters, length);
                sim.Trainable += kernel * (shape.Channels / groups) * filters + (layer.HasBias ? filters : 0);
                sim.Modules.Add(path);
                Regularize(sim, layer, path);
                return true;
            }
            case FuzzKind.Dense:
            {
                if (!shape.IsFlat)
                {
                    return Fail(sim, layer, "needs a flat input");
                }
                var units = layer.Units!.Value(variables);
                if (units < 1)
                {
                    return Fail(sim, layer, "units < 1");
                }
                if (layer.InFeatures is { } declared && declared != shape.Channels)
                {
                    return Fail(sim, layer, $"InFeatures = {declared} on {shape}");
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
                sim.Trainable += layer.Affine == false ? 0 : 2 * shape.Channels;
                sim.NonTrainable += layer.TrackRunningStats == false ? 0 : 2 * shape.Channels;
                sim.Modules.Add(path);
                sim.BatchNorms.Add(new FuzzBatchNormSetting(path, epsilon, 1 - momentum));
                return true;
            }
            case FuzzKind.LayerNormalization:
            case FuzzKind.GroupNormalization:
            case FuzzKind.InstanceNormalization:
            {
                if (layer.Epsilon is { } e && !(e.Value > 0))
                {
                    return Fail(sim, layer, "epsilon ≤ 0");
                }
                if (layer.Kind == FuzzKind.GroupNormalization)
                {
                    var groups = (long)(layer.Groups ?? 32);
                    if (shape.IsFlat || groups < 1 || shape.Channels % groups != 0)
                    {
                        return Fail(sim, layer, "groups do not divide the channels, or a flat input");
                    }
                }
                if (layer.Kind == FuzzKind.InstanceNormalization && !shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                // LayerNormalization: over the last axis; the others: per channel.
                var features = layer.Kind == FuzzKind.LayerNormalization ? shape.Last : shape.Channels;
                sim.Trainable += layer.Affine == false ? 0 : 2 * features;
                sim.Modules.Add(path);
                return true;
            }
            case FuzzKind.PReLU:
                sim.Trainable += layer.Channelwise == true ? shape.Channels : 1;
                sim.Modules.Add(path);
                return true;
            case FuzzKind.LeakyReLU:
                return layer.Alpha is not { } slope || slope.Value >= 0 || Fail(sim, layer, "alpha < 0");
            case FuzzKind.ELU:
                return layer.Alpha is not { } scale || scale.Value > 0 || Fail(sim, layer, "alpha ≤ 0");
            case FuzzKind.Softmax:
            {
                var axis = layer.Axis ?? -1;
                var resolved = axis < 0 ? axis + shape.Rank + 1 : axis;
                return resolved >= 1 && resolved <= shape.Rank || Fail(sim, layer, "axis outside the input");
            }
            case FuzzKind.ReLU:
            case FuzzKind.ReLU6:
            case FuzzKind.Sigmoid:
            case FuzzKind.Tanh:
            case FuzzKind.SiLU:
            case FuzzKind.HardSigmoid:
            case FuzzKind.HardSwish:
            case FuzzKind.Mish:
            case FuzzKind.GELU:
                return true;
            case FuzzKind.Dropout:
            case FuzzKind.SpatialDropout2D:
            case FuzzKind.AlphaDropout:
            {
                if (layer.Kind == FuzzKind.SpatialDropout2D && !shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                var rate = layer.Rate.Value;
                if (layer.RateExpression is not null)
                {
                    var value = layer.RateExpression.Evaluate(variables);
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
                sim.Dropouts.Add(new FuzzDropoutSetting(path, rate, layer.Kind.ToString()));
                return true;
            }
            case FuzzKind.Flatten:
                if (shape.IsFlat)
                {
                    return Fail(sim, layer, "nothing to flatten");
                }
                output = FuzzShape.Vector(shape.Size);
                return true;
            case FuzzKind.GlobalAveragePooling2D:
            case FuzzKind.GlobalMaxPooling2D:
                if (!shape.IsImage)
                {
                    return Fail(sim, layer, "needs an image");
                }
                output = FuzzShape.Vector(shape.Channels);
                return true;
            case FuzzKind.ZeroPadding2D:
            case FuzzKind.Cropping2D:
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
                    return Fail(sim, layer, "negative side");
                }
                var sign = layer.Kind == FuzzKind.Cropping2D ? -1 : 1;
                output = FuzzShape.Image(shape.Channels, shape.Height + sign * (top + bottom), shape.Width + sign * (left + right));
                return output.Height >= 1 && output.Width >= 1 || Fail(sim, layer, "cropped to nothing");
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
                var ceil = layer.CeilMode == true;
                if (layer.Pad is { } pad && (pad < 0 || 2 * pad > pool) || ceil && layer.Same)
                {
                    return Fail(sim, layer, "pad above half the window, or ceil mode with Same");
                }
                if (!Side(shape.Height, pool, stride, 1, layer.PaddingStyle, layer.Pad ?? 0, ceil, out var height) ||
                    !Side(shape.Width, pool, stride, 1, layer.PaddingStyle, layer.Pad ?? 0, ceil, out var width))
                {
                    return Fail(sim, layer, "window larger than the input");
                }
                output = FuzzShape.Image(shape.Channels, height, width);
                return true;
            }
            case FuzzKind.UpSampling2D:
            {
                var factor = layer.Sizes.Length > 0 ? layer.Sizes[0] : 2;
                if (!shape.IsImage || factor < 1 || layer.AlignCorners == true && layer.Bilinear != true)
                {
                    return Fail(sim, layer, "needs an image, a factor ≥ 1, and bilinear for AlignCorners");
                }
                output = FuzzShape.Image(shape.Channels, shape.Height * factor, shape.Width * factor);
                return true;
            }
            case FuzzKind.AdaptiveAveragePooling2D:
            {
                var (h, w) = layer.Sizes.Length == 1 ? (layer.Sizes[0], layer.Sizes[0]) : (layer.Sizes[0], layer.Sizes[1]);
                if (!shape.IsImage || h < 1 || w < 1)
                {
                    return Fail(sim, layer, "needs an image and sizes ≥ 1");
                }
                output = FuzzShape.Image(shape.Channels, h, w);
                return true;
            }
            case FuzzKind.ChannelShuffle:
            {
                var groups = (long)(layer.Groups ?? 1);
                return shape.IsImage && groups >= 1 && shape.Channels % groups == 0 || Fail(sim, layer, "needs an image, and groups dividing the channels");
            }
            case FuzzKind.Chunk:
            {
                // docs/layers.md: C/chunks channels (features), the other axes kept; chunks ≥ 1 dividing C, 0 ≤ index < chunks.
                var chunks = layer.Chunks!.Value(variables);
                var index = layer.ChunkIndex!.Value(variables);
                if (chunks < 1 || index < 0 || index >= chunks || shape.Channels % chunks != 0)
                {
                    return Fail(sim, layer, $"chunk {index} of {chunks} of {shape}");
                }
                var axes = shape.Axes;
                axes[0] = shape.Channels / chunks;
                return FromAxes(axes, out output);
            }
            case FuzzKind.Permute:
            {
                var order = layer.Dimensions;
                if (order.Length != shape.Rank || !order.OrderBy(d => d).SequenceEqual(Enumerable.Range(1, shape.Rank)))
                {
                    return Fail(sim, layer, "not an order of the axes");
                }
                var axes = shape.Axes;
                return FromAxes(order.Select(d => axes[d - 1]).ToArray(), out output);
            }
            case FuzzKind.Custom:
            {
                // Its declared output: expressions read this layer's own input size.
                var own = new Dictionary<string, FuzzValue>(variables, StringComparer.Ordinal)
                {
                    ["inputChannels"] = FuzzValue.Int(shape.Channels),
                    ["inputHeight"] = FuzzValue.Int(shape.ImageHeight),
                    ["inputWidth"] = FuzzValue.Int(shape.ImageWidth),
                };
                var declared = layer.OutputShape.Select(a => a.Value(own)).ToArray();
                if (declared.Length is < 1 or > 3 || declared.Any(d => d < 1) || !FromAxes(declared, out output))
                {
                    return Fail(sim, layer, "declared output outside what the fuzzer tracks");
                }
                var module = layer.CustomModule!;
                // What the module really gives and has: the declaration must say so, or the network throws when built or run.
                var (actual, parameters) = module.Style switch
                {
                    0 => (shape, 0L),
                    1 => (shape, shape.Channels),
                    _ => (shape.IsImage && shape.Height % 2 == 0 && shape.Width % 2 == 0 ? FuzzShape.Image(shape.Channels * 4, shape.Height / 2, shape.Width / 2) : (FuzzShape?)null, 0L),
                };
                if (actual != output || parameters != layer.CustomParameters)
                {
                    return Fail(sim, layer, "the declaration differs from what the module does");
                }
                sim.Trainable += parameters;
                sim.Modules.Add(path);
                return true;
            }
            case FuzzKind.Add when layer.Inputs.Count == 0:
                // [Add]: the previous output and the scope's input, which must be equal (no broadcasting).
                return inputs[0] == inputs[1] || Fail(sim, layer, $"Add of {inputs[0]} to {inputs[1]}");
            case FuzzKind.Add:
            case FuzzKind.Subtract:
            case FuzzKind.Multiply:
            case FuzzKind.Average:
            case FuzzKind.Maximum:
            case FuzzKind.Minimum:
                return Elementwise(sim, layer, inputs, out output);
            case FuzzKind.Concatenate:
                return Concatenate(sim, layer, inputs, out output);
            case FuzzKind.Reshape:
            {
                var dims = layer.Dimensions.Select(d => (long)d).ToArray();
                var known = dims.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
                if (dims.Length == 0 || dims.Count(d => d == -1) > 1 || dims.Any(d => d == 0 || d < -1) || shape.Size % known != 0)
                {
                    return Fail(sim, layer, "bad dimensions");
                }
                dims = dims.Select(d => d == -1 ? shape.Size / known : d).ToArray();
                if (dims.Aggregate(1L, (a, d) => a * d) != shape.Size || !FromAxes(dims, out output))
                {
                    return Fail(sim, layer, "reshape changes the element count, or to a rank the fuzzer does not track");
                }
                return true;
            }
            case FuzzKind.Block:
            {
                var block = layer.Block!;
                if (block.InputContract is { } contract &&
                    (contract.Length != shape.Rank || contract.Zip(shape.Axes).Any(p => p.First != 0 && p.First != p.Second)))
                {
                    return Fail(sim, layer, "the block's [Input] contract differs from " + shape);
                }
                var inner = new Dictionary<string, FuzzValue>(StringComparer.Ordinal)
                {
                    ["inputChannels"] = FuzzValue.Int(shape.Channels),
                    ["inputHeight"] = FuzzValue.Int(shape.ImageHeight),
                    ["inputWidth"] = FuzzValue.Int(shape.ImageWidth),
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
                    if (value.Type != parameter.Type || value.EnumType != parameter.EnumType)
                    {
                        return Fail(sim, layer, "argument type of " + parameter.Name);
                    }
                    inner[parameter.Name] = value;
                }
                // A Let value is evaluated where the scope starts: one that fails (a division by zero) fails the use.
                foreach (var let in block.Lets.Where(l => !l.IsFunction))
                {
                    let.Body.Evaluate(inner);
                }
                sim.Modules.Add(path);
                if (block.InputNames is { } names)
                {
                    // [BlockInputs]: one name per input in the use's From; the first input is the scope's input (also
                    // read by its name), the others outputs of their own that the body reads by name.
                    if (inputs.Count != names.Count)
                    {
                        return Fail(sim, layer, $"{block.Name} reads {names.Count} inputs, the use names {inputs.Count}");
                    }
                    var scope = new FuzzScope(shape);
                    scope.Names[names[0]] = FuzzScope.InputNode;
                    for (var i = 1; i < names.Count; i++)
                    {
                        scope.Nodes.Add(inputs[i]);
                        scope.NodeNames.Add(names[i]);
                        scope.Names[names[i]] = scope.Nodes.Count - 1;
                    }
                    if (!Continue(sim, block.Body, inner, scope, path + "."))
                    {
                        return false;
                    }
                    foreach (var node in scope.Unread)
                    {
                        sim.Unread.Add(path + "." + scope.NodeNames[node]);
                    }
                    output = scope.CurrentShape;
                    return true;
                }
                if (inputs.Count != 1)
                {
                    return Fail(sim, layer, "several names on a block of one input");
                }
                return Run(sim, block.Body, inner, shape, path + ".", out output);
            }
            default:
                throw new InvalidOperationException(layer.Kind.ToString());
        }
    }

    /// <summary>
    /// The layer with its option expressions evaluated into the literal fields, or null where one has the wrong type
    /// (an int property given a bool, an Activation given a Padding, ...).
    /// </summary>
    private static FuzzLayer? Resolve(FuzzLayer layer, IReadOnlyDictionary<string, FuzzValue> variables)
    {
        var copy = layer.Clone();
        foreach (var (property, expression) in layer.Options)
        {
            var value = expression.Evaluate(variables);
            int? Int() => value.IsInt && value.Number is >= int.MinValue and <= int.MaxValue ? (int)value.Number : null;
            bool? Bool() => value.IsBool ? value.AsBool : null;
            switch (property)
            {
                case "Pad" or "PadHeight" or "PadWidth" or "Dilation" or "Groups":
                    if (Int() is not { } n)
                    {
                        return null;
                    }
                    _ = property switch
                    {
                        "Pad" => copy.Pad = n,
                        "PadHeight" => copy.PadHeight = n,
                        "PadWidth" => copy.PadWidth = n,
                        "Dilation" => copy.Dilation = n,
                        _ => copy.Groups = n,
                    };
                    break;
                case "UseBias" or "CeilMode" or "CountIncludePad":
                    if (Bool() is not { } b)
                    {
                        return null;
                    }
                    _ = property switch
                    {
                        "UseBias" => copy.UseBias = b,
                        "CeilMode" => copy.CeilMode = b,
                        _ => copy.CountIncludePad = b,
                    };
                    break;
                case "Epsilon":
                    if (value.IsBool || value.IsEnum)
                    {
                        return null;
                    }
                    copy.Epsilon = new FuzzNumber(value.Real, FuzzValue.DoubleText(value.Real));
                    break;
                case "Padding":
                    if (value.EnumType != FuzzEnumType.Padding)
                    {
                        return null;
                    }
                    // Valid 1, Same 2, Half 3 (0: not written, which is Valid too).
                    copy.PaddingStyle = (int)value.Number + 1;
                    break;
                case "Activation" or "activation":
                    if (value.EnumType != FuzzEnumType.Activation)
                    {
                        return null;
                    }
                    copy.Activation = value.Member == "None" ? null : value.Member;
                    break;
                default:
                    throw new InvalidOperationException("option " + property);
            }
        }
        return copy;
    }

    /// <summary>
    /// SeparableConv2D: its own λs on the depthwise kernel, the pointwise kernel and the pointwise bias; where it sets
    /// none, the network default on both kernels (RegularizedLayers.Convolutions) and, with Biases, the bias.
    /// </summary>
    private static void RegularizeSeparable(FuzzSimulation sim, FuzzLayer layer, string path)
    {
        double Own(string property) => layer.Regularizers.Where(r => r.Property == property).Select(r => r.Value.Value).LastOrDefault();
        double d1 = Own("DepthwiseL1"), d2 = Own("DepthwiseL2"), p1 = Own("PointwiseL1"), p2 = Own("PointwiseL2");
        var b1 = layer.HasBias ? Own("BiasL1") : 0;
        var b2 = layer.HasBias ? Own("BiasL2") : 0;
        if (layer.Regularizers.Count == 0 && sim.Defaults is { Convolutions: true } d)
        {
            d1 = p1 = d.L1?.Value ?? 0;
            d2 = p2 = d.L2?.Value ?? 0;
            var biases = d.Biases == true && layer.HasBias;
            b1 = biases ? d1 : 0;
            b2 = biases ? d2 : 0;
        }
        if (d1 != 0 || d2 != 0)
        {
            sim.Regularized.Add(new FuzzRegularizedWeight(path + ".depthwise", d1, d2, 0, 0));
        }
        if (p1 != 0 || p2 != 0 || b1 != 0 || b2 != 0)
        {
            sim.Regularized.Add(new FuzzRegularizedWeight(path + ".pointwise", p1, p2, b1, b2));
        }
    }

    /// <summary>Height and width of a 2-D window layer's output from its Padding, Pad, PadHeight and PadWidth.</summary>
    private static bool Sides(FuzzLayer layer, FuzzShape shape, long kh, long kw, long sh, long sw, long dilation, bool ceil, out long height, out long width)
    {
        var pad = (long)(layer.Pad ?? 0);
        width = 0;
        return Side(shape.Height, kh, sh, dilation, layer.PaddingStyle, layer.PadHeight ?? pad, ceil, out height) &&
            Side(shape.Width, kw, sw, dilation, layer.PaddingStyle, layer.PadWidth ?? pad, ceil, out width);
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
                // Removed: the layer is never present, so its name stands for its input (a merge may read it).
                var removed = layer.Clone();
                removed.When = new FuzzBoolLiteral(false);
                result.Add(removed);
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
            // BN → Activation becomes Activation → BN wherever the activation reads the BatchNorm (by position or by
            // its name) and the two run under the same condition: the activation reads what the BatchNorm read, the
            // BatchNorm the activation, and every later name of either means the same place of the pair as before
            // (the pair's output, now the BatchNorm's, or its middle, now the activation's).
            for (var i = 0; i + 1 < result.Count; i++)
            {
                var (norm, activation) = (result[i], result[i + 1]);
                if (norm.Kind == FuzzKind.BatchNorm && (FuzzLayer.IsActivationKind(activation.Kind) || activation.Kind == FuzzKind.ActivationLayer) && (activation.From is null || activation.From == norm.FinalName) &&
                    norm.WhenText == activation.WhenText)
                {
                    var first = activation.Clone();
                    first.From = norm.From;
                    var second = norm.Clone();
                    second.From = null;
                    result[i] = first;
                    result[i + 1] = second;
                    for (var later = i + 2; later < result.Count; later++)
                    {
                        if (result[later].References.Any(r => r == norm.FinalName || r == activation.FinalName))
                        {
                            var copy = result[later].Clone();
                            string Swap(string r) => r == activation.FinalName ? norm.FinalName : r == norm.FinalName ? activation.FinalName : r;
                            copy.From = copy.From is null ? null : Swap(copy.From);
                            for (var k = 0; k < copy.Inputs.Count; k++)
                            {
                                copy.Inputs[k] = Swap(copy.Inputs[k]);
                            }
                            result[later] = copy;
                        }
                    }
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
