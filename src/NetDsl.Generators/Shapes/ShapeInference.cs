using Microsoft.CodeAnalysis;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generators.Layers;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;
using NetDsl.Generators.Diagnostics;

namespace NetDsl.Generators.Shapes;

/// <summary>One row of the summary: a leaf layer with its full module path, and the outputs it reads when not just the previous one.</summary>
internal sealed record LayerRow(string Path, string Type, Shape Output, long Trainable, long NonTrainable, long MultiplyAdds, string ConnectedTo);

/// <summary>What inference knows about a network: the lowered network, sizes, and the errors that make it invalid.</summary>
internal sealed record InferenceResult(
    Shape Input,
    Shape Output,
    EquatableArray<LayerRow> Rows,
    long Trainable,
    long NonTrainable,
    long MultiplyAdds,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => Rules.IsError(d.Id));

    /// <summary>The network with every block expanded; null when it has errors.</summary>
    public LoweredNetwork? Network { get; init; }
}

/// <summary>
/// Checks a (variant-transformed) network: first what can be judged from the text alone (names, expressions,
/// recursion, constant arguments), then every block instance with its concrete arguments and shapes.
/// </summary>
internal static class ShapeInference
{
    public static readonly string[] ImplicitVariables = Lowerer.ImplicitVariables;

    /// <summary>The part of <paramref name="span"/> (a string argument) that holds characters start..start+length of it.</summary>
    internal static SourceSpan? Sub(SourceSpan? span, int start, int length) => Run.Sub(span, start, length);

    public static InferenceResult Infer(NetworkModel model)
    {
        var run = new Run(model);
        return run.Execute();
    }

    private sealed class Run
    {
        private readonly NetworkModel model;
        private readonly Dictionary<string, BlockDefinition> blocks;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly HashSet<string> reported = new();
        private Dictionary<string, ExpressionType> letTypes = new(StringComparer.Ordinal);
        private Dictionary<string, FunctionDefinition> letFunctions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ExpressionValue> enumMembers;

        public Run(NetworkModel model)
        {
            this.model = model;
            blocks = model.Blocks.ToDictionary(b => b.TypeName);
            enumMembers = EnumTypes.Members(model.Enums);
        }

        private void Report(DiagnosticDescriptor rule, SourceSpan? span, params string[] arguments) => Report(rule.At(span, arguments));

        private void Report(DiagnosticInfo diagnostic)
        {
            if (reported.Add(diagnostic.Cause))
            {
                diagnostics.Add(diagnostic.Span is null ? diagnostic with { Span = model.ClassSpan } : diagnostic);
            }
        }

        public InferenceResult Execute()
        {
            var input = model.Input.Count is >= 1 and <= Shape.MaxRank ? Shape.Of(model.Input.ToArray()) : default;
            if (input.Rank > 0 && model.Input.Any(d => d <= 0))
            {
                Report(Rules.InvalidInputShape, model.InputSpan, "Input", $"every dimension must be ≥ 1, got [{string.Join(", ", model.Input)}]");
            }

            if (input.Rank == 3 && model.BaseNetwork is null)
            {
                CheckLayout(input);
            }
            CheckStatically(model.Layers, null, model.ClassName);
            foreach (var block in model.Blocks)
            {
                CheckStatically(block.Body, block, block.Name);
            }

            var output = input;
            LoweredNetwork? network = null;
            var rows = new List<LayerRow>();
            long trainable = 0, nonTrainable = 0, macs = 0;
            var isError = (Func<DiagnosticInfo, bool>)(d => Rules.IsError(d.Id));
            if (input.Rank > 0 && !diagnostics.Any(isError) && !model.Diagnostics.Any(isError))
            {
                try
                {
                    var lowerer = new Lowerer(model, enumMembers, Report);
                    network = lowerer.Lower(input);
                    if (!diagnostics.Any(isError))
                    {
                        output = network.Body.OutputShape;
                        AddRows(network.Body, string.Empty, rows);
                        (trainable, nonTrainable, macs) = network.Body.Totals();
                    }
                    else
                    {
                        network = null;
                    }
                }
                catch (StopLowering)
                {
                    network = null;
                    if (!diagnostics.Any(isError))
                    {
                        // Every stop is caused by a reported error; one without is a NetDsl bug, and must still not pass as valid.
                        Report(Rules.InternalError, model.AttributeSpan ?? model.ClassSpan, model.ClassName, "shape inference stopped without a diagnostic");
                    }
                }
                catch (OverflowException)
                {
                    network = null;
                    Report(Rules.SizeOverflow, model.ClassSpan, model.ClassName, "network");
                }
            }
            var all = model.Diagnostics.Concat(diagnostics).ToEquatableArray();
            return new InferenceResult(input, output, rows.ToEquatableArray(), trainable, nonTrainable, macs, all)
            {
                Network = all.Any(isError) ? null : network,
            };
        }

