using Microsoft.CodeAnalysis;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Layers;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;
using NetDsl.Generators.Shapes;
using NetDsl.Generators.Diagnostics;

namespace NetDsl.Generators.Lowering;

/// <summary>Thrown once a diagnostic that stops lowering has been reported.</summary>
internal sealed class StopLowering : Exception
{
}

/// <summary>
/// Expands a checked network into its <see cref="LoweredNetwork"/>: walks every scope with concrete values (block
/// arguments, the inferred input shape), resolves each layer's inputs by name, and asks each layer's kind for its
/// output and counts. Reports through <paramref name="report"/>. A layer that fails stops with <see cref="StopLowering"/>
/// and the walk goes on past it, as a compiler does: its output keeps what is still known (the rank after a window that
/// does not fit, else nothing), and a later layer that reads it reports only what that knowledge proves (a Dense fed a
/// feature map), never a follow-up of the first error.
/// </summary>
internal sealed class Lowerer
{
    public static readonly string[] ImplicitVariables = { "inputChannels", "inputHeight", "inputWidth" };

    /// <summary>The copy's index inside a <c>Repeat</c>: 0 for the first.</summary>
    public const string RepeatIndex = "repeatIndex";

    /// <summary>How deep a block may hold itself (under a When) before lowering calls the recursion endless.</summary>
    public const int MaxRecursion = 32;

    /// <summary>The name a layer uses for the scope's input.</summary>
    public const string InputName = "input";

    private readonly NetworkModel model;
    private readonly Dictionary<string, BlockDefinition> blocks;
    private readonly Action<DiagnosticInfo> report;
    private readonly List<BlockDefinition> owners = new();
    private readonly Stack<Dictionary<string, FunctionDefinition>> functions = new();
    private readonly Dictionary<string, ExpressionValue> enumMembers;

    /// <summary>The block usages being lowered, outermost first: a failure inside is reported at the innermost one.</summary>
    private readonly List<SourceSpan?> usages = new();

    /// <summary>The layers being lowered, innermost last, with what is known of their inputs.</summary>
    private readonly List<(LayerSpec Layer, ShapeKnowledge Inputs)> lowering = new();

    /// <summary>The most a scope being lowered knows of its inputs (less than Full inside a block fed a failed output).</summary>
    private readonly Stack<ShapeKnowledge> caps = new();

    /// <summary>The nodes and specs of the scopes being lowered, innermost last (what a code fix's data is read from).</summary>
    private readonly List<(List<LoweredNode> Nodes, List<LayerSpec> Specs)> scopes = new();

    /// <summary>The rule of the last failure, reported or not.</summary>
    private DiagnosticDescriptor? lastFailure;

    /// <summary>Sizes given to the axes of an output known by rank only: large enough for any window to fit.</summary>
    internal const long UnknownSize = 512;

    /// <param name="enumMembers">The network's enum members by every name an expression may use (<see cref="EnumTypes.Members"/>).</param>
    public Lowerer(NetworkModel model, Dictionary<string, ExpressionValue> enumMembers, Action<DiagnosticInfo> report)
    {
        this.model = model;
        this.report = report;
        this.enumMembers = enumMembers;
        blocks = model.Blocks.ToDictionary(b => b.TypeName);
    }

    public LoweredNetwork Lower(Shape input)
    {
        caps.Push(ShapeKnowledge.Full);
        return new(LowerScope(model.Layers, new Dictionary<string, ExpressionValue>(enumMembers), new[] { input }, new[] { InputName }, string.Empty, null, null, new List<string>()), model.GlorotUniform);
    }

    private Exception Fail(DiagnosticDescriptor rule, SourceSpan? span, params string[] arguments) => Fail(rule.At(span, arguments));

    /// <summary>
    /// Reports the failure of the layer being lowered — unless that layer reads an output inference could not finish,
    /// where only a wrong rank is certain — and stops lowering the layer. Inside a block, the diagnostic carries the
    /// failing layer's attribute and the outer usages as additional locations (innermost first), and property
    /// <c>Layer</c> says which location is the failing layer's attribute (0: the diagnostic's own, k: additional k).
    /// </summary>
    private Exception Fail(DiagnosticInfo diagnostic)
    {
        lastFailure = Rules.Get(diagnostic.Id);
        var inputs = lowering.Count > 0 ? lowering[lowering.Count - 1].Inputs : ShapeKnowledge.Full;
        if (inputs == ShapeKnowledge.Full || inputs == ShapeKnowledge.Rank && diagnostic.Id == Rules.WrongInputRank.Id)
        {
            report(Locate(diagnostic));
        }
        return new StopLowering();
    }

