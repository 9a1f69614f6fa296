using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;

namespace NetDsl.Generators.Shapes;

/// <summary>One row of the summary: a leaf layer with its full module path.</summary>
internal sealed record LayerRow(string Path, string Type, Shape Output, long Trainable, long NonTrainable, long MultiplyAdds);

/// <summary>What inference knows about a network: shapes, sizes, and the errors that make it invalid.</summary>
internal sealed record InferenceResult(
    Shape Input,
    Shape Output,
    EquatableArray<LayerRow> Rows,
    EquatableArray<Shape> TopLevelOutputs,
    long Trainable,
    long NonTrainable,
    long MultiplyAdds,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => !d.Id.StartsWith("ND01", StringComparison.Ordinal));

    /// <summary>
    /// The input ranks every BatchNorm inside a block meets, over all uses of the block: "Type#index:image" and/or
    /// "Type#index:flat". A block class is emitted once, so a BatchNorm that meets both is chosen at run time.
    /// </summary>
    public EquatableArray<string> BlockBatchNormRanks { get; init; } = EquatableArray<string>.Empty;

    public static string RankKey(string blockType, int index, bool image) => blockType + "#" + index.ToString(CultureInfo.InvariantCulture) + (image ? ":image" : ":flat");
}

/// <summary>
/// Checks a (variant-transformed) network: first what can be judged from the text alone (names, expressions,
/// recursion, constant arguments), then every block instance with its concrete arguments and shapes.
/// </summary>
internal static class ShapeInference
{
    public static readonly string[] ImplicitVariables = { "inputChannels", "inputHeight", "inputWidth" };

    public static InferenceResult Infer(NetworkModel model)
    {
        var run = new Run(model);
        return run.Execute();
    }

    private sealed class StopInference : Exception
    {
    }

    private sealed class Run
    {
        private readonly NetworkModel model;
        private readonly Dictionary<string, BlockDefinition> blocks;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly HashSet<string> reported = new();
        private readonly List<LayerRow> rows = new();
        private readonly List<Shape> topLevel = new();
        private readonly SortedSet<string> batchNormRanks = new(StringComparer.Ordinal);
        private readonly List<BlockDefinition> owners = new();
        private long trainable;
        private long nonTrainable;
        private long multiplyAdds;

        public Run(NetworkModel model)
        {
            this.model = model;
            blocks = model.Blocks.ToDictionary(b => b.TypeName);
        }

        private void Report(string id, SourceSpan? span, params string[] arguments)
        {
            var key = id + "|" + span?.FilePath + ":" + span?.Start + "|" + string.Join("|", arguments);
            if (reported.Add(key))
            {
                diagnostics.Add(new DiagnosticInfo(id, span ?? model.ClassSpan, arguments.ToEquatableArray()));
            }
        }

        public InferenceResult Execute()
        {
            var input = model.Input.Count switch
            {
                1 => Shape.Vector(model.Input[0]),
                3 => Shape.Image(model.Input[0], model.Input[1], model.Input[2]),
                _ => default,
            };
            if (model.Input.Count is 1 or 3 && model.Input.Any(d => d <= 0))
            {
                Report("ND0002", model.InputSpan, "Input", $"every dimension must be ≥ 1, got [{string.Join(", ", model.Input)}]");
            }

            CheckStatically(model.Layers, null, model.ClassName);
            foreach (var block in model.Blocks)
            {
                CheckStatically(block.Body, block, block.Name);
            }

            var output = input;
            var isError = (Func<DiagnosticInfo, bool>)(d => !d.Id.StartsWith("ND01", StringComparison.Ordinal));
            if (model.Input.Count is 1 or 3 && !diagnostics.Any(isError) && !model.Diagnostics.Any(isError))
            {
                try
                {
                    output = InferScope(model.Layers, new Dictionary<string, ExpressionValue>(), input, string.Empty, null, null, new List<string>());
                }
                catch (StopInference)
                {
                    if (!diagnostics.Any(isError))
                    {
                        // Every stop is caused by a reported error; one without is a NetDsl bug, and must still not pass as valid.
                        Report("ND0099", model.AttributeSpan ?? model.ClassSpan, model.ClassName, "shape inference stopped without a diagnostic");
                    }
                }
            }
            return new InferenceResult(input, output, rows.ToEquatableArray(), topLevel.ToEquatableArray(), trainable, nonTrainable, multiplyAdds,
                model.Diagnostics.Concat(diagnostics).ToEquatableArray())
            {
                BlockBatchNormRanks = batchNormRanks.ToEquatableArray(),
            };
        }