        /// <summary>
        /// ND0104: an image input with many more channels than its smaller side, and that side of at most 4
        /// (Input(224, 224, 3)), is most likely written height-width-channels; NetDsl is channels first.
        /// </summary>
        private void CheckLayout(Shape input)
        {
            var dims = new[] { input.Channels, input.Height, input.Width };
            var smallest = Math.Min(input.Height, input.Width);
            if (input.Channels < 16 || smallest > 4 || input.Channels < 4 * smallest)
            {
                return;
            }
            var at = input.Height <= input.Width ? 1 : 2;
            var reordered = new[] { dims[at] }.Concat(dims.Where((_, i) => i != at)).ToArray();
            string List(long[] values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            Report(Rules.InputLooksChannelsLast.At(model.InputSpan, model.ClassName, List(dims), dims[0].ToString(CultureInfo.InvariantCulture),
                    dims[1].ToString(CultureInfo.InvariantCulture), dims[2].ToString(CultureInfo.InvariantCulture), List(reordered))
                .Offer("ReorderInput").With("Input", List(reordered)));
        }

        /// <summary>The summary's rows: every leaf layer, depth first, with the outputs a merge or a branch reads.</summary>
        private static void AddRows(LoweredScope scope, string prefix, List<LayerRow> rows)
        {
            for (var i = 0; i < scope.Nodes.Count; i++)
            {
                var node = scope.Nodes[i];
                if (node.Block is { } block)
                {
                    AddRows(block.Body, prefix + node.Name + ".", rows);
                    continue;
                }
                var chained = node.Inputs.Count == 1 && node.Inputs[0] == i - 1;
                var connected = chained ? string.Empty : string.Join(", ", node.Inputs.Select(scope.NameOf));
                var type = LayerCatalog.Find(node.Kind)?.SummaryType(node) ?? node.Kind;
                type = node.Activation is { } activation ? type + ", " + activation.Kind : type;
                rows.Add(new LayerRow(prefix + node.Name, type, node.Output, node.Trainable, node.NonTrainable, node.MultiplyAdds, connected));
            }
        }

        // ---- Phase 1: what the text alone decides ---------------------------------------------------------------

        private void CheckStatically(EquatableArray<LayerSpec> layers, BlockDefinition? owner, string scopeName)
        {
            var names = new HashSet<string>();
            var parameters = owner is null
                ? new HashSet<string>()
                : new HashSet<string>(owner.Parameters.Select(p => p.Name).Concat(ImplicitVariables));
            CheckLets(owner?.Lets ?? model.Lets, owner, parameters);
            for (var i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var never = layer.When is { Kind: ValueKind.Bool, Bool: false }; // e.g. a BatchNorm a variant removed
                if (!never && !names.Add(layer.Name))
                {
                    if (!AreAlternatives(layers, layer))
                    {
                        Report(Rules.DuplicateName, layer.Span, scopeName + "." + layer.Name, layer.Name, "is already used in this scope; module names must be unique");
                    }
                    else if (layers.First(l => l.Name == layer.Name && l.When is not { Kind: ValueKind.Bool, Bool: false }) is var first && (first.Kind != layer.Kind || first.BlockType != layer.BlockType))
                    {
                        Report(Rules.AlternativesDiffer, layer.Span, scopeName + "." + layer.Name, KindName(first), KindName(layer));
                    }
                }
                // A repeated layer's own arguments may read repeatIndex; its When and Repeat are evaluated once, outside.
                var own = new HashSet<string>(parameters);
                if (layer.Repeat is not null)
                {
                    own.Add(Lowerer.RepeatIndex);
                }
                if (LayerCatalog.Find(layer.Kind) is { ReadsOwnInputShape: true })
                {
                    own.UnionWith(ImplicitVariables); // [Custom]'s output shape is written over its own input
                }
                foreach (var argument in layer.Arguments)
                {
                    foreach (var value in argument.Value.Kind == ValueKind.List ? argument.Value.Items.AsEnumerable() : new[] { argument.Value })
                    {
                        if (value.Kind == ValueKind.Expression)
                        {
                            CheckExpression(value, owner, own, ExpectedType(layer, argument.Name), argument.Name, ExpectedEnum(layer, argument.Name));
                        }
                    }
                }
                foreach (var (argument, value) in new[] { ("When", layer.When), ("Repeat", layer.Repeat) })
                {
                    if (value is { Kind: ValueKind.Expression })
                    {
                        CheckExpression(value, owner, parameters, argument == "When" ? ExpressionType.Bool : ExpressionType.Int, argument);
                    }
                }
                if (layer.Key is { } key)
                {
                    CheckKey(layer, key, owner, own, scopeName);
                }
                foreach (var argument in layer.Arguments)
                {
                    if (argument.Name.EndsWith("L1", StringComparison.Ordinal) || argument.Name.EndsWith("L2", StringComparison.Ordinal))
                    {
                        if (argument.Value.Double < 0)
                        {
                            Report(Rules.ArgumentOutOfRange, argument.Value.Span ?? layer.Span, layer.Name, $"regularizer λ must be ≥ 0, got {Format(argument.Value.Double)}");
                        }
                        if (argument.Name.StartsWith("bias", StringComparison.Ordinal) && argument.Value.Double != 0 && !Lowerer.UseBias(layer))
                        {
                            Report(Rules.RegularizerWithoutWeight, argument.Value.Span ?? layer.Span, layer.Name, char.ToUpperInvariant(argument.Name[0]) + argument.Name.Substring(1), "bias (UseBias = false)");
                        }
                    }
                }
                CheckInputs(layers, i, scopeName, owner?.Inputs ?? new[] { Lowerer.InputName });
                CheckInputCount(layer, scopeName);
                if (LayerCatalog.Find(layer.Kind)?.Weights is not null && Lowerer.UseBias(layer) && layer.Get("activation") is null or { Kind: ValueKind.Enum, Int: 0 } && i + 1 < layers.Count &&
                    layers[i + 1].Kind == "BatchNorm" && layers[i + 1].Inputs.Count == 0 &&
                    layers[i + 1].When is not { Kind: ValueKind.Bool, Bool: false } && Equals(layer.When?.Text, layers[i + 1].When?.Text))
                {
                    Report(Rules.BiasBeforeBatchNorm.At(layer.Span, layer.Name).Offer("UseBiasFalse"));
                }
                if (owner is null && layer.IsBlock && layer.BlockType is not null)
                {
                    var chain = new List<string>();
                    if (FindCycle(layer.BlockType, chain))
                    {
                        var shown = chain.Select(t => blocks.TryGetValue(t, out var inChain) ? inChain.Name : t);
                        Report(Rules.RecursiveBlock, layer.Span, blocks.TryGetValue(layer.BlockType, out var b) ? b.Name : layer.BlockType, string.Join(" → ", shown));
                    }
                }
            }
        }

        /// <summary>
        /// The scope's [Let]s in order: each may read the parameters, the input size and the Lets above it (a function
        /// also its own parameters); a value joins the names the layers' expressions read, with its type.
        /// </summary>
        private void CheckLets(EquatableArray<LetDefinition> lets, BlockDefinition? owner, HashSet<string> parameters)
        {
            letTypes = new Dictionary<string, ExpressionType>(StringComparer.Ordinal);
            letFunctions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
            foreach (var let in lets)
            {
                if (parameters.Contains(let.Name) || letFunctions.ContainsKey(let.Name) || BuiltInFunctions.Names.Contains(let.Name))
                {
                    Report(Rules.InvalidExpression, let.Span, let.Name, $"'{let.Name}' is already a parameter, a Let or a built-in function of {owner?.Name ?? model.ClassName}");
                    continue;
                }
                var scope = new HashSet<string>(parameters);
                scope.UnionWith(let.Parameters);
                var before = diagnostics.Count;
                CheckExpression(let.Body, owner, scope, null, "the Let " + let.Name);
                if (diagnostics.Count > before)
                {
                    continue;
                }
                var body = ExpressionParser.Parse(let.Body.Text!);
                if (let.IsFunction)
                {
                    letFunctions[let.Name] = new FunctionDefinition(let.Name, let.Parameters.ToList(), body);
                }
                else
                {
                    try
                    {
                        letTypes[let.Name] = ExpressionTyping.TypeOf(body, TypesOf(parameters, owner), letFunctions) ?? ExpressionType.Int;
                    }
                    catch (ExpressionException)
                    {
                        letTypes[let.Name] = ExpressionType.Int; // reported by CheckExpression
                    }
                    parameters.Add(let.Name);
                }
            }
        }

        /// <summary>The type of every name a place may read: a block parameter's own, a Let's, else int (inputChannels, repeatIndex, …).</summary>
        private Dictionary<string, ExpressionType> TypesOf(HashSet<string> parameters, BlockDefinition? owner)
        {
            var types = parameters.ToDictionary(n => n, n => letTypes.TryGetValue(n, out var let) ? let : owner?.Parameters.FirstOrDefault(p => p.Name == n)?.Type switch
            {
                ParameterType.Bool => ExpressionType.Bool,
                ParameterType.Double => ExpressionType.Double,
                ParameterType.Enum => ExpressionType.Enum,
                _ => ExpressionType.Int,
            });
            foreach (var member in enumMembers.Keys)
            {
                types[member] = ExpressionType.Enum;
            }
            return types;
        }

        /// <summary>Which enum an enum expression is, where the text alone says it (a member, an enum parameter, ?: of them).</summary>
        private string? EnumTypeOf(Expression expression, BlockDefinition? owner) => expression switch
        {
            IdentifierExpression id when enumMembers.TryGetValue(id.Name, out var member) => member.EnumType,
            IdentifierExpression id => owner?.Parameters.FirstOrDefault(p => p.Name == id.Name)?.EnumType,
            ConditionalExpression conditional => EnumTypeOf(conditional.WhenTrue, owner) ?? EnumTypeOf(conditional.WhenFalse, owner),
            _ => null,
        };

        private string KindName(LayerSpec layer) =>
            layer.IsBlock && layer.BlockType is not null ? (blocks.TryGetValue(layer.BlockType, out var b) ? b.Name : layer.BlockType) : layer.Kind;

        /// <summary>Two layers may share a name when their conditions exclude each other ("c" and "!c").</summary>
        private static bool AreAlternatives(EquatableArray<LayerSpec> layers, LayerSpec layer)
        {
            var first = layers.First(l => l.Name == layer.Name && l.When is not { Kind: ValueKind.Bool, Bool: false });
            var a = first.When?.Text?.Replace(" ", string.Empty);
            var b = layer.When?.Text?.Replace(" ", string.Empty);
            return a is not null && b is not null && (a == "!" + b || b == "!" + a || a == "!(" + b + ")" || b == "!(" + a + ")");
        }

        /// <summary>Depth-first search for a block reachable from <paramref name="start"/> that contains itself unconditionally.</summary>
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
            // A use under a When may recurse (a U-Net level holding the next one while depth > 0): lowering checks that
            // the recursion ends. Only unconditional uses close a cycle that can never end.
            foreach (var inner in block.Body.Where(l => l.IsBlock && l.When is null or { Kind: ValueKind.Bool, Bool: true }))
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
            if (layer.IsBlock)
            {
                var parameter = layer.BlockType is not null && blocks.TryGetValue(layer.BlockType, out var block) ? block.Parameters.FirstOrDefault(p => p.Name == argument) : null;
                return parameter?.Type switch
                {
                    ParameterType.Bool => ExpressionType.Bool,
                    ParameterType.Double => ExpressionType.Double,
                    ParameterType.Int => ExpressionType.Int,
                    ParameterType.Enum => ExpressionType.Enum,
                    _ => null,
                };
            }
            return LayerCatalog.Find(layer.Kind)?.Arguments.FirstOrDefault(a => a.Name == argument)?.Type switch
            {
                ArgumentType.Bool => ExpressionType.Bool,
                ArgumentType.Double => ExpressionType.Double,
                ArgumentType.Int or ArgumentType.IntList => ExpressionType.Int,
                ArgumentType.Enum => ExpressionType.Enum,
                _ => null,
            };
        }

