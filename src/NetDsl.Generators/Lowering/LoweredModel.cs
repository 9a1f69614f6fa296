using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Layers;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;

namespace NetDsl.Generators.Lowering;

// The lowered network: every block use expanded with its concrete arguments, every expression and When resolved,
// every padding explicit, every node's input and output shapes known. Value-equal records, like the parsed model, so
// the incremental pipeline caches them; every emitter (TorchSharp today, ONNX and PyTorch next) reads only this.

/// <summary>The λs of one parameter of a layer's module: its path below the module ("weight", "Pointwise.bias").</summary>
internal sealed record WeightPenalty(string Parameter, double L1, double L2);

/// <summary>λs of the weights of one layer after the network-wide default has been applied (only non-zero ones).</summary>
internal sealed record LayerRegularizers(EquatableArray<WeightPenalty> Terms)
{
    public static readonly LayerRegularizers None = new(EquatableArray<WeightPenalty>.Empty);

    public bool Any => Terms.Count > 0;
}

/// <summary>One layer (or block use) of a lowered scope.</summary>
/// <param name="Name">The module name in its scope (the state-dict key segment).</param>
/// <param name="Kind">The catalogue name (<see cref="LayerCatalog"/>), or <see cref="LayerSpec.BlockKind"/>.</param>
/// <param name="Inputs">Indices of the earlier nodes of the scope it reads, in order; −1 is the scope's input.</param>
/// <param name="Trainable">Trainable values of this layer (of the whole body for a block).</param>
internal sealed record LoweredNode(
    string Name,
    string Kind,
    EquatableArray<int> Inputs,
    EquatableArray<Shape> InputShapes,
    Shape Output,
    LayerArguments Arguments,
    long Trainable,
    long NonTrainable,
    long MultiplyAdds,
    LayerRegularizers Regularizers,
    LoweredBlock? Block)
{
    public bool IsBlock => Block is not null;

    /// <summary>An activation applied to the output (<c>Activation = ...</c>): its kind's node, reading this one's output.</summary>
    public LoweredNode? Activation { get; init; }

    /// <summary>
    /// The layer's name in exchanged weight files, below its scope's (its evaluated <c>Key</c>); null: its
    /// <see cref="Name"/>. Empty on a block whose layers sit directly under the enclosing path.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>The key segment in exchanged weight files: <see cref="Key"/>, else the module name.</summary>
    public string ExchangeKey => Key ?? Name;

    /// <summary>
    /// How much of <see cref="Output"/> is known: all of it in a network without errors; after a layer that failed,
    /// its rank only, or nothing (inference goes on past an error to report independent ones, and checks against a
    /// partly known shape only what it knows).
    /// </summary>
    public ShapeKnowledge Knowledge { get; init; } = ShapeKnowledge.Full;

    /// <summary>Whether the node's own module holds tensors (weights or running statistics, or a custom module's).</summary>
    public bool HoldsTensors => Block is null && (Trainable + NonTrainable > 0 || Kind == "Custom");
}

/// <summary>What inference knows of a shape after an error: everything, the rank only, or nothing.</summary>
internal enum ShapeKnowledge
{
    None,
    Rank,
    Full,
}

/// <summary>A block use, expanded.</summary>
/// <param name="TypeName">The block's attribute class (NetDsl.Samples.Models.BottleneckAttribute).</param>
/// <param name="Name">The block's name (Bottleneck).</param>
/// <param name="Arguments">Its concrete arguments as written in a doc comment: "outChannels: 24".</param>
internal sealed record LoweredBlock(string TypeName, string Name, EquatableArray<string> Arguments, LoweredScope Body);

/// <summary>
/// A layer list with its input; <paramref name="Output"/> is the index of the node whose output it returns (−1: its
/// input). A block with several inputs has the others in <see cref="ExtraInputs"/>: node input −2 is the second.
/// </summary>
internal sealed record LoweredScope(Shape Input, EquatableArray<LoweredNode> Nodes, int Output)
{
    /// <summary>How much of the output shape is known (less than Full only in a network with errors).</summary>
    public ShapeKnowledge OutputKnowledge { get; init; } = ShapeKnowledge.Full;