        // ---- Phase 1: what the text alone decides ---------------------------------------------------------------

        private void CheckStatically(EquatableArray<LayerSpec> layers, BlockDefinition? owner, string scopeName)
        {
            var names = new HashSet<string>();
            var parameters = owner is null
                ? new HashSet<string>()
                : new HashSet<string>(owner.Parameters.Select(p => p.Name).Concat(ImplicitVariables));
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                if (!names.Add(layer.Name))
                {
                    if (!AreAlternatives(layers, layer))
                    {
                        Report("ND0011", layer.Span, scopeName + "." + layer.Name, layer.Name, "is already used in this scope; module names must be unique");
                    }
                    else if (layers.First(l => l.Name == layer.Name) is var first && (first.Kind != layer.Kind || first.BlockType != layer.BlockType))
                    {
                        Report("ND0019", layer.Span, scopeName + "." + layer.Name, KindName(first), KindName(layer));
                    }
                }
                foreach (var argument in layer.When is null ? layer.Arguments : layer.Arguments.Add(new Argument("When", layer.When)))
                {
                    if (argument.Value.Kind == ValueKind.Expression)
                    {
                        CheckExpression(argument.Value, owner, parameters, ExpectedType(layer, argument.Name), argument.Name);
                    }
                }
                foreach (var argument in layer.Arguments)
                {
                    if (argument.Name.EndsWith("L1", StringComparison.Ordinal) || argument.Name.EndsWith("L2", StringComparison.Ordinal))
                    {
                        if (argument.Value.Double < 0)
                        {
                            Report("ND0002", argument.Value.Span ?? layer.Span, layer.Name, $"regularizer λ must be ≥ 0, got {Format(argument.Value.Double)}");
                        }
                        if (argument.Name.StartsWith("bias", StringComparison.Ordinal) && argument.Value.Double != 0 && !LayerRules.UseBias(layer))
                        {
                            Report("ND0006", argument.Value.Span ?? layer.Span, layer.Name, char.ToUpperInvariant(argument.Name[0]) + argument.Name.Substring(1), "bias (UseBias = false)");
                        }
                    }
                }
                if (LayerRules.IsWeighted(layer.Kind) && LayerRules.UseBias(layer) && i + 1 < layers.Count &&
                    layers[i + 1].Kind == LayerKind.BatchNorm && Equals(layer.When?.Text, layers[i + 1].When?.Text))
                {
                    Report("ND0101", layer.Span, layer.Name);
                }
                if (owner is null && layer.Kind == LayerKind.Block && layer.BlockType is not null)
                {
                    var chain = new List<string>();
                    if (FindCycle(layer.BlockType, chain))
                    {
                        var shown = chain.Select(t => blocks.TryGetValue(t, out var inChain) ? inChain.Name : t);
                        Report("ND0010", layer.Span, blocks.TryGetValue(layer.BlockType, out var b) ? b.Name : layer.BlockType, string.Join(" → ", shown));
                    }
                }
            }
        }

        private string KindName(LayerSpec layer) =>
            layer.Kind == LayerKind.Block && layer.BlockType is not null ? (blocks.TryGetValue(layer.BlockType, out var b) ? b.Name : layer.BlockType) : layer.Kind.ToString();

        /// <summary>Two layers may share a name when their conditions exclude each other ("c" and "!c").</summary>
        private static bool AreAlternatives(EquatableArray<LayerSpec> layers, LayerSpec layer)
        {
            var first = layers.First(l => l.Name == layer.Name);
            var a = first.When?.Text?.Replace(" ", string.Empty);
            var b = layer.When?.Text?.Replace(" ", string.Empty);
            return a is not null && b is not null && (a == "!" + b || b == "!" + a || a == "!(" + b + ")" || b == "!(" + a + ")");
        }