    /// <summary>The diagnostic with the failing layer and the usages that lead to it as additional locations.</summary>
    private DiagnosticInfo Locate(DiagnosticInfo diagnostic)
    {
        var extra = new List<SourceSpan>();
        var layer = lowering.Count > 0 ? lowering[lowering.Count - 1].Layer.Span : null;
        void Add(SourceSpan? span)
        {
            if (span is not null && span != diagnostic.Span && !extra.Contains(span))
            {
                extra.Add(span);
            }
        }
        Add(layer);
        for (var i = usages.Count - 1; i >= 0; i--)
        {
            Add(usages[i]);
        }
        var located = diagnostic with { Additional = diagnostic.Additional.Concat(extra).ToEquatableArray() };
        var at = layer is null || layer == diagnostic.Span ? 0 : diagnostic.Additional.Count + extra.IndexOf(layer) + 1;
        return located.Property("Layer") is null && layer is not null ? located.With("Layer", at.ToString(CultureInfo.InvariantCulture)) : located;
    }

    private LoweredScope LowerScope(
        EquatableArray<LayerSpec> layers,
        Dictionary<string, ExpressionValue> variables,
        IReadOnlyList<Shape> input,
        IReadOnlyList<string> inputNames,
        string prefix,
        SourceSpan? usage,
        BlockDefinition? owner,
        List<string> stack)
    {
        // The scope's [Let]s: values join the variables, functions the table its expressions call.
        var scopeFunctions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        variables = new Dictionary<string, ExpressionValue>(variables);
        functions.Push(scopeFunctions);
        foreach (var let in owner?.Lets ?? model.Lets)
        {
            if (let.IsFunction)
            {
                scopeFunctions[let.Name] = new FunctionDefinition(let.Name, let.Parameters.ToList(), ExpressionParser.Parse(let.Body.Text!));
            }
            else
            {
                variables[let.Name] = Evaluate(let.Body, variables, let.Body.Span ?? usage);
            }
        }
        var depth = scopes.Count;
        try
        {
            return LowerLayers(layers, variables, input, inputNames, prefix, usage, owner, stack);
        }
        finally
        {
            functions.Pop();
            scopes.RemoveRange(depth, scopes.Count - depth);
        }
    }