    /// <summary>The shapes of inputs 2, 3, … of a block with [BlockInputs].</summary>
    public EquatableArray<Shape> ExtraInputs { get; init; } = EquatableArray<Shape>.Empty;

    /// <summary>The names the scope's layers read its inputs by ("input", or the block's [BlockInputs]).</summary>
    public EquatableArray<string> InputNames { get; init; } = new[] { "input" }.ToEquatableArray();

    public int InputCount => 1 + ExtraInputs.Count;

    public Shape OutputShape => ShapeOf(Output);

    public Shape ShapeOf(int index) => index == -1 ? Input : index < -1 ? ExtraInputs[-index - 2] : Nodes[index].Output;

    /// <summary>The name of node input <paramref name="index"/>: a scope input's name, or the node's.</summary>
    public string NameOf(int index) => index < 0 ? InputNames[-index - 1] : Nodes[index].Name;

    /// <summary>Trainable and non-trainable values and multiply-adds of all its nodes (checked: ND0018 beyond 64 bits).</summary>
    public (long Trainable, long NonTrainable, long MultiplyAdds) Totals()
    {
        long trainable = 0, nonTrainable = 0, macs = 0;
        foreach (var node in Nodes)
        {
            trainable = checked(trainable + node.Trainable);
            nonTrainable = checked(nonTrainable + node.NonTrainable);
            macs = checked(macs + node.MultiplyAdds);
        }
        return (trainable, nonTrainable, macs);
    }
}

/// <summary>The modules of a lowered tree that hold tensors, with their module path and their key in exchanged weight files.</summary>
internal static class TensorModules
{
    /// <summary>Every tensor-holding module below <paramref name="scope"/>: (module path, key), both relative to it.</summary>
    public static IEnumerable<(string Module, string Key)> Of(LoweredScope scope)
    {
        foreach (var node in scope.Nodes)
        {
            foreach (var entry in Of(node))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The tensor-holding modules of one node: itself, or those of its body below its name and key.</summary>
    public static IEnumerable<(string Module, string Key)> Of(LoweredNode node)
    {
        if (node.Block is { } block)
        {
            foreach (var (module, key) in Of(block.Body))
            {
                yield return (node.Name + "." + module, node.ExchangeKey.Length == 0 ? key : node.ExchangeKey + "." + key);
            }
        }
        else if (node.HoldsTensors)
        {
            yield return (node.Name, node.ExchangeKey);
        }
    }

    /// <summary>Whether any node of the tree declares a Key.</summary>
    public static bool AnyKey(LoweredScope scope) => scope.Nodes.Any(n => n.Key is not null || n.Block is { } block && AnyKey(block.Body));
}

/// <summary>
/// Which layers compute in place, overwriting an input, as torchvision's in-place ReLUs and residual sums do: a graph
/// fact every emitter and the memory estimate share. A layer may where its kind has an in-place form and the input it
/// overwrites is an output of the same scope that only it reads, that the scope does not return, that has the layer's
/// shape, and that its producer's backward does not need (a convolution's, BatchNorm's or a sum's output, never an
/// activation's or a view).
/// </summary>
internal static class InPlace
{
    /// <summary>The position, among node <paramref name="index"/>'s inputs, of the one it overwrites; −1: none.</summary>
    public static int Target(LoweredScope scope, int index)
    {
        var node = scope.Nodes[index];
        if (node.IsBlock || LayerCatalog.Get(node.Kind) is not { } kind || !kind.CanRunInPlace(node))
        {
            return -1;
        }
        var count = kind.InPlaceIntoAnyInput ? node.Inputs.Count : Math.Min(1, node.Inputs.Count);
        for (var position = 0; position < count; position++)
        {
            var k = node.Inputs[position];
            if (k >= 0 && k != scope.Output && scope.Nodes[k] is { IsBlock: false, Activation: null } producer &&
                LayerCatalog.Get(producer.Kind).OutputMayBeOverwritten && producer.Output == node.Output && Readings(scope, k) == 1)
            {
                return position;
            }
        }
        return -1;
    }

    /// <summary>Whether a layer's activation shorthand may overwrite the layer's own fresh output.</summary>
    public static bool ActivationInPlace(LoweredNode node) =>
        node.Activation is { } activation && !node.IsBlock && LayerCatalog.Get(node.Kind).OutputMayBeOverwritten &&
        LayerCatalog.Get(activation.Kind).CanRunInPlace(activation);

    private static int Readings(LoweredScope scope, int k)
    {
        var readings = 0;
        foreach (var node in scope.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                readings += input == k ? 1 : 0;
            }
        }
        return readings;
    }
}

/// <summary>
/// The compile-time memory estimate of a lowered network: the bytes of its parameters and buffers, and the activation
/// values of one sample: for training, every layer's output (what autograd keeps for the backward pass); for inference,
/// the most outputs alive at once when each is freed after its last reader.
/// </summary>
internal static class Memory
{
    /// <summary>Bytes of every parameter and buffer (each kind's <see cref="LayerKind.StateBytes"/>).</summary>
    public static long StateBytes(LoweredScope scope)
    {
        long bytes = 0;
        foreach (var node in scope.Nodes)
        {
            bytes = Add(bytes, node.Block is { } block ? StateBytes(block.Body) : Kind(node).StateBytes(node));
        }
        return bytes;
    }