        /// <summary>Depth-first search for a block reachable from <paramref name="start"/> that contains itself.</summary>
        private bool FindCycle(string start, List<string> chain)
        {
            if (!blocks.TryGetValue(start, out var block))
            {
                return false;
            }
            // By type, not by name: A.Stage using B.Stage is no cycle.
            var index = chain.IndexOf(block.TypeName);
            chain.Add(block.TypeName);
            if (index >= 0)
            {
                chain.RemoveRange(0, index);
                return true;
            }
            foreach (var inner in block.Body.Where(l => l.Kind == LayerKind.Block && l.BlockType is not null))
            {
                if (FindCycle(inner.BlockType!, chain))
                {
                    return true;
                }
            }
            chain.RemoveAt(chain.Count - 1);
            return false;
        }

        /// <summary>
        /// The type an argument must have: bool for When, a number for a dropout rate, a block parameter's own type,
        /// and int for every size (filters, units, kernel, strides, …). Null: anything is accepted.
        /// </summary>
        private ExpressionType? ExpectedType(LayerSpec layer, string argument)
        {
            if (argument == "When")
            {
                return ExpressionType.Bool;
            }
            if (layer.Kind == LayerKind.Block)
            {
                var parameter = layer.BlockType is not null && blocks.TryGetValue(layer.BlockType, out var block) ? block.Parameters.FirstOrDefault(p => p.Name == argument) : null;
                return parameter?.Type switch
                {
                    ParameterType.Bool => ExpressionType.Bool,
                    ParameterType.Double => ExpressionType.Double,
                    ParameterType.Int => ExpressionType.Int,
                    _ => null,
                };
            }
            return argument == "rate" ? ExpressionType.Double : ExpressionType.Int;
        }

        private void CheckExpression(ArgumentValue value, BlockDefinition? owner, HashSet<string> parameters, ExpressionType? expected, string argument)
        {
            try
            {
                var expression = ExpressionParser.Parse(value.Text!);
                ExpressionTyping.CheckConstantParts(expression);
                {
                    var names = owner is null ? new Dictionary<string, ExpressionType>() : owner.Parameters.ToDictionary(p => p.Name, p => p.Type switch
                    {
                        ParameterType.Bool => ExpressionType.Bool,
                        ParameterType.Double => ExpressionType.Double,
                        _ => ExpressionType.Int,
                    });
                    foreach (var implicitName in owner is null ? Array.Empty<string>() : ImplicitVariables)
                    {
                        names[implicitName] = ExpressionType.Int;
                    }
                    var type = ExpressionTyping.TypeOf(expression, names);
                    // A double place takes an int too (C# converts it); every other place wants exactly its type.
                    var fits = type is null || expected is null || type == expected || expected == ExpressionType.Double && type == ExpressionType.Int;
                    if (!fits)
                    {
                        var what = argument == "When" ? "When must be a bool expression" : $"{argument} must be {(expected switch { ExpressionType.Double => "a number", ExpressionType.Bool => "a bool", _ => "an int" })}, not {ExpressionTyping.Name(type)}";
                        Report("ND0009", value.Span, value.Text!, what);
                    }
                }
                foreach (var id in expression.Identifiers())
                {
                    if (!parameters.Contains(id.Name))
                    {
                        var known = owner is null
                            ? "a network has none; expressions belong in blocks"
                            : string.Join(", ", owner.Parameters.Select(p => p.Name).Concat(ImplicitVariables));
                        Report("ND0008", Sub(value.Span, id.Start, id.Length), id.Name, owner?.Name ?? model.ClassName, known);
                    }
                }
            }
            catch (ExpressionException e)
            {
                Report("ND0009", Sub(value.Span, e.Start, e.Length), value.Text!, e.Message);
            }
        }

        private static SourceSpan? Sub(SourceSpan? span, int start, int length)
        {
            if (span is null)
            {
                return null;
            }
            start = Math.Max(0, Math.Min(start, span.Length - 1));
            length = Math.Max(1, Math.Min(length, span.Length - start));
            // Expressions live on one line, so the line stays and only the columns move.
            return span with
            {
                Start = span.Start + start,
                Length = length,
                StartCharacter = span.StartCharacter + start,
                EndLine = span.StartLine,
                EndCharacter = span.StartCharacter + start + length,
            };
        }