    private LoweredScope LowerLayers(
        EquatableArray<LayerSpec> layers,
        Dictionary<string, ExpressionValue> variables,
        IReadOnlyList<Shape> scopeInputs,
        IReadOnlyList<string> scopeInputNames,
        string prefix,
        SourceSpan? usage,
        BlockDefinition? owner,
        List<string> stack)
    {
        var nodes = new List<LoweredNode>();
        var specs = new List<LayerSpec>();
        scopes.Add((nodes, specs)); // removed by LowerScope, also when lowering stops
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var current = -1;
        Shape ShapeOf(int index) => index < 0 ? scopeInputs[-index - 1] : nodes[index].Output;

        var cap = caps.Peek();
        var knowledge = new List<ShapeKnowledge>();
        ShapeKnowledge KnowledgeOf(int index) => index < 0 ? cap : knowledge[index];
        var incomplete = false;

        foreach (var layer in layers)
        {
            var where = usage ?? layer.Span;
            var kind = layer.IsBlock ? null : LayerCatalog.Get(layer.Kind);
            var inputs = new List<int>();
            var inputNames = new List<string>();
            var inputSpans = new List<SourceSpan?>();
            if (layer.Inputs.Count > 0)
            {
                foreach (var reference in layer.Inputs)
                {
                    inputSpans.Add(usage is null ? reference.Span : null);
                    // The static checks made sure every name is a scope input or an earlier layer of this scope.
                    inputs.Add(names.TryGetValue(reference.Name, out var index) ? index : -1 - IndexOf(scopeInputNames, reference.Name));
                    inputNames.Add(reference.Name);
                }
            }
            else
            {
                inputs.Add(current);
                inputNames.Add(current < 0 ? scopeInputNames[-current - 1] : nodes[current].Name);
                if (kind is Layers.Kinds.AddKind)
                {
                    inputs.Add(-1); // [Add]: the residual shortcut from the scope's input
                    inputNames.Add(scopeInputNames[0]);
                }
            }

            var known = inputs.Count == 0 ? cap : inputs.Select(KnowledgeOf).Min();
            var shapes = inputs.Select(ShapeOf).ToEquatableArray();
            LoweredNode node;
            if (known == ShapeKnowledge.None)
            {
                // Nothing is known of what it reads: nothing can be checked, and its output is unknown too.
                node = Unknown(layer, inputs, shapes, ShapeKnowledge.None);
            }
            else
            {
                lowering.Add((layer, known));
                lastFailure = null;
                try
                {
                    if (layer.When is not null && !EvaluateBool(layer.When, variables, where))
                    {
                        // An absent layer passes its input through: its name, and the layer after it, read that input.
                        if (!present.Contains(layer.Name))
                        {
                            names[layer.Name] = inputs[0];
                        }
                        current = inputs[0];
                        continue;
                    }
                    var path = prefix + layer.Name;
                    node = layer.Repeat is null
                        ? LowerOne(layer, kind, variables, inputs, inputNames, inputSpans, shapes, path, where, stack)
                        : LowerRepeat(layer, kind, variables, inputs, inputNames, inputSpans, shapes, path, where, stack);
                    if (known != ShapeKnowledge.Full && node.Knowledge == ShapeKnowledge.Full)
                    {
                        node = node with { Knowledge = known };
                    }
                }
                catch (StopLowering)
                {
                    // What is left known of its output: a window that does not fit or a sum of unequal shapes keeps the
                    // rank; any other failure (a When that is no bool, a block's body) leaves nothing known.
                    var keepsRank = lastFailure is { } rule && (rule == Rules.SpatialCollapse || rule == Rules.KernelTooLarge
                        || rule == Rules.AddShapeMismatch || rule == Rules.MergeMismatch) && !layer.IsBlock && layer.Repeat is null;
                    node = Unknown(layer, inputs, shapes, keepsRank ? ShapeKnowledge.Rank : ShapeKnowledge.None);
                }
                finally
                {
                    lowering.RemoveAt(lowering.Count - 1);
                }
            }
            incomplete |= node.Knowledge != ShapeKnowledge.Full;
            nodes.Add(node);
            knowledge.Add(node.Knowledge);
            specs.Add(layer);
            current = nodes.Count - 1;
            names[layer.Name] = current;
            present.Add(layer.Name);
        }

        // An output that nothing reads is computed for nothing: usually a misspelt or forgotten name.
        for (var i = 0; i < nodes.Count - 1; i++)
        {
            var index = i;
            if (index != current && !nodes.Any(n => n.Inputs.Contains(index)))
            {
                var scope = owner?.Name ?? model.ClassName;
                report(Rules.UnusedOutput.At(specs[i].Span ?? usage, scope + "." + nodes[i].Name, nodes[i].Output.ToString()));
            }
        }
        // Two modules of this scope whose tensors would get the same key in exchanged weight files.
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; !incomplete && i < nodes.Count; i++)
        {
            foreach (var (_, key) in TensorModules.Of(nodes[i]))
            {
                if (keys.TryGetValue(key, out var other) && other != i)
                {
                    var scope = owner?.Name ?? model.ClassName;
                    report(Rules.InvalidKey.At(specs[i].Key?.Span ?? specs[i].Span ?? usage, scope + "." + nodes[i].Name, specs[i].Key?.Text ?? nodes[i].Name,
                        $"its tensors would be named {key}.* in weight files, like those of '{nodes[other].Name}'"));
                    break;
                }
                keys[key] = i;
            }
        }
        // A named input of a block that nothing reads: a forgotten skip connection.
        for (var k = 0; scopeInputs.Count > 1 && k < scopeInputs.Count; k++)
        {
            var index = -1 - k;
            if (index != current && !nodes.Any(n => n.Inputs.Contains(index)))
            {
                report(Rules.UnusedOutput.At(owner?.Span ?? usage, (owner?.Name ?? model.ClassName) + "." + scopeInputNames[k] + " (an input)", scopeInputs[k].ToString()));
            }
        }
        return new LoweredScope(scopeInputs[0], nodes.ToEquatableArray(), current)
        {
            OutputKnowledge = KnowledgeOf(current),
            ExtraInputs = scopeInputs.Skip(1).ToEquatableArray(),
            InputNames = scopeInputNames.ToEquatableArray(),
        };
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        throw new StopLowering(); // unreachable: the static checks report unknown names
    }

    /// <summary>
    /// How a 1×1 projection of the scope's input matches node <paramref name="index"/>'s output, as the block's
    /// text writes it: the filters argument of the layer that set its channels, and the strides argument of the one
    /// layer on the chain from the input that strides (or 1). Null when the chain is not that simple.
    /// </summary>
    private (string Filters, string Strides)? Projection(int index)
    {
        var (nodes, specs) = scopes[scopes.Count - 1];
        string? filters = null, strides = null;
        for (var i = index; i >= 0; i = nodes[i].Inputs.Count == 1 ? nodes[i].Inputs[0] : int.MinValue)
        {
            var node = nodes[i];
            if (node.IsBlock || node.InputShapes.Count != 1)
            {
                return null;
            }
            if (specs[i].Get("strides") is { } stride && !(stride.Kind == ValueKind.Int && stride.Int == 1))
            {
                if (strides is not null)
                {
                    return null;
                }
                strides = Text(stride);
            }
            if (filters is null && node.Output.Channels != node.InputShapes[0].Channels)
            {
                filters = specs[i].Get("filters") is { } value ? Text(value) : null;
                if (filters is null)
                {
                    return null;
                }
            }
            if (node.Inputs[0] == -1)
            {
                // No layer on the chain changes the channels: the projection keeps the block's input channels.
                return (filters ?? "inputChannels", strides ?? "1");
            }
        }
        return null;

        static string? Text(ArgumentValue value) => value.Kind switch
        {
            ValueKind.Int => value.Int.ToString(CultureInfo.InvariantCulture),
            ValueKind.Expression => value.Text,
            _ => null,
        };
    }

    /// <summary>
    /// The node of a layer that failed (or reads what is unknown): with the rank known, its output has the first
    /// input's rank and sizes large enough for any window, so later layers check only what the rank decides.
    /// </summary>
    private static LoweredNode Unknown(LayerSpec layer, List<int> inputs, EquatableArray<Shape> shapes, ShapeKnowledge knowledge)
    {
        var rank = shapes.Count > 0 && knowledge == ShapeKnowledge.Rank ? shapes[0].Rank : 3;
        var output = rank switch
        {
            1 => Shape.Vector(UnknownSize),
            2 => Shape.Of(UnknownSize, UnknownSize),
            4 => Shape.Of(UnknownSize, UnknownSize, UnknownSize, UnknownSize),
            _ => Shape.Image(UnknownSize, UnknownSize, UnknownSize),
        };
        return new LoweredNode(layer.Name, layer.IsBlock ? LayerSpec.BlockKind : layer.Kind, inputs.ToEquatableArray(), shapes, output, NoArguments.Instance,
            0, 0, 0, LayerRegularizers.None, null) { Knowledge = knowledge };
    }

    private LoweredNode LowerOne(
        LayerSpec layer, LayerKind? kind, Dictionary<string, ExpressionValue> variables, List<int> inputs, List<string> inputNames,
        List<SourceSpan?> inputSpans, EquatableArray<Shape> shapes, string path, SourceSpan? where, List<string> stack)
    {
        try
        {
            var node = layer.IsBlock
                ? LowerBlock(layer, variables, inputs, shapes, path, where, stack)
                : LowerLayer(kind!, layer, variables, inputs, inputNames, inputSpans, shapes, path, where);
            // Every later stage reads the output's values per sample (memory, the emitter's comments): beyond 64 bits
            // it is this layer's ND0018, not a failure of the stage that first multiplies the sizes.
            _ = node.Output.Size;
            return layer.Key is { } key ? node with { Key = EvaluateKey(key, variables, path, where) } : node;
        }
        catch (OverflowException)
        {
            throw Fail(Rules.SizeOverflow, where, path, layer.IsBlock ? layer.Kind : kind!.Name);
        }
    }

    /// <summary>
    /// <c>Repeat = "n"</c>: n copies of the layer chained in a container named like the layer, children 0 … n−1 (as a
    /// PyTorch nn.Sequential); copy k evaluates its arguments with repeatIndex = k.
    /// </summary>
    private LoweredNode LowerRepeat(
        LayerSpec layer, LayerKind? kind, Dictionary<string, ExpressionValue> variables, List<int> inputs, List<string> inputNames,
        List<SourceSpan?> inputSpans, EquatableArray<Shape> shapes, string path, SourceSpan? where, List<string> stack)
    {
        var count = Evaluate(layer.Repeat!, variables, where);
        if (!count.IsInt || count.Number < 1)
        {
            throw Fail(Rules.InvalidRepeat, layer.Repeat!.Kind == ValueKind.Expression ? where : layer.Repeat.Span ?? where, path,
                $"Repeat must be an int ≥ 1, got {count}");
        }
        var nodes = new List<LoweredNode>();
        var copy = layer with { Repeat = null, Inputs = EquatableArray<NameReference>.Empty };
        for (var k = 0; k < count.Number; k++)
        {
            var inner = new Dictionary<string, ExpressionValue>(variables) { [RepeatIndex] = ExpressionValue.Of((long)k) };
            var name = k.ToString(CultureInfo.InvariantCulture);
            var input = k == 0 ? shapes[0] : nodes[k - 1].Output;
            var node = LowerOne(copy with { Name = name }, kind, inner, new List<int> { k - 1 }, new List<string> { k == 0 ? InputName : nodes[k - 1].Name },
                new List<SourceSpan?> { null }, new[] { input }.ToEquatableArray(), path + "." + name, where, stack);
            nodes.Add(node);
            if (node.Knowledge != ShapeKnowledge.Full)
            {
                throw new StopLowering(); // a copy's body failed (reported there): the chain's output is unknown
            }
        }
        if (layer.Key is not null)
        {
            // Each copy's key replaces its index: two copies that come to the same key would share their tensors' names.
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < nodes.Count; k++)
            {
                foreach (var (_, key) in TensorModules.Of(nodes[k]))
                {
                    if (seen.TryGetValue(key, out var other) && other != k)
                    {
                        throw Fail(Rules.InvalidKey, layer.Key.Span ?? where, path, layer.Key.Text ?? string.Empty,
                            $"copies {other} and {k} both name their tensors {key}.*: make the key depend on repeatIndex");
                    }
                    seen[key] = k;
                }
            }
        }
        var body = new LoweredScope(shapes[0], nodes.ToEquatableArray(), nodes.Count - 1);
        var (trainable, nonTrainable, macs) = body.Totals();
        var repeated = layer.IsBlock && layer.BlockType is not null && blocks.TryGetValue(layer.BlockType, out var definition) ? definition.Name : layer.Kind;
        var sequence = new LoweredBlock(string.Empty, repeated + "Sequence", new[] { "repeat: " + count.Number.ToString(CultureInfo.InvariantCulture) }.ToEquatableArray(), body);
        // With a Key, each copy's key replaces its index, so the container itself adds no segment.
        return new LoweredNode(layer.Name, LayerSpec.BlockKind, inputs.ToEquatableArray(), shapes, body.OutputShape, NoArguments.Instance,
            trainable, nonTrainable, macs, LayerRegularizers.None, sequence) { Key = layer.Key is null ? null : string.Empty };
    }

    private LoweredNode LowerLayer(
        LayerKind kind, LayerSpec layer, Dictionary<string, ExpressionValue> variables, List<int> inputs, List<string> inputNames,
        List<SourceSpan?> inputSpans, EquatableArray<Shape> shapes, string path, SourceSpan? where)
    {
        var context = new Context(this, layer, variables, shapes, inputNames, inputSpans, path, where) { Indices = inputs };
        var outcome = kind.Lower(context);
        var node = new LoweredNode(layer.Name, kind.Name, inputs.ToEquatableArray(), shapes, outcome.Output, outcome.Arguments,
            outcome.Trainable, outcome.NonTrainable, outcome.MultiplyAdds, LayerRegularizers.None, null);
        node = node with { Regularizers = Regularizers(kind, layer, node, context) };
        var activation = kind.HasActivationShorthand ? context.Enum("activation", 0) : 0;
        return activation != 0 ? node with { Activation = Layers.Kinds.ActivationKind.Node(node.Name, activation, node.Output) } : node;
    }

    /// <summary>The layer's own λs where it sets any, else the network default where it applies.</summary>
    private LayerRegularizers Regularizers(LayerKind kind, LayerSpec layer, LoweredNode node, LayerContext context)
    {
        if (kind.Weights is not { } weights)
        {
            return LayerRegularizers.None;
        }
        double Constant(string name) => layer.Get(name)?.Double ?? 0;
        var own = weights.Kernels.Select(k => new WeightPenalty(k.Parameter, Constant(k.Property + "L1"), Constant(k.Property + "L2")))
            .Append(new WeightPenalty(weights.BiasParameter, Constant("biasL1"), Constant("biasL2")))
            .Where(t => t.L1 != 0 || t.L2 != 0).ToList();
        var hasBias = kind.HasBias(node);
        if (own.Any(t => t.Parameter == weights.BiasParameter) && !hasBias)
        {
            // UseBias given as an expression that is false for this use (a constant false is reported statically).
            var l1 = Constant("biasL1") != 0;
            throw Fail(Rules.RegularizerWithoutWeight, layer.Get(l1 ? "biasL1" : "biasL2")?.Span ?? context.Where, context.Path, l1 ? "BiasL1" : "BiasL2", "bias (UseBias = false)");
        }
        var defaults = model.Regularizer;
        if (own.Count > 0 || defaults is null || !(weights.IsDense ? defaults.Dense : defaults.Convolutions) || defaults.L1 == 0 && defaults.L2 == 0)
        {
            return new LayerRegularizers(own.ToEquatableArray());
        }
        var terms = weights.Kernels.Select(k => new WeightPenalty(k.Parameter, defaults.L1, defaults.L2)).ToList();
        if (defaults.Biases && hasBias)
        {
            terms.Add(new WeightPenalty(weights.BiasParameter, defaults.L1, defaults.L2));
        }
        return new LayerRegularizers(terms.ToEquatableArray());
    }

    public static bool UseBias(LayerSpec layer) => layer.Get("useBias") is not { Kind: ValueKind.Bool, Bool: false };

    private LoweredNode LowerBlock(
        LayerSpec layer, Dictionary<string, ExpressionValue> variables, List<int> inputs, EquatableArray<Shape> shapes, string path, SourceSpan? where,
        List<string> stack)
    {
        if (layer.BlockType is null || !blocks.TryGetValue(layer.BlockType, out var block))
        {
            throw new StopLowering(); // reported by the static checks
        }
        if (stack.Count(t => t == layer.BlockType) >= MaxRecursion)
        {
            // A block may hold itself under a When (the static checks refuse unconditional cycles): here it never stopped.
            throw Fail(Rules.RecursiveBlock, where, block.Name,
                $"{string.Join(" → ", stack.Skip(Math.Max(0, stack.Count - 3)).Select(t => blocks[t].Name))} → … {MaxRecursion} levels deep: the When that guards the recursion never turns false");
        }
        var shape = shapes[0];
        if (block.DeclaredInput.Count > 0)
        {
            // The block's contract, checked at every use: rank and every size it pins (0 leaves an axis free).
            var declared = block.DeclaredInput;
            if (declared.Count != shape.Rank || Enumerable.Range(0, declared.Count).Any(i => declared[i] != 0 && declared[i] != shape[i]))
            {
                var contract = "[N, " + string.Join(", ", declared.Select(d => d == 0 ? "*" : d.ToString(CultureInfo.InvariantCulture))) + "]";
                throw Fail(Rules.DeclaredShapeDiffers, where, path, block.Name, contract, shape.ToString());
            }
        }
        var inner = new Dictionary<string, ExpressionValue>(enumMembers)
        {
            ["inputChannels"] = ExpressionValue.Of(shape.Channels),
            ["inputHeight"] = ExpressionValue.Of(shape.Height),
            ["inputWidth"] = ExpressionValue.Of(shape.Width),
        };
        var shown = new List<string>();
        foreach (var parameter in block.Parameters)
        {
            var value = layer.Get(parameter.Name) ?? parameter.Default;
            if (value is null)
            {
                continue; // the constructor used does not take it; a body expression using it reports it below
            }
            var evaluated = Evaluate(value, variables, where);
            var fits = parameter.Type switch
            {
                ParameterType.Bool => evaluated.IsBool,
                ParameterType.Double => !evaluated.IsBool && !evaluated.IsEnum,
                ParameterType.Enum => evaluated.IsEnum && evaluated.EnumType == parameter.EnumType,
                _ => evaluated.IsInt,
            };
            if (!fits)
            {
                var type = parameter.Type == ParameterType.Enum ? EnumTypes.ShortName(parameter.EnumType!) : ParameterTypes.CSharp(parameter.Type).Replace("long", "int");
                throw Fail(Rules.InvalidExpression, value.Span ?? where, value.Text ?? evaluated.ToString(), $"parameter '{parameter.Name}' of {block.Name} is {type} but the value is {evaluated.TypeName}");
            }
            if (parameter.Type == ParameterType.Enum && !model.Enums.Any(e => e.FullName == parameter.EnumType && e.Members.Any(m => m.Value == evaluated.Number)))
            {
                throw Fail(Rules.NotAnEnumValue, value.Span ?? where, path, $"{parameter.Name} = {evaluated} is not {EnumTypes.WithArticle(parameter.EnumType!)} value");
            }
            var final = parameter.Type == ParameterType.Double ? ExpressionValue.Of(evaluated.Real) : evaluated;
            inner[parameter.Name] = final;
            shown.Add(parameter.Name + ": " + final);
        }
        // The body is reported at this usage (the innermost place the user wrote), with the outer usages as additional locations.
        var here = layer.Span ?? where;
        stack.Add(layer.BlockType);
        owners.Add(block);
        usages.Add(here);
        caps.Push(lowering[lowering.Count - 1].Inputs); // what is known of this use's input bounds what its body knows
        LoweredScope body;
        try
        {
            body = LowerScope(block.Body, inner, shapes, block.Inputs, path + ".", here, block, stack);
        }
        finally
        {
            caps.Pop();
            usages.RemoveAt(usages.Count - 1);
            owners.RemoveAt(owners.Count - 1);
            stack.RemoveAt(stack.Count - 1);
        }
        if (body.OutputKnowledge != ShapeKnowledge.Full)
        {
            return Unknown(layer, inputs, shapes, body.OutputKnowledge) with { Output = body.OutputShape };
        }

        var (trainable, nonTrainable, macs) = body.Totals();
        return new LoweredNode(layer.Name, LayerSpec.BlockKind, inputs.ToEquatableArray(), shapes, body.OutputShape, NoArguments.Instance,
            trainable, nonTrainable, macs, LayerRegularizers.None, new LoweredBlock(block.TypeName, block.Name, shown.ToEquatableArray(), body));
    }

    /// <summary>A Key template with its braced parts evaluated (ints); the result must be a valid key.</summary>
    private string EvaluateKey(ArgumentValue key, Dictionary<string, ExpressionValue> variables, string path, SourceSpan? where)
    {
        var text = key.Text ?? string.Empty;
        var parts = KeyTemplate.Parse(text, out _, out _) ?? throw new StopLowering(); // reported by the static checks
        var result = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (!part.IsExpression)
            {
                result.Append(part.Text);
                continue;
            }
            var span = ShapeInference.Sub(key.Span, part.Start, part.Text.Length);
            var value = Evaluate(ArgumentValue.OfExpression(part.Text, span), variables, span ?? where);
            if (!value.IsInt)
            {
                throw Fail(Rules.InvalidExpression, span ?? where, part.Text, $"a Key's braces hold an int, not {value.TypeName} ({value})");
            }
            result.Append(value.Number.ToString(CultureInfo.InvariantCulture));
        }
        var evaluated = result.ToString();
        if (!KeyTemplate.IsValid(evaluated))
        {
            throw Fail(Rules.InvalidKey, key.Span ?? where, path, text, $"it comes to \"{evaluated}\" here, which is not dot-separated names");
        }
        return evaluated;
    }

    private bool EvaluateBool(ArgumentValue value, Dictionary<string, ExpressionValue> variables, SourceSpan? where)
    {
        var evaluated = Evaluate(value, variables, where);
        if (!evaluated.IsBool)
        {
            throw Fail(Rules.InvalidExpression, value.Span ?? where, value.Text ?? string.Empty, "When must be a bool expression");
        }
        return evaluated.Bool;
    }

    private ExpressionValue Evaluate(ArgumentValue value, Dictionary<string, ExpressionValue> variables, SourceSpan? where)
    {
        switch (value.Kind)
        {
            case ValueKind.Int:
                return ExpressionValue.Of(value.Int);
            case ValueKind.Bool:
                return ExpressionValue.Of(value.Bool);
            case ValueKind.Double:
                return ExpressionValue.Of(value.Double);
            case ValueKind.Enum:
                return ExpressionValue.OfEnum(value.EnumType!, value.Int, value.Text!);
            case ValueKind.List:
                throw Fail(Rules.InvalidExpression, value.Span ?? where, "[…]", "a list is not a value here");
        }
        try
        {
            return ExpressionEvaluator.Evaluate(ExpressionParser.Parse(value.Text!), variables, functions.Count > 0 ? functions.Peek() : null);
        }
        catch (UnknownNameException e)
        {
            // Names that are no parameter at all were reported by the static checks; what is left is a parameter
            // that this use of the block does not set: its constructor lacks it and it has no default.
            var block = owners.Count > 0 ? owners[owners.Count - 1].Name : model.ClassName;
            throw Fail(Rules.MissingBlockArgument, where, block, e.Name, value.Text!);
        }
        catch (ExpressionException e)
        {
            throw Fail(Rules.InvalidExpression, ShapeInference.Sub(value.Span, e.Start, e.Length) ?? where, value.Text!, e.Message);
        }
    }

    /// <summary>One layer use: its arguments evaluated on demand with the scope's variables.</summary>
    private sealed class Context : LayerContext
    {
        private readonly Lowerer owner;
        private readonly LayerSpec layer;

        /// <summary>The nodes of this scope the layer reads (negative: the scope's inputs).</summary>
        public IReadOnlyList<int> Indices { get; init; } = Array.Empty<int>();
        private readonly Dictionary<string, ExpressionValue> variables;
        private readonly IReadOnlyList<Shape> inputs;
        private readonly IReadOnlyList<string> inputNames;
        private readonly IReadOnlyList<SourceSpan?> inputSpans;
        private readonly string path;
        private readonly SourceSpan? where;

        public Context(Lowerer owner, LayerSpec layer, Dictionary<string, ExpressionValue> variables, IReadOnlyList<Shape> inputs,
            IReadOnlyList<string> inputNames, IReadOnlyList<SourceSpan?> inputSpans, string path, SourceSpan? where)
        {
            this.inputSpans = inputSpans;
            this.owner = owner;
            this.layer = layer;
            this.variables = variables;
            this.inputs = inputs;
            this.inputNames = inputNames;
            this.path = path;
            this.where = where;
        }

        public override LayerSpec Layer => layer;

        public override string Path => path;

        public override IReadOnlyList<Shape> Inputs => inputs;

        public override IReadOnlyList<string> InputNames => inputNames;

        public override bool TorchBatchNormDefaults => owner.model.TorchBatchNormDefaults;

        public override SourceSpan? Where => where;

        public override bool InsideBlock => owner.usages.Count > 0;

        public override (string Filters, string Strides)? Projection(int input) =>
            Indices[input] >= 0 ? owner.Projection(Indices[input]) : null;

        public override SourceSpan? InputSpan(int index) => index < inputSpans.Count ? inputSpans[index] ?? where : where;

        public override Exception Fail(DiagnosticInfo diagnostic) => owner.Fail(diagnostic);

        public override long Int(string argument, long fallback) =>
            Typed(argument, v => v.IsInt, "an int", v => $"{v.TypeName} ({v})")?.Number ?? fallback;

        public override double Real(string argument, double fallback) =>
            Typed(argument, v => !v.IsBool && !v.IsEnum, "a number", v => v.TypeName)?.Real ?? fallback;

        public override long Enum(string argument, long fallback)
        {
            var type = LayerCatalog.Find(layer.Kind)?.Arguments.FirstOrDefault(a => a.Name == argument)?.EnumType ?? string.Empty;
            var definition = owner.model.Enums.FirstOrDefault(e => e.FullName == type);
            var shortName = EnumTypes.ShortName(type);
            var members = definition is null ? string.Empty : " (" + string.Join(", ", definition.Members.Select(m => shortName + "." + m.Name)) + ")";
            var evaluated = Typed(argument, v => v.IsEnum && v.EnumType == type, EnumTypes.WithArticle(type) + members, v => $"{v.TypeName} ({v})");
            if (evaluated is not { } value)
            {
                return fallback;
            }
            if (definition is not null && !definition.Members.Any(m => m.Value == value.Number))
            {
                throw Fail(Rules.NotAnEnumValue, SpanOf(argument), Path, $"{argument} = {value} is not {EnumTypes.WithArticle(type)} value{members}");
            }
            return value.Number;
        }

        public override bool Bool(string argument, bool fallback) =>
            Typed(argument, v => v.IsBool, "a bool", v => v.TypeName)?.Bool ?? fallback;

        /// <summary>The argument evaluated, or null when it is not given; ND0009 when it is not of the type the place needs.</summary>
        private ExpressionValue? Typed(string argument, Func<ExpressionValue, bool> fits, string needs, Func<ExpressionValue, string> shown)
        {
            var value = layer.Get(argument);
            if (value is null)
            {
                return null;
            }
            var evaluated = owner.Evaluate(value, variables, where);
            if (!fits(evaluated))
            {
                // A constant of the wrong type (an object-typed property): an invalid argument; an expression: ND0009.
                throw value.Kind == ValueKind.Expression
                    ? owner.Fail(Rules.InvalidExpression, value.Span ?? where, value.Text!, $"{argument} must be {needs}, not {shown(evaluated)}")
                    : Fail(Rules.WrongArgumentType, SpanOf(argument), Path, $"{argument} must be {needs}, not {shown(evaluated)}");
            }
            return evaluated;
        }

        public override IReadOnlyList<long> Ints(string argument, Shape? ownInput = null)
        {
            var scope = variables;
            if (ownInput is { } shape)
            {
                scope = new Dictionary<string, ExpressionValue>(variables)
                {
                    ["inputChannels"] = ExpressionValue.Of(shape.Channels),
                    ["inputHeight"] = ExpressionValue.Of(shape.Height),
                    ["inputWidth"] = ExpressionValue.Of(shape.Width),
                };
            }
            var value = layer.Get(argument);
            if (value is null)
            {
                return Array.Empty<long>();
            }
            var items = value.Kind == ValueKind.List ? value.Items.ToList() : new List<ArgumentValue> { value };
            var result = new List<long>();
            foreach (var item in items)
            {
                var evaluated = owner.Evaluate(item, scope, where);
                if (!evaluated.IsInt)
                {
                    throw owner.Fail(Rules.InvalidExpression, item.Span ?? where, item.Text ?? string.Empty, $"{argument} must be ints, not {evaluated.TypeName} ({evaluated})");
                }
                result.Add(evaluated.Number);
            }
            return result;
        }
    }
}