    /// <summary>Values of every output the scope's layers produce, per sample (an activation shorthand's too).</summary>
    public static long OutputValues(LoweredScope scope)
    {
        long values = 0;
        for (var i = 0; i < scope.Nodes.Count; i++)
        {
            var node = scope.Nodes[i];
            values = Add(values, node.Block is { } block ? OutputValues(block.Body) : InPlace.Target(scope, i) >= 0 ? 0 : Own(node));
        }
        return values;
    }

    /// <summary>The most output values alive at once while the scope runs (its inputs not counted), per sample.</summary>
    public static long PeakValues(LoweredScope scope)
    {
        var count = scope.Nodes.Count;
        var lastReader = new int[count];
        for (var i = 0; i < count; i++)
        {
            lastReader[i] = i == scope.Output ? int.MaxValue : -1;
        }
        for (var i = 0; i < count; i++)
        {
            foreach (var input in scope.Nodes[i].Inputs)
            {
                if (input >= 0 && lastReader[input] != int.MaxValue)
                {
                    lastReader[input] = Math.Max(lastReader[input], i);
                }
            }
        }
        long live = 0, peak = 0;
        for (var i = 0; i < count; i++)
        {
            var node = scope.Nodes[i];
            // While a layer runs, its inputs are alive and so is what it is producing (a block: its own peak).
            // An in-place layer writes into its input, which only it reads: nothing more is alive.
            var running = node.Block is { } block ? PeakValues(block.Body) : InPlace.Target(scope, i) >= 0 ? 0 : Own(node);
            peak = Math.Max(peak, Add(live, running));
            live = Add(live, node.Output.Size);
            for (var k = 0; k <= i; k++)
            {
                if (lastReader[k] == i || k == i && lastReader[k] < 0)
                {
                    live = live == long.MaxValue ? live : live - scope.Nodes[k].Output.Size;
                }
            }
        }
        return peak;
    }

    /// <summary>A sum that stops at <see cref="long.MaxValue"/>: an estimate beyond 8 EiB says only that (a size beyond 64 bits is ND0018 elsewhere).</summary>
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>A product that stops at <see cref="long.MaxValue"/> (both factors ≥ 0).</summary>
    public static long Times(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    private static LayerKind Kind(LoweredNode node) => LayerCatalog.Get(node.Kind);

    /// <summary>A layer's own outputs: its output, and its activation's where it has the shorthand (unless in place).</summary>
    private static long Own(LoweredNode node) => node.Activation is null || InPlace.ActivationInPlace(node) ? node.Output.Size : Add(node.Output.Size, node.Output.Size);
}

/// <summary>A whole network, lowered.</summary>
internal sealed record LoweredNetwork(LoweredScope Body, bool GlorotUniform);