        // ---- Phase 2: every instance with concrete values ----------------------------------------------------

        private Shape InferScope(
            EquatableArray<LayerSpec> layers,
            Dictionary<string, ExpressionValue> variables,
            Shape input,
            string prefix,
            SourceSpan? usage,
            BlockDefinition? owner,
            List<string> stack)
        {
            var shape = input;
            for (var index = 0; index < layers.Count; index++)
            {
                var layer = layers[index];
                var where = usage ?? layer.Span;
                if (layer.When is not null && !EvaluateBool(layer.When, variables, where))
                {
                    if (prefix.Length == 0)
                    {
                        topLevel.Add(shape);
                    }
                    continue;
                }
                var path = prefix + layer.Name;
                if (layer.Kind == LayerKind.BatchNorm && owner is not null)
                {
                    batchNormRanks.Add(InferenceResult.RankKey(owner.TypeName, index, shape.IsImage));
                }
                try
                {
                    shape = InferLayer(layer, variables, shape, input, path, where, stack);
                }
                catch (OverflowException)
                {
                    Fail("ND0018", where, path, layer.Kind.ToString());
                }
                if (prefix.Length == 0)
                {
                    topLevel.Add(shape);
                }
            }
            return shape;
        }

        private Shape InferLayer(LayerSpec layer, Dictionary<string, ExpressionValue> variables, Shape shape, Shape scopeInput, string path, SourceSpan? where, List<string> stack)
        {
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.DepthwiseConv2D:
                {
                    RequireImage(layer, shape, path, where);
                    var kernel = Positive(layer, "kernelSize", variables, where, path, 1);
                    var stride = Positive(layer, "strides", variables, where, path, 1);
                    var same = layer.Get("padding")?.Int == 1;
                    long outChannels;
                    long groups = 1;
                    if (layer.Kind == LayerKind.Conv2D)
                    {
                        outChannels = Positive(layer, "filters", variables, where, path, 1);
                    }
                    else
                    {
                        outChannels = checked(shape.Channels * Positive(layer, "depthMultiplier", variables, where, path, 1));
                        groups = shape.Channels;
                    }
                    var output = Window(layer, shape, outChannels, kernel, stride, same, path, where);
                    var bias = LayerRules.UseBias(layer);
                    AddRow(path, layer.Kind.ToString(), output, ShapeRules.ConvParameters(shape.Channels, outChannels, kernel, groups, bias), 0,
                        ShapeRules.ConvMultiplyAdds(shape.Channels, output, kernel, groups));
                    return output;
                }
                case LayerKind.Dense:
                {
                    if (shape.IsImage)
                    {
                        Fail("ND0007", where, path, "Dense", "a flat input [N, F]", shape.ToString(), "; add Flatten or GlobalAveragePooling2D before it");
                    }
                    var units = Positive(layer, "units", variables, where, path, 1);
                    var bias = LayerRules.UseBias(layer);
                    var output = ShapeRules.Dense(units);
                    AddRow(path, "Dense", output, checked(shape.Channels * units + (bias ? units : 0)), 0, checked(shape.Channels * units));
                    return output;
                }
                case LayerKind.BatchNorm:
                {
                    var (epsilon, momentum) = LayerRules.BatchNorm(layer, model.TorchBatchNormDefaults);
                    if (!(epsilon > 0))
                    {
                        Fail("ND0002", layer.Get("epsilon")?.Span ?? where, path, $"epsilon must be > 0, got {Format(epsilon)}");
                    }
                    if (!(momentum >= 0 && momentum < 1))
                    {
                        Fail("ND0002", layer.Get("momentum")?.Span ?? where, path, $"momentum must be in [0, 1), got {Format(momentum)}");
                    }
                    AddRow(path, "BatchNorm", shape, checked(2 * shape.Channels), checked(2 * shape.Channels), 0);
                    return shape;
                }
                case LayerKind.Dropout:
                {
                    var rate = Real(layer, "rate", variables, where, 0);
                    if (!(rate >= 0 && rate < 1))
                    {
                        Fail("ND0002", layer.Get("rate")?.Span ?? where, path, $"dropout rate must be in [0, 1), got {Format(rate)}");
                    }
                    AddRow(path, "Dropout", shape, 0, 0, 0);
                    return shape;
                }
                case LayerKind.ReLU:
                case LayerKind.ReLU6:
                    AddRow(path, layer.Kind.ToString(), shape, 0, 0, 0);
                    return shape;
                case LayerKind.Flatten:
                case LayerKind.GlobalAveragePooling2D:
                {
                    RequireImage(layer, shape, path, where);
                    var output = layer.Kind == LayerKind.Flatten ? ShapeRules.Flatten(shape) : ShapeRules.GlobalPool(shape);
                    AddRow(path, layer.Kind.ToString(), output, 0, 0, 0);
                    return output;
                }
                case LayerKind.ZeroPadding2D:
                {
                    RequireImage(layer, shape, path, where);
                    var (top, bottom, left, right) = LayerRules.ZeroPadding(layer);
                    if (top < 0 || bottom < 0 || left < 0 || right < 0)
                    {
                        Fail("ND0002", where, path, $"padding must be ≥ 0, got (({top}, {bottom}), ({left}, {right}))");
                    }
                    var output = ShapeRules.Pad(shape, top, bottom, left, right);
                    AddRow(path, "ZeroPadding2D", output, 0, 0, 0);
                    return output;
                }
                case LayerKind.MaxPooling2D:
                case LayerKind.AveragePooling2D:
                {
                    RequireImage(layer, shape, path, where);
                    var pool = Positive(layer, "poolSize", variables, where, path, 2);
                    var strides = Int(layer, "strides", variables, where, 0);
                    if (strides < 0)
                    {
                        Fail("ND0002", layer.Get("strides")?.Span ?? where, path, $"strides must be ≥ 1 (or 0 for the pool size), got {strides}");
                    }
                    var output = Window(layer, shape, shape.Channels, pool, strides == 0 ? pool : strides, layer.Get("padding")?.Int == 1, path, where);
                    AddRow(path, layer.Kind.ToString(), output, 0, 0, 0);
                    return output;
                }
                case LayerKind.Add:
                    if (shape != scopeInput)
                    {
                        Fail("ND0003", where, path, shape.ToString(), scopeInput.ToString());
                    }
                    AddRow(path, "Add", shape, 0, 0, 0);
                    return shape;
                case LayerKind.Block:
                    return InferBlock(layer, variables, shape, path, where, stack);
                default:
                    throw new InvalidOperationException("unknown layer kind " + layer.Kind);
            }
        }

        private Shape InferBlock(LayerSpec layer, Dictionary<string, ExpressionValue> variables, Shape shape, string path, SourceSpan? where, List<string> stack)
        {
            if (layer.BlockType is null || !blocks.TryGetValue(layer.BlockType, out var block) || stack.Contains(layer.BlockType))
            {
                throw new StopInference(); // recursion, reported by the static checks
            }
            var inner = new Dictionary<string, ExpressionValue>
            {
                ["inputChannels"] = ExpressionValue.Of(shape.Channels),
                ["inputHeight"] = ExpressionValue.Of(shape.Height),
                ["inputWidth"] = ExpressionValue.Of(shape.Width),
            };
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
                    ParameterType.Double => !evaluated.IsBool,
                    _ => evaluated.IsInt,
                };
                if (!fits)
                {
                    Fail("ND0009", value.Span ?? where, value.Text ?? evaluated.ToString(), $"parameter '{parameter.Name}' of {block.Name} is {ParameterTypes.CSharp(parameter.Type).Replace("long", "int")} but the value is {evaluated.TypeName}");
                }
                inner[parameter.Name] = parameter.Type == ParameterType.Double ? ExpressionValue.Of(evaluated.Real) : evaluated;
            }
            stack.Add(layer.BlockType);
            owners.Add(block);
            var output = InferScope(block.Body, inner, shape, path + ".", where, block, stack);
            owners.RemoveAt(owners.Count - 1);
            stack.RemoveAt(stack.Count - 1);
            return output;
        }

        private Shape Window(LayerSpec layer, Shape shape, long outChannels, long window, long stride, bool same, string path, SourceSpan? where)
        {
            var output = ShapeRules.Window(shape, outChannels, window, stride, same);
            var pooling = layer.Kind is LayerKind.MaxPooling2D or LayerKind.AveragePooling2D;
            if (output.Height <= 0 || output.Width <= 0 || !same && (shape.Height < window || shape.Width < window))
            {
                // A pooling window shrinks the image away (ND0004); a convolution kernel overhangs its input (ND0005).
                var collapsed = Shape.Image(outChannels, Math.Max(output.Height, 0), Math.Max(output.Width, 0));
                if (pooling)
                {
                    Fail("ND0004", where, path, collapsed.ToString(), shape.ToString());
                }
                Fail("ND0005", where, path, window.ToString(CultureInfo.InvariantCulture), shape.ToString());
            }
            return output;
        }

        private void RequireImage(LayerSpec layer, Shape shape, string path, SourceSpan? where)
        {
            if (!shape.IsImage)
            {
                Fail("ND0007", where, path, layer.Kind.ToString(), "an image input [N, C, H, W]", shape.ToString(), string.Empty);
            }
        }

        private void AddRow(string path, string type, Shape output, long trainableCount, long nonTrainableCount, long macs)
        {
            rows.Add(new LayerRow(path, type, output, trainableCount, nonTrainableCount, macs));
            trainable = checked(trainable + trainableCount);
            nonTrainable = checked(nonTrainable + nonTrainableCount);
            multiplyAdds = checked(multiplyAdds + macs);
        }

        private long Positive(LayerSpec layer, string name, Dictionary<string, ExpressionValue> variables, SourceSpan? where, string path, long fallback)
        {
            var value = Int(layer, name, variables, where, fallback);
            if (value <= 0)
            {
                Fail("ND0002", layer.Get(name)?.Kind == ValueKind.Expression ? where : layer.Get(name)?.Span ?? where, path, $"{name} must be ≥ 1, got {value}");
            }
            return value;
        }

        private long Int(LayerSpec layer, string name, Dictionary<string, ExpressionValue> variables, SourceSpan? where, long fallback)
        {
            var value = layer.Get(name);
            if (value is null)
            {
                return fallback;
            }
            var evaluated = Evaluate(value, variables, where);
            if (!evaluated.IsInt)
            {
                Fail("ND0009", value.Span ?? where, value.Text ?? string.Empty, $"{name} must be an int, not {evaluated.TypeName} ({evaluated})");
            }
            return evaluated.Number;
        }

        private double Real(LayerSpec layer, string name, Dictionary<string, ExpressionValue> variables, SourceSpan? where, double fallback)
        {
            var value = layer.Get(name);
            if (value is null)
            {
                return fallback;
            }
            var evaluated = Evaluate(value, variables, where);
            if (evaluated.IsBool)
            {
                Fail("ND0009", value.Span ?? where, value.Text ?? string.Empty, $"{name} must be a number, not bool");
            }
            return evaluated.Real;
        }

        private bool EvaluateBool(ArgumentValue value, Dictionary<string, ExpressionValue> variables, SourceSpan? where)
        {
            var evaluated = Evaluate(value, variables, where);
            if (!evaluated.IsBool)
            {
                Fail("ND0009", value.Span ?? where, value.Text ?? string.Empty, "When must be a bool expression");
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
            }
            try
            {
                return ExpressionEvaluator.Evaluate(ExpressionParser.Parse(value.Text!), variables);
            }
            catch (UnknownNameException e)
            {
                // Names that are no parameter at all were reported by the static checks; what is left is a parameter
                // that this use of the block does not set: its constructor lacks it and it has no default.
                var block = owners.Count > 0 ? owners[owners.Count - 1].Name : model.ClassName;
                Report("ND0017", where, block, e.Name, value.Text!);
                throw new StopInference();
            }
            catch (ExpressionException e)
            {
                Report("ND0009", Sub(value.Span, e.Start, e.Length) ?? where, value.Text!, e.Message);
                throw new StopInference();
            }
        }

        private void Fail(string id, SourceSpan? span, params string[] arguments)
        {
            Report(id, span, arguments);
            throw new StopInference();
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