        /// <summary>The enum an argument takes: a layer's Padding or Activation, or an enum block parameter's type.</summary>
        private string? ExpectedEnum(LayerSpec layer, string argument) => layer.IsBlock
            ? (layer.BlockType is not null && blocks.TryGetValue(layer.BlockType, out var block) ? block.Parameters.FirstOrDefault(p => p.Name == argument)?.EnumType : null)
            : LayerCatalog.Find(layer.Kind)?.Arguments.FirstOrDefault(a => a.Name == argument)?.EnumType;

        /// <summary>
        /// Every name a layer reads must be the scope's input or a layer written above it: ND0021 for a name that is
        /// nowhere (with the nearest existing name), ND0023 for one written below it or for the layer itself.
        /// </summary>
        private void CheckInputs(EquatableArray<LayerSpec> layers, int index, string scopeName, IReadOnlyList<string> scopeInputs)
        {
            var layer = layers[index];
            var earlier = layers.Take(index).Select(l => l.Name).ToList();
            foreach (var reference in layer.Inputs)
            {
                var name = reference.Name;
                if (earlier.Contains(name) || scopeInputs.Contains(name))
                {
                    continue;
                }
                var span = reference.Span ?? layer.Span;
                var where = scopeName + "." + layer.Name;
                if (name == layer.Name)
                {
                    Report(Rules.ReadsLaterOutput, span, where, name, "this layer itself: a cycle");
                }
                else if (layers.Skip(index + 1).Any(l => l.Name == name))
                {
                    Report(Rules.ReadsLaterOutput, span, where, name, "written below this layer: reading it would make a cycle");
                }
                else
                {
                    var candidates = earlier.Distinct().Concat(scopeInputs).ToList();
                    var nearest = candidates.OrderBy(c => Distance(c, name)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
                    var hint = nearest is not null && Distance(nearest, name) <= Math.Max(2, name.Length / 3) ? $"; did you mean '{nearest}'?" : string.Empty;
                    var diagnostic = Rules.UnknownOutput.At(span, where, name, string.Join(", ", candidates), hint);
                    Report(hint.Length > 0 && reference.Span is not null ? diagnostic.Offer("ReplaceName").With("Replacement", nearest!) : diagnostic);
                }
            }
        }

        /// <summary>
        /// A block with [BlockInputs] gets one name per input (From = "a, b"); every other layer reads one output,
        /// except a merge, which names its inputs in its constructor.
        /// </summary>
        private void CheckInputCount(LayerSpec layer, string scopeName)
        {
            var where = scopeName + "." + layer.Name;
            if (layer.IsBlock && layer.BlockType is not null && blocks.TryGetValue(layer.BlockType, out var block) && block.Inputs.Count > 1)
            {
                var names = string.Join(", ", block.Inputs);
                if (layer.Inputs.Count != block.Inputs.Count)
                {
                    var given = layer.Inputs.Count == 0 ? "none is named" : $"From names {layer.Inputs.Count}";
                    Report(Rules.WrongInputCount, layer.Inputs.Count == 0 ? layer.Span : layer.Inputs[0].Span ?? layer.Span, where,
                        $"{block.Name} reads {block.Inputs.Count} inputs ({names}) but {given}: write From = \"{string.Join(", ", block.Inputs.Select(_ => "…"))}\" with one name for each");
                }
                else if (layer.Repeat is not null)
                {
                    Report(Rules.InvalidRepeat, layer.Repeat.Span ?? layer.Span, where, $"Repeat chains copies of a block of one input; {block.Name} reads {block.Inputs.Count} ({names})");
                }
                return;
            }
            if (layer.Inputs.Count > 1 && (layer.IsBlock || LayerCatalog.Find(layer.Kind)?.InputsArgument is null))
            {
                Report(Rules.WrongInputCount, layer.Inputs[1].Span ?? layer.Span, where,
                    $"From names {layer.Inputs.Count} outputs, but {KindName(layer)} reads one (several are for a block with [BlockInputs]; a merge names its inputs in its constructor)");
            }
        }

        /// <summary>Levenshtein distance, ignoring case differences at half cost.</summary>
        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var row = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = 2 * j;
            }
            for (var i = 1; i <= a.Length; i++)
            {
                row[0] = 2 * i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 1 : 2;
                    row[j] = Math.Min(Math.Min(previous[j] + 2, row[j - 1] + 2), previous[j - 1] + cost);
                }
                (previous, row) = (row, previous);
            }
            return previous[b.Length] / 2;
        }

        /// <summary>A Key template: its literal text, and each braced part as an int expression over what the layer's arguments may read.</summary>
        private void CheckKey(LayerSpec layer, ArgumentValue key, BlockDefinition? owner, HashSet<string> parameters, string scopeName)
        {
            var text = key.Text ?? string.Empty;
            var where = scopeName + "." + layer.Name;
            if (key.Kind != ValueKind.Expression)
            {
                Report(Rules.InvalidKey, key.Span ?? layer.Span, where, text, "a key is a string");
                return;
            }
            if (KeyTemplate.Parse(text, out var error, out var at) is not { } parts)
            {
                Report(Rules.InvalidKey, Sub(key.Span, at, 1) ?? layer.Span, where, text, error);
                return;
            }
            if (text.Length == 0 && !layer.IsBlock)
            {
                Report(Rules.InvalidKey, key.Span ?? layer.Span, where, text, "only a block's tensors can sit directly under the enclosing path (a layer's need a name)");
                return;
            }
            if (parts.TrueForAll(p => !p.IsExpression) && !KeyTemplate.IsValid(text))
            {
                Report(Rules.InvalidKey, key.Span ?? layer.Span, where, text, "a key is dot-separated names, none of them empty");
                return;
            }
            foreach (var part in parts)
            {
                if (part.IsExpression)
                {
                    CheckExpression(ArgumentValue.OfExpression(part.Text, Sub(key.Span, part.Start, part.Text.Length)), owner, parameters, ExpressionType.Int, "Key");
                }
            }
        }

        private void CheckExpression(ArgumentValue value, BlockDefinition? owner, HashSet<string> parameters, ExpressionType? expected, string argument, string? expectedEnum = null)
        {
            try
            {
                var expression = ExpressionParser.Parse(value.Text!);
                ExpressionTyping.CheckConstantParts(expression);
                {
                    var names = TypesOf(parameters, owner);
                    var type = ExpressionTyping.TypeOf(expression, names, letFunctions);
                    // A double place takes an int too (C# converts it); every other place wants exactly its type.
                    var fits = type is null || expected is null || type == expected || expected == ExpressionType.Double && type == ExpressionType.Int;
                    var wanted = expected switch
                    {
                        ExpressionType.Double => "a number",
                        ExpressionType.Bool => "a bool",
                        ExpressionType.Enum => expectedEnum is null ? "an enum value" : EnumTypes.WithArticle(expectedEnum),
                        _ => "an int",
                    };
                    if (!fits)
                    {
                        var what = argument == "When" ? "When must be a bool expression" : $"{argument} must be {wanted}, not {ExpressionTyping.Name(type)}";
                        Report(Rules.InvalidExpression, value.Span, value.Text!, what);
                    }
                    else if (type == ExpressionType.Enum && expectedEnum is not null && EnumTypeOf(expression, owner) is { } actual && actual != expectedEnum)
                    {
                        Report(Rules.InvalidExpression, value.Span, value.Text!, $"{argument} must be {wanted}, not {EnumTypes.ShortName(actual)}");
                    }
                }
                foreach (var id in expression.Identifiers())
                {
                    if (!parameters.Contains(id.Name) && !enumMembers.ContainsKey(id.Name) && id.Name.Contains("."))
                    {
                        // A dotted name is an enum member: say which members there are, and the nearest one.
                        var dot = id.Name.LastIndexOf('.');
                        var prefix = id.Name.Substring(0, dot);
                        var members = enumMembers.Keys.Where(k => k.StartsWith(prefix + ".", StringComparison.Ordinal) && k.IndexOf('.', prefix.Length + 1) < 0).ToList();
                        var closest = members.OrderBy(m => Distance(m, id.Name)).ThenBy(m => m, StringComparer.Ordinal).FirstOrDefault();
                        var why = closest is null
                            ? $"'{prefix}' is no enum an expression can name (NetDsl's {string.Join(", ", model.Enums.Select(e => EnumTypes.ShortName(e.FullName)).Distinct())}, or a block parameter's enum type)"
                            : $"'{id.Name}' is not a member of {prefix}: did you mean {closest}? ({string.Join(", ", members.Select(m => m.Substring(dot + 1)))})";
                        var diagnostic = Rules.InvalidExpression.At(Sub(value.Span, id.Start, id.Length), value.Text!, why);
                        Report(closest is null ? diagnostic : diagnostic.Offer("ReplaceName").With("Replacement", closest));
                    }
                    else if (!parameters.Contains(id.Name) && !enumMembers.ContainsKey(id.Name))
                    {
                        var known = parameters.Count == 0
                            ? "a network has none; expressions belong in blocks, or name a [Let]"
                            : string.Join(", ", (owner?.Parameters.Select(p => p.Name) ?? Enumerable.Empty<string>()).Concat(owner is null ? Enumerable.Empty<string>() : ImplicitVariables)
                                .Concat(parameters.Where(p => letTypes.ContainsKey(p) || p == Lowerer.RepeatIndex)).Distinct());
                        var names = (owner?.Parameters.Select(p => p.Name) ?? Enumerable.Empty<string>()).Concat(owner is null ? Enumerable.Empty<string>() : ImplicitVariables)
                            .Concat(parameters.Where(p => letTypes.ContainsKey(p) || p == Lowerer.RepeatIndex)).Distinct().ToList();
                        var nearest = names.OrderBy(n => Distance(n, id.Name)).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
                        var near = nearest is not null && Distance(nearest, id.Name) <= Math.Max(2, id.Name.Length / 3);
                        var diagnostic = Rules.UnknownParameter.At(Sub(value.Span, id.Start, id.Length), id.Name, owner?.Name ?? model.ClassName, known,
                            near ? $"; did you mean '{nearest}'?" : string.Empty);
                        Report(near ? diagnostic.Offer("ReplaceName").With("Replacement", nearest!) : diagnostic);
                    }
                }
            }
            catch (ExpressionException e)
            {
                Report(Rules.InvalidExpression, Sub(value.Span, e.Start, e.Length), value.Text!, e.Message);
            }
        }

        internal static SourceSpan? Sub(SourceSpan? span, int start, int length)
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

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
