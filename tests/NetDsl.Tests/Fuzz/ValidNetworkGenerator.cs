using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

internal sealed class FuzzGeneratorOptions
{
    public bool AllowBlocks { get; set; } = true;

    public bool AllowVariants { get; set; } = true;

    public int? Networks { get; set; }

    /// <summary>Prefer λs and epsilons so small that rounding them changes the network.</summary>
    public bool Tiny { get; set; }

    /// <summary>At least one variant of a variant.</summary>
    public bool VariantChain { get; set; }

    public int? NamespaceStyle { get; set; }

    /// <summary>Blocks of one name in two namespaces (off where a mutation moves everything into one namespace).</summary>
    public bool AllowTwins { get; set; } = true;

    /// <summary>[Custom] layers (off where a mutation keeps only a network's own text, without the module classes).</summary>
    public bool AllowCustom { get; set; } = true;
}

/// <summary>
/// Builds random networks that are valid by construction: every layer is proposed for the current shape and kept
/// only when the fuzzer's own simulation accepts it, and every reuse of a block is simulated with its new arguments.
/// </summary>
internal sealed class ValidNetworkGenerator
{
    private static readonly string[] NamespacePool = { "Models", "Lab", "Fuzz.Nets", "Vision.Small", "Deep.Mlps", "Zooish" };
    private static readonly string[] NetworkWords = { "Net", "Model", "Classifier", "Encoder", "Backbone", "Mlp", "ConvNet", "Tiny", "Probe" };
    private static readonly string[] VariantWords = { "NoBn", "BnAfter", "L2", "Small", "Alt", "Reg" };
    private static readonly (string Name, string Stem)[] BlockNames =
    {
        ("Unit", "unit"), ("ResUnit", "res_unit"), ("DownStage", "down_stage"), ("MixCell", "mix_cell"), ("ConvBnAct", "conv_bn_act"),
        ("Lane", "lane"), ("Trunk", "trunk"), ("Branch", "branch"), ("Cell", "cell"), ("WideBlock", "wide_block"), ("Bottle", "bottle"),
    };

    // Disjoint from each other and from parameter names, so no generated field, parameter or local can collide.
    private static readonly string[] LayerNames =
    {
        "conv", "stem", "proj", "expand", "head", "fc", "bn", "drop", "act", "body", "mix", "features", "classifier", "squeeze",
        "reduce", "lift", "core", "tail", "entry", "down", "up", "side", "main", "fc2", "conv_a", "conv_b", "_tail", "stage1",
    };

    // Names that once broke the generated code: generated members, TorchSharp Module (and object) members, type
    // names, keywords, the emitter's old locals and parameter names. Any layer may take one; its module name stays.
    internal static readonly string[] SpecialLayerNames =
    {
        "Summary", "InputShape", "OutputShape", "TrainableParameters", "NonTrainableParameters", "MultiplyAdds", "forward", "RegularizationLoss",
        "train", "eval", "training", "to", "parameters", "children", "modules", "named_modules", "state_dict", "cuda", "cpu", "zero_grad",
        "apply", "call", "ToString", "GetHashCode", "Equals", "GetType",
        "nn", "Shape", "Tensor", "Linear", "Conv2d", "BatchNorm2d", "Device", "torch", "TorchSharp", "NetDsl", "System", "List", "Module",
        "Regularizer", "InputShapeException", "ShapeRules", "IRegularizedModule", "Math", "String", "GC",
        "class", "int", "base", "this", "namespace", "return", "var", "nameof", "dynamic", "event", "new", "object", "string", "void",
        "default", "is", "value", "partial", "record",
        "name", "shape", "x", "input", "inputShape", "device", "terms", "filters", "units", "rate", "shortcut",
    };

    // Keyword namespaces and class names are written with '@'.
    private static readonly string[] KeywordNamespaces = { "@class.Models", "Models.@event", "@namespace", "Lab.@int" };
    private static readonly string[] KeywordClassNames = { "@event", "@class", "@object", "@base", "@int" };

    private static readonly string[] IntParamNames = { "filters", "width", "units", "depth", "factor", "hidden", "grow", "span", "k", "n" };
    private static readonly string[] BoolParamNames = { "pool", "wide", "shortcut", "norm", "deep", "skip", "gate", "flag" };
    private static readonly string[] DoubleParamNames = { "rate", "p", "keep", "scale", "alpha", "ratio" };
    private static readonly string[] UserEnumNames = { "Flavor", "Stage", "Branching", "Style" };
    private static readonly string[][] UserEnumMembers = { new[] { "Plain", "Bottleneck" }, new[] { "Thin", "Wide", "Deep" }, new[] { "A", "B", "C", "D" } };

    // The names the emitter once used for its own parameters and locals: a block parameter may take any of them.
    private static readonly string[] EmitterNames = { "name", "shape", "x", "input", "inputShape", "device", "terms" };
    private static readonly string[] KeywordParameterNames = { "class", "event", "object", "base", "params" };

    // Arguments for a double parameter as C# reads them: a float literal converts to the double nearest the float.
    private static readonly (string Text, double Value)[] DoubleArguments =
    {
        ("0.25", 0.25), ("0.1", 0.1), ("1e-3", 1e-3), ("0.3d", 0.3), ("0.2f", 0.2f), ("0", 0), ("1", 1), ("2.5E-2", 2.5e-2),
        ("0.5", 0.5), ("0.75", 0.75), ("1.5", 1.5), (".4", 0.4), ("2", 2),
    };

    private static readonly (string Text, double Value)[] FloatArguments =
    {
        ("0.25f", 0.25f), ("0.2f", 0.2f), ("0.5F", 0.5f), ("0", 0), ("1", 1), ("0.1f", 0.1f), ("1.5f", 1.5f), ("3e-1f", 3e-1f),
    };

    private static readonly FuzzNumber[] Lambdas =
    {
        FuzzNumber.Of("0.001", 0.001), FuzzNumber.Of("1e-4", 1e-4), FuzzNumber.Of("0.01", 0.01), FuzzNumber.Of("5e-3", 5e-3),
        FuzzNumber.Of("0.0005", 0.0005), FuzzNumber.Of(".02", 0.02), FuzzNumber.Of("1E-3", 1e-3), FuzzNumber.Of("0.001d", 0.001),
        FuzzNumber.Of("0.01f", 0.01f),
    };

    private static readonly FuzzNumber[] TinyLambdas = { FuzzNumber.Of("1e-15", 1e-15), FuzzNumber.Of("1e-13", 1e-13), FuzzNumber.Of("3e-14", 3e-14) };
    private static readonly FuzzNumber[] Epsilons = { FuzzNumber.Of("1e-3", 1e-3), FuzzNumber.Of("1e-5", 1e-5), FuzzNumber.Of("0.001", 0.001), FuzzNumber.Of("2e-3", 2e-3), FuzzNumber.Of("1e-4", 1e-4) };
    private static readonly FuzzNumber[] TinyEpsilons = { FuzzNumber.Of("1e-14", 1e-14), FuzzNumber.Of("1e-13", 1e-13) };
    private static readonly FuzzNumber[] Momenta = { FuzzNumber.Of("0.9", 0.9), FuzzNumber.Of("0.99", 0.99), FuzzNumber.Of("0.5", 0.5), FuzzNumber.Of("0", 0), FuzzNumber.Of("0.999", 0.999), FuzzNumber.Of(".8", 0.8) };

    private static readonly FuzzNumber[] Rates =
    {
        FuzzNumber.Of("0", 0), FuzzNumber.Of("0.1", 0.1), FuzzNumber.Of("0.25", 0.25), FuzzNumber.Of(".5", 0.5), FuzzNumber.Of("0.5", 0.5),
        FuzzNumber.Of("5e-1", 0.5), FuzzNumber.Of("0.75", 0.75), FuzzNumber.Of("0.3d", 0.3), FuzzNumber.Of("0.2f", 0.2f),
    };

    private readonly Random rng;
    private readonly FuzzGeneratorOptions options;

    // The scope being generated adds its own special names: its class name, its block's name and parameters.
    private readonly Stack<IReadOnlyList<string>> scopeNames = new();
    private readonly HashSet<string> typeNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string?> namespaces = new();

    public ValidNetworkGenerator(Random rng, FuzzGeneratorOptions? options = null)
    {
        this.rng = rng;
        this.options = options ?? new FuzzGeneratorOptions();
        Program = new FuzzProgram();
    }

    public FuzzProgram Program { get; }

    public FuzzProgram Generate()
    {
        var p = Program;
        p.NamespaceStyle = options.NamespaceStyle ?? Weighted((0, 20), (1, 35), (2, 35), (3, 10));
        ChooseNamespaces();
        p.Qualifier = rng.NextDouble() < 0.1 ? (rng.Next(2) == 0 ? "NetDsl." : "global::NetDsl.") : null;
        p.UsingInsideNamespace = p.NamespaceStyle >= 2 && rng.NextDouble() < 0.2;
        p.SplitFiles = rng.NextDouble() < 0.2;

        var count = options.Networks ?? 1 + (rng.NextDouble() < 0.35 ? 1 : 0) + (rng.NextDouble() < 0.1 ? 1 : 0);
        for (var i = 0; i < count; i++)
        {
            var twin = i > 0 && Chance(0.08) ? p.Networks.FirstOrDefault(n => !n.ClassName.StartsWith('@')) : null;
            var twinName = twin is null ? null : CaseVariant(twin.ClassName);
            if (twinName is not null && p.Networks.Any(n => n.ClassName == twinName))
            {
                twin = null;
                twinName = null;
            }
            p.Networks.Add(NewNetwork(twinName, caseTwinOf: twin));
        }
        if (options.AllowVariants)
        {
            var variants = rng.NextDouble() < 0.4 ? 1 + (rng.NextDouble() < 0.25 ? 1 : 0) : 0;
            for (var i = 0; i < variants; i++)
            {
                p.Networks.Add(NewVariant(p.Networks[rng.Next(p.Networks.Count)]));
            }
            if (options.VariantChain)
            {
                var first = NewVariant(p.Networks[rng.Next(p.Networks.Count)]);
                p.Networks.Add(first);
                p.Networks.Add(NewVariant(first));
            }
        }
        if (options.Tiny)
        {
            p.Networks.Add(TinyNetwork());
        }
        return p;
    }

    /// <summary>The fuzzer's expectation for every network of the program.</summary>
    public IReadOnlyList<FuzzExpectation> Expectations() => Program.Networks.Select(FuzzVariants.Expect).ToList();

    public string? AnyNamespace() => namespaces.Count == 0 ? null : namespaces[rng.Next(namespaces.Count)];

    private void ChooseNamespaces()
    {
        namespaces.Clear();
        switch (Program.NamespaceStyle)
        {
            case 0:
                namespaces.Add(null);
                break;
            case 1:
                namespaces.Add(Chance(0.05) ? Pick(KeywordNamespaces) : NamespacePool[rng.Next(NamespacePool.Length)]);
                break;
            default:
                foreach (var ns in NamespacePool.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)))
                {
                    namespaces.Add(Chance(0.05) ? Pick(KeywordNamespaces.Where(k => !namespaces.Contains(k)).ToList()) : ns);
                }
                if (Chance(0.08))
                {
                    // Namespaces that differ only in case are different namespaces.
                    var twin = CaseVariant(namespaces[0]!);
                    if (!namespaces.Contains(twin))
                    {
                        namespaces.Add(twin);
                    }
                }
                break;
        }
        foreach (var ns in namespaces.Where(n => n is not null))
        {
            foreach (var segment in ns!.Split('.'))
            {
                typeNames.Add(segment);
                typeNames.Add(segment.TrimStart('@'));
            }
        }
    }

    private int Weighted(params (int Value, int Weight)[] choices)
    {
        var total = choices.Sum(c => c.Weight);
        var r = rng.Next(total);
        foreach (var (value, weight) in choices)
        {
            if (r < weight)
            {
                return value;
            }
            r -= weight;
        }
        return choices[^1].Value;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private bool Chance(double p) => rng.NextDouble() < p;

    /// <summary>The same name in another case: all upper case, or the first letter's case flipped.</summary>
    public string CaseVariant(string name)
    {
        var at = name.StartsWith('@') ? "@" : string.Empty;
        var core = name.Substring(at.Length);
        var upper = core.ToUpperInvariant();
        if (upper != core && Chance(0.5))
        {
            return at + upper;
        }
        var flipped = (char.IsUpper(core[0]) ? char.ToLowerInvariant(core[0]) : char.ToUpperInvariant(core[0])) + core.Substring(1);
        return at + (flipped != core ? flipped : upper != core ? upper : core.ToLowerInvariant());
    }

    /// <summary>A type name unused in any case and with or without '@' (event and @event are one name to C#).</summary>
    public string UniqueTypeName(string stem)
    {
        var name = stem;
        for (var i = 2; typeNames.Contains(name) || typeNames.Contains(name.TrimStart('@')); i++)
        {
            name = stem + i.ToString(CultureInfo.InvariantCulture);
        }
        typeNames.Add(name);
        typeNames.Add(name.TrimStart('@'));
        return name;
    }

    private FuzzContainer? NewContainer()
    {
        if (!Chance(0.2))
        {
            return null;
        }
        var container = new FuzzContainer();
        // One name per kind of enclosing type, so that two networks in one container agree on its declaration.
        switch (rng.Next(10))
        {
            case 0:
                container.Levels.Add(("Zoo", "public partial class"));
                break;
            case 1:
                container.Levels.Add(("Catalog", "public static partial class"));
                break;
            case 2:
                container.Levels.Add(("Suite", "internal partial class"));
                break;
            case 3:
                container.Levels.Add(("Shelf", "partial class"));
                break;
            case 4:
                container.Levels.Add(("Holder", "public partial struct"));
                break;
            case 5:
                container.Levels.Add(("Frozen", "public readonly partial struct"));
                break;
            case 6:
                container.Levels.Add(("Registry", "public partial record"));
                break;
            case 7:
                container.Levels.Add(("Pair", "public partial record struct"));
                break;
            case 8:
                container.Levels.Add(("Outer", "public partial class"));
                container.Levels.Add(("Inner", "public partial class"));
                break;
            default:
                container.Levels.Add(("Box", "public partial struct"));
                container.Levels.Add(("Deep", "public static partial class"));
                break;
        }
        foreach (var level in container.Levels)
        {
            typeNames.Add(level.Name);
        }
        return container;
    }

    private FuzzShape RandomInput()
    {
        if (Chance(0.6))
        {
            var channels = Pick(new long[] { 1, 3, 3, 2, 4 });
            var height = (long)rng.Next(4, 33);
            var width = Chance(0.7) ? height : rng.Next(4, 33);
            return FuzzShape.Image(channels, height, width);
        }
        if (Chance(0.25))
        {
            // A sequence [C, L], Conv1D's input.
            return FuzzShape.Sequence(Pick(new long[] { 1, 2, 3, 4, 8 }), rng.Next(4, 65));
        }
        return FuzzShape.Vector(Chance(0.5) ? rng.Next(1, 33) : rng.Next(1, 257));
    }

    /// <param name="caseTwinOf">A network whose name, namespace and container this one takes, in another case (Net, NET).</param>
    public FuzzNetwork NewNetwork(string? className, FuzzShape? input = null, FuzzNetwork? caseTwinOf = null)
    {
        className ??= Chance(0.03) ? UniqueTypeName(Pick(KeywordClassNames))
            : UniqueTypeName(Pick(NetworkWords) + (Program.Networks.Count + 1).ToString(CultureInfo.InvariantCulture));
        var network = new FuzzNetwork(className)
        {
            Namespace = caseTwinOf is null ? AnyNamespace() : caseTwinOf.Namespace,
            Container = caseTwinOf is null ? NewContainer() : caseTwinOf.Container,
            Modifiers = Pick(new[] { "public", "public", "internal", "public sealed", string.Empty, "sealed" }),
            TorchDefaults = Chance(0.15) ? true : Chance(0.1) ? false : null,
            Glorot = Chance(0.15),
            NetworkParentheses = Chance(0.1),
            Regularizer = Chance(0.15) ? NewRegularizer() : null,
            InputNamed = Chance(0.15),
        };
        if (network.Container is not null && !network.Modifiers.Contains("public", StringComparison.Ordinal) && !network.Modifiers.Contains("internal", StringComparison.Ordinal))
        {
            // A nested class without a modifier is private, and a variant elsewhere could not name it.
            network.Modifiers = "internal " + network.Modifiers;
        }
        var shape = input ?? RandomInput();
        network.Input = shape;
        var target = Chance(0.03) ? 0 : rng.Next(1, 9);
        scopeNames.Push(new[] { network.ClassName.TrimStart('@') }.Concat(Program.Blocks.Select(b => b.Name)).ToList());
        var layers = GenerateScope(shape, null, 0, target, new HashSet<FuzzBlock>(), out var state);
        var output = state.CurrentShape;
        if (!output.IsFlat && Chance(0.6))
        {
            var names = new HashSet<string>(layers.Where(l => l.ExplicitName is not null).Select(l => l.ExplicitName!), StringComparer.Ordinal);
            var head = new FuzzLayer(output.Size <= FuzzSimulation.MaxFeatures && Chance(0.5) ? FuzzKind.Flatten : Chance(0.8) ? FuzzKind.GlobalAveragePooling2D : FuzzKind.GlobalMaxPooling2D);
            var dense = MakeDense(null);
            if (Chance(0.4))
            {
                dense.ExplicitName = FreshName(names);
            }
            if (output.IsSequence)
            {
                head = Chance(0.5) ? new FuzzLayer(FuzzKind.Flatten) : new FuzzLayer(FuzzKind.Reshape) { Dimensions = new[] { -1 } };
            }
            var candidate = new List<FuzzLayer> { head, dense };
            if (Simulates(candidate, null, state, out _))
            {
                layers.AddRange(candidate);
            }
        }
        scopeNames.Pop();
        network.Layers.AddRange(layers);
        if (Chance(0.12))
        {
            AddLets(network.Lets, network.Layers, inBlock: false, Array.Empty<string>());
        }
        FuzzLayer.AssignNames(network.Layers);
        FinishLayout(network);
        if (Chance(0.12))
        {
            AddHarmlessMembers(network);
        }
        return network;
    }

    /// <summary>A layer-free network built from explicit layers (for mutation classes that need a particular shape).</summary>
    public FuzzNetwork ManualNetwork(string className, FuzzShape input, IEnumerable<FuzzLayer> layers)
    {
        var network = new FuzzNetwork(className) { Namespace = AnyNamespace(), Input = input };
        typeNames.Add(className);
        network.Layers.AddRange(layers);
        FuzzLayer.AssignNames(network.Layers);
        FinishLayout(network);
        return network;
    }

    private void FinishLayout(FuzzNetwork network)
    {
        network.HeaderPosition = Chance(0.1) ? rng.Next(0, network.Layers.Count + 1) : 0;
        var grouped = Chance(0.2);
        for (var remaining = network.Layers.Count; remaining > 0;)
        {
            var size = grouped ? Math.Min(remaining, rng.Next(1, 4)) : 1;
            network.Grouping.Add(size);
            remaining -= size;
        }
    }

    /// <summary>Members of the user's part that NetDsl must leave alone (none is named like a layer: see <see cref="SpecialLayerNames"/>).</summary>
    private void AddHarmlessMembers(FuzzNetwork network)
    {
        var members = new List<string>
        {
            "public static int Twice(int value) => value * 2;",
            "private enum Mode { A, B }",
            "public static string Describe() => \"" + network.ClassName.TrimStart('@') + "\";",
            // Also where a layer is named System: its field must not hide the namespace (a fixed generator bug).
            "private static readonly int Offset = System.Math.Max(1, 2);",
        };
        var generated = new List<string>();
        if (Chance(0.6))
        {
            generated.Add("public int Seed { get; }");
            generated.Add($"public {FuzzNetwork.Self}(int seed) : {Pick(new[] { "this(device: null)", "this(null)", "this()" })} {{ Seed = seed; }}");
        }
        if (Chance(0.5))
        {
            generated.Add("protected override void Dispose(bool disposing) { base.Dispose(disposing); }");
        }
        if (Chance(0.5))
        {
            // Unchecked: a text mutation may make the constants huge, and their constant sum must not become a C# error.
            generated.Add("public static long Size() => unchecked(TrainableParameters + NonTrainableParameters + MultiplyAdds);");
            generated.Add("public static string Table() => Summary + InputShape + OutputShape;");
        }
        // Only a layer whose field keeps its name: an ordinary name, not one of the special ones.
        var fields = network.Layers.Where(l => l.OwnsModule && !SpecialLayerNames.Contains(l.FinalName) && l.FinalName != network.ClassName.TrimStart('@') &&
            !Program.Blocks.Any(b => b.Name == l.FinalName) && !l.IsMultiInputUse).ToList(); // a block of two inputs has a forward of two
        if (fields.Count > 0 && Chance(0.6))
        {
            generated.Add($"public TorchSharp.torch.Tensor First(TorchSharp.torch.Tensor input) => this.{Pick(fields).FinalName}.forward(input);");
        }
        network.MembersUseGenerated = generated.Count > 0;
        network.Members.AddRange(members.Take(rng.Next(1, members.Count + 1)).Concat(generated).OrderBy(_ => rng.Next()));
    }

    private FuzzRegularizer NewRegularizer()
    {
        var lambdas = options.Tiny && Chance(0.5) ? TinyLambdas : Lambdas;
        var regularizer = new FuzzRegularizer();
        switch (rng.Next(5))
        {
            case 0:
            case 1:
                regularizer.L1 = Pick(lambdas);
                break;
            case 2:
            case 3:
                regularizer.L2 = Pick(lambdas);
                break;
            default:
                regularizer.L1 = Pick(lambdas);
                regularizer.L2 = Pick(lambdas);
                break;
        }
        if (Chance(0.5))
        {
            regularizer.Layers = rng.Next(1, 4);
            regularizer.LayersAsFlags = regularizer.Layers == 3 && Chance(0.5);
        }
        regularizer.Biases = Chance(0.3) ? true : Chance(0.15) ? false : null;
        return regularizer;
    }

    public FuzzNetwork NewVariant(FuzzNetwork baseNetwork)
    {
        var name = UniqueTypeName(baseNetwork.ClassName.TrimStart('@') + Pick(VariantWords));
        var variant = new FuzzNetwork(name)
        {
            Base = baseNetwork,
            Namespace = AnyNamespace(),
            Container = NewContainer(),
            Modifiers = Pick(new[] { "public", "internal", "public sealed" }),
            QualifiedTypeof = Chance(0.4),
        };
        // Composing placements along a chain is only unambiguous when at most one link moves BatchNorm.
        var inherited = FuzzVariants.EffectivePlacement(baseNetwork);
        variant.Placement = inherited == 0 ? rng.Next(3) : Chance(0.5) ? 0 : 2;
        variant.PlacementWritten = variant.Placement != 0 || Chance(0.2);
        variant.Regularizer = Chance(0.4) ? NewRegularizer() : null;
        if (Chance(0.3))
        {
            var layers = FuzzVariants.Resolve(variant).Layers;
            for (var i = 0; i < 8; i++)
            {
                var shape = RandomInput();
                if (Simulates(layers, null, new FuzzScope(shape), out _))
                {
                    variant.Input = shape;
                    variant.InputNamed = Chance(0.2);
                    break;
                }
            }
        }
        return variant;
    }

    private FuzzNetwork TinyNetwork()
    {
        var dense = new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(4) };
        dense.Regularizers.Add(("KernelL2", Pick(TinyLambdas)));
        var norm = new FuzzLayer(FuzzKind.BatchNorm) { Epsilon = Pick(TinyEpsilons) };
        var last = new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(2) };
        last.Regularizers.Add(("BiasL1", Pick(TinyLambdas)));
        return ManualNetwork(UniqueTypeName("TinyValues"), FuzzShape.Vector(rng.Next(2, 17)), new[] { dense, norm, last });
    }

    // ---- scopes -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Whether <paramref name="layers"/> fit where <paramref name="scope"/> stands (names, shapes, size limits), and
    /// leave no output unread but the current one; <paramref name="next"/> is the scope after them.
    /// </summary>
    private static bool Simulates(IReadOnlyList<FuzzLayer> layers, IReadOnlyDictionary<string, FuzzValue>? variables, FuzzScope scope, out FuzzScope next)
    {
        var sim = new FuzzSimulation(torchDefaults: false, defaults: null, limits: true);
        next = scope.Clone();
        return FuzzSimulator.Continue(sim, layers, variables, next, string.Empty) && sim.Unread.Count == 0 && !next.Unread.Any();
    }

    private List<FuzzLayer> GenerateScope(FuzzShape input, Dictionary<string, FuzzValue>? variables, int depth, int target, HashSet<FuzzBlock> defining, out FuzzScope state)
    {
        var layers = new List<FuzzLayer>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var scope = new FuzzScope(input);
        for (var attempt = 0; layers.Count < target && attempt < target * 6 + 6; attempt++)
        {
            var blocks = Program.Blocks.Count;
            var proposal = Propose(scope, layers, variables, depth, names, defining);
            // Names first: the simulation resolves the names layers read, and a merge names the layers of its branches.
            if (proposal is not null && proposal.Count > 0)
            {
                FuzzLayer.AssignNames(layers.Concat(proposal));
            }
            if (proposal is null || proposal.Count == 0 || !Simulates(proposal, variables, scope, out var next))
            {
                // Blocks made for a refused proposal go again: a block no network uses is never checked, so any
                // mutation inside one would go unnoticed.
                ForgetBlocks(blocks);
                continue;
            }
            layers.AddRange(proposal);
            foreach (var layer in proposal.Where(l => l.ExplicitName is not null))
            {
                names.Add(layer.ExplicitName!);
            }
            scope = next;
        }
        FuzzLayer.AssignNames(layers);
        state = scope;
        return layers;
    }

    private void ForgetBlocks(int keep)
    {
        var dropped = Program.Blocks.Skip(keep).ToList();
        Program.Blocks.RemoveRange(keep, dropped.Count);
        foreach (var name in dropped.Select(b => b.Name).Distinct(StringComparer.Ordinal))
        {
            var left = Program.Blocks.Where(o => o.Name == name).ToList();
            if (left.Count == 0)
            {
                typeNames.Remove(name);
                typeNames.Remove(name + "Attribute");
            }
            else if (left.Count == 1)
            {
                left[0].Qualified = false; // its twin is gone
            }
        }
    }

    /// <summary>An unused name of the scope: mostly an ordinary one, sometimes one of the names that once broke the generated code.</summary>
    private string? FreshName(HashSet<string> names)
    {
        if (Chance(0.1))
        {
            var own = scopeNames.Count > 0 && Chance(0.4) ? scopeNames.Peek() : SpecialLayerNames;
            var special = own.Where(n => !names.Contains(n)).ToList();
            if (special.Count > 0)
            {
                return Pick(special);
            }
        }
        var free = LayerNames.Where(n => !names.Contains(n)).ToList();
        return free.Count == 0 ? null : Pick(free);
    }

    private List<FuzzLayer>? Propose(FuzzScope scope, List<FuzzLayer> scopeLayers, Dictionary<string, FuzzValue>? variables, int depth, HashSet<string> names, HashSet<FuzzBlock> defining)
    {
        var shape = scope.CurrentShape;
        var scopeInput = scope.Input;
        var inBlock = variables is not null;
        var blocks = options.AllowBlocks && depth < 2 ? 10 : 0;
        var add = shape == scopeInput ? 6 : 0;
        int kind;
        // 104: an activation of any kind; 105: a reshape to another rank.
        if (shape.IsImage)
        {
            var small = shape.Height * shape.Width <= 100;
            kind = Weighted(((int)FuzzKind.Conv2D, 22), ((int)FuzzKind.DepthwiseConv2D, 8), ((int)FuzzKind.BatchNorm, 8), (104, 11),
                ((int)FuzzKind.Dropout, 3), ((int)FuzzKind.ZeroPadding2D, 5), ((int)FuzzKind.MaxPooling2D, 7),
                ((int)FuzzKind.AveragePooling2D, 5), ((int)FuzzKind.Flatten, shape.Size <= FuzzSimulation.MaxFeatures ? 3 : 0),
                ((int)FuzzKind.GlobalAveragePooling2D, 2), ((int)FuzzKind.GlobalMaxPooling2D, 1), ((int)FuzzKind.Add, add), ((int)FuzzKind.Block, blocks),
                (100, inBlock ? 7 : 0), (101, inBlock && shape == scopeInput ? 4 : 0), (102, GraphWeight), (103, GateWeight), (106, inBlock || !options.AllowBlocks ? 0 : 3),
                ((int)FuzzKind.SeparableConv2D, 3), ((int)FuzzKind.Conv2DTranspose, small ? 3 : 1), ((int)FuzzKind.UpSampling2D, small ? 2 : 0),
                ((int)FuzzKind.AdaptiveAveragePooling2D, 2), ((int)FuzzKind.Cropping2D, 2), ((int)FuzzKind.ChannelShuffle, shape.Channels > 1 ? 1 : 0),
                ((int)FuzzKind.Permute, 1), ((int)FuzzKind.GroupNormalization, 2), ((int)FuzzKind.InstanceNormalization, 1), ((int)FuzzKind.LayerNormalization, 1),
                ((int)FuzzKind.SpatialDropout2D, 1), ((int)FuzzKind.AlphaDropout, 1), ((int)FuzzKind.Softmax, 1), ((int)FuzzKind.Custom, 1), (105, 1), ((int)FuzzKind.Chunk, shape.Channels > 1 ? 1 : 0));
        }
        else if (shape.IsSequence)
        {
            kind = Weighted(((int)FuzzKind.Conv1D, 24), ((int)FuzzKind.BatchNorm, 6), (104, 9), ((int)FuzzKind.LayerNormalization, 3),
                ((int)FuzzKind.GroupNormalization, 2), ((int)FuzzKind.Dropout, 3), ((int)FuzzKind.AlphaDropout, 1), ((int)FuzzKind.Permute, 2),
                ((int)FuzzKind.Flatten, 2), (105, 3), ((int)FuzzKind.Softmax, 1), ((int)FuzzKind.Custom, 1), ((int)FuzzKind.Add, add),
                ((int)FuzzKind.Block, blocks / 2), (100, inBlock ? 4 : 0), (102, GraphWeight), ((int)FuzzKind.Chunk, shape.Channels > 1 ? 1 : 0));
        }
        else
        {
            kind = Weighted(((int)FuzzKind.Dense, 30), ((int)FuzzKind.BatchNorm, 11), (104, 15),
                ((int)FuzzKind.Dropout, 7), ((int)FuzzKind.Add, add), ((int)FuzzKind.Block, blocks), (100, inBlock ? 6 : 0), (102, GraphWeight),
                ((int)FuzzKind.LayerNormalization, 2), ((int)FuzzKind.AlphaDropout, 1), ((int)FuzzKind.Softmax, 1), ((int)FuzzKind.Custom, 1),
                (105, shape.Channels >= 4 ? 2 : 0), ((int)FuzzKind.Chunk, shape.Channels > 1 ? 1 : 0));
        }
        if (kind == 104)
        {
            kind = (int)AnyActivation();
        }
        if (kind == (int)FuzzKind.BatchNorm && Chance(0.15))
        {
            return NormPair(scope, scopeLayers, names);
        }
        if (kind == 100)
        {
            return Alternatives(shape, variables!, names);
        }
        if (kind == 101)
        {
            return Residual(variables!, names);
        }
        if (kind == 102)
        {
            return Branches(scope, scopeLayers, variables, names);
        }
        if (kind == 103)
        {
            return Gate(scope, scopeLayers, variables, names);
        }
        if (kind == 106)
        {
            return TwoInputUse(scope, scopeLayers, names) is { } use ? new List<FuzzLayer> { use } : null;
        }
        FuzzLayer? layer = kind == 105 ? MakeRankChange(shape) : (FuzzKind)kind == FuzzKind.Block ? BlockUsage(scope, variables, depth, defining) : Make((FuzzKind)kind, shape, variables);
        if (layer is null)
        {
            return null;
        }
        if (layer.Kind == FuzzKind.Dense && Chance(0.12))
        {
            // The input width as a contract (a literal, so only where the scope's input is fixed).
            layer.InFeatures = (int)shape.Channels;
        }
        if (Chance(inBlock ? 1.6 * RepeatChance : RepeatChance) && (layer.Kind is FuzzKind.Conv2D or FuzzKind.DepthwiseConv2D or FuzzKind.Dense or FuzzKind.BatchNorm or
            FuzzKind.Dropout or FuzzKind.MaxPooling2D or FuzzKind.AveragePooling2D or FuzzKind.Block or FuzzKind.Conv1D or FuzzKind.SeparableConv2D or
            FuzzKind.LayerNormalization or FuzzKind.GroupNormalization || FuzzLayer.IsActivationKind(layer.Kind)))
        {
            MakeRepeated(layer, variables);
        }
        if (Chance(layer.OwnsModule ? (inBlock ? 0.45 : 0.3) : 0.15))
        {
            layer.ExplicitName = FreshName(names);
        }
        if (inBlock && Chance(0.12))
        {
            layer.When = new FuzzExprFactory(rng, variables!).Condition();
            layer.WhenCompact = Chance(0.3);
        }
        return new List<FuzzLayer> { layer };
    }

    /// <summary>Two layers of one kind and one name under a condition and its negation ("c" / "!c").</summary>
    private List<FuzzLayer>? Alternatives(FuzzShape shape, Dictionary<string, FuzzValue> variables, HashSet<string> names)
    {
        var name = FreshName(names);
        if (name is null)
        {
            return null;
        }
        var kinds = shape.IsImage
            ? new[] { FuzzKind.Conv2D, FuzzKind.DepthwiseConv2D, FuzzKind.MaxPooling2D, FuzzKind.AveragePooling2D, FuzzKind.BatchNorm, FuzzKind.ZeroPadding2D, FuzzKind.Dropout,
                FuzzKind.SeparableConv2D, FuzzKind.GroupNormalization, FuzzKind.Cropping2D, AnyActivation() }
            : shape.IsSequence
                ? new[] { FuzzKind.Conv1D, FuzzKind.BatchNorm, FuzzKind.LayerNormalization, AnyActivation() }
                : new[] { FuzzKind.Dense, FuzzKind.BatchNorm, FuzzKind.Dropout, FuzzKind.LayerNormalization, AnyActivation() };
        var kind = Pick(kinds);
        var a = Make(kind, shape, variables);
        var b = Make(kind, shape, variables);
        if (a is null || b is null)
        {
            return null;
        }
        var condition = new FuzzExprFactory(rng, variables).Condition();
        var compact = Chance(0.3);
        a.When = condition;
        b.When = new FuzzUnary('!', condition);
        a.WhenCompact = b.WhenCompact = compact;
        a.ExplicitName = b.ExplicitName = name;
        return Chance(0.5) ? new List<FuzzLayer> { a, b } : new List<FuzzLayer> { b, a };
    }

    /// <summary>A shape-preserving body ending in Add: conv/depthwise 'same' with inputChannels filters, activation, shortcut.</summary>
    private List<FuzzLayer> Residual(Dictionary<string, FuzzValue> variables, HashSet<string> names)
    {
        var layers = new List<FuzzLayer>();
        FuzzLayer conv;
        if (Chance(0.6))
        {
            conv = new FuzzLayer(FuzzKind.Conv2D) { Filters = FuzzArg.Of(new FuzzName("inputChannels"), false), Kernel = Pick(new[] { 1, 3, 3, 5 }), PaddingStyle = 2, StridesOmitted = true };
        }
        else
        {
            conv = new FuzzLayer(FuzzKind.DepthwiseConv2D) { Kernel = Pick(new[] { 3, 3, 5 }), PaddingStyle = 2, StridesOmitted = true };
        }
        conv.UseBias = Chance(0.5) ? false : null;
        conv.ExplicitName = Chance(0.5) ? FreshName(names) : null;
        layers.Add(conv);
        if (Chance(0.5))
        {
            layers.Add(new FuzzLayer(FuzzKind.BatchNorm));
        }
        layers.Add(MakeActivation(AnyActivation(), FuzzShape.Vector(1)));
        var add = new FuzzLayer(FuzzKind.Add);
        var bools = variables.Where(v => v.Value.IsBool && !v.Key.StartsWith("input", StringComparison.Ordinal)).Select(v => v.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (bools.Count > 0 && Chance(0.6))
        {
            add.When = new FuzzName(Pick(bools));
        }
        var used = new HashSet<string>(names.Concat(layers.Where(l => l.ExplicitName is not null).Select(l => l.ExplicitName!)), StringComparer.Ordinal);
        add.ExplicitName = Chance(0.5) ? FreshName(used) : null;
        layers.Add(add);
        return layers;
    }

    // ---- graphs ----------------------------------------------------------------------------------------------------

    // Weights of a branch-and-merge and of a broadcast gate among the proposals, and the chance a layer is repeated:
    // together about a third of the valid sources get at least one graph construct.
    private const int GraphWeight = 3;
    private const int GateWeight = 2;
    private const double RepeatChance = 0.03;

    private static readonly FuzzKind[] ElementwiseMerges = { FuzzKind.Add, FuzzKind.Subtract, FuzzKind.Multiply, FuzzKind.Average, FuzzKind.Maximum, FuzzKind.Minimum };

    /// <summary>The names a layer may read to get <paramref name="node"/>; "input" only while no layer above is named so.</summary>
    internal static List<string> Readable(FuzzScope scope, int node) =>
        scope.NamesOf(node).Where(n => n.Length > 0 && (n != "input" || !scope.Names.ContainsKey("input"))).ToList();

    /// <summary>
    /// The names a graph construct reads for <paramref name="node"/>. Names inside a BatchNorm → activation pair are
    /// read too: the simulator swaps the names with the layers where a variant moves BatchNorm after the activation.
    /// "InputShape" among them: its forward local must not hide the static property (a fixed generator bug).
    /// </summary>
    private static List<string> ReadableName(FuzzScope scope, List<FuzzLayer> scopeLayers, int node) => Readable(scope, node).ToList();

    /// <summary>A fresh name for a layer a later one reads by name.</summary>
    private string? GraphName(HashSet<string> taken) => FreshName(taken);

    /// <summary>The name <paramref name="layer"/>, the last of <paramref name="piece"/>, gets after the scope's layers.</summary>
    private static string NameIn(List<FuzzLayer> scopeLayers, List<FuzzLayer> piece, FuzzLayer layer)
    {
        FuzzLayer.AssignNames(scopeLayers.Concat(piece));
        return layer.FinalName;
    }

    /// <summary>What <paramref name="layer"/> gives on <paramref name="input"/>, or null where it does not fit.</summary>
    private static FuzzShape? Output(FuzzLayer layer, FuzzShape input, Dictionary<string, FuzzValue>? variables)
    {
        var copy = layer.Clone();
        copy.From = null;
        var scope = new FuzzScope(input);
        var sim = new FuzzSimulation(torchDefaults: false, defaults: null, limits: true);
        return FuzzSimulator.Continue(sim, new[] { copy }, variables, scope, string.Empty) ? scope.CurrentShape : null;
    }

    /// <summary>A channel count or unit count: a literal, or inputChannels where that is the number.</summary>
    private FuzzArg ChannelsArg(long channels, Dictionary<string, FuzzValue>? variables) =>
        variables is not null && variables.TryGetValue("inputChannels", out var c) && c.Number == channels && Chance(0.4)
            ? FuzzArg.Of(new FuzzName("inputChannels"), false)
            : FuzzArg.Of(channels);

    private FuzzLayer SameConvolution(long channels, long stride, Dictionary<string, FuzzValue>? variables)
    {
        var conv = new FuzzLayer(FuzzKind.Conv2D) { Filters = ChannelsArg(channels, variables), Kernel = Pick(new[] { 1, 1, 3, 3, 5 }), PaddingStyle = 2, Strides = FuzzArg.Of(stride) };
        conv.StridesOmitted = stride == 1 && Chance(0.6);
        conv.UseBias = Chance(0.3) ? false : null;
        MaybeRegularize(conv, "Kernel");
        return conv;
    }

    /// <summary>
    /// The first layer of a branch: it reads <paramref name="source"/> and gives the height and width of
    /// <paramref name="target"/> (an image) or a vector like it, with <paramref name="channels"/> channels (any where null).
    /// </summary>
    private FuzzLayer? BranchStart(FuzzShape source, FuzzShape target, long? channels, Dictionary<string, FuzzValue>? variables)
    {
        var options = new List<FuzzLayer>();
        if (source == target && (channels is null || channels == source.Channels) && Chance(0.3))
        {
            // A BatchNorm or an activation that reads an earlier output by name.
            return Chance(0.5) ? MakeBatchNorm() : MakeActivation(AnyActivation(), source);
        }
        if (target.IsSequence)
        {
            if (!source.IsSequence || source.Length != target.Length)
            {
                return null;
            }
            return new FuzzLayer(FuzzKind.Conv1D)
            {
                Filters = ChannelsArg(channels ?? Pick(new long[] { 2, 4, 8 }), variables), Kernel = Pick(new[] { 1, 3, 5 }), PaddingStyle = Chance(0.5) ? 2 : 3,
                Strides = FuzzArg.Of(1), StridesOmitted = true,
            };
        }
        if (target.IsFlat)
        {
            if (source.IsFlat)
            {
                var dense = MakeDense(variables);
                dense.Units = ChannelsArg(channels ?? Pick(new long[] { 2, 4, 8, 16 }), variables);
                options.Add(dense);
            }
            else
            {
                if (channels is null || channels == source.Channels)
                {
                    options.Add(new FuzzLayer(FuzzKind.GlobalAveragePooling2D));
                }
                if (channels is null ? source.Size <= 256 : channels == source.Size)
                {
                    options.Add(new FuzzLayer(FuzzKind.Flatten));
                }
            }
            return options.Count == 0 ? null : Pick(options);
        }
        if (!source.IsImage)
        {
            return null;
        }
        var wanted = channels ?? Pick(new long[] { 2, 3, 4, 6, 8 });
        for (var stride = 1L; stride <= 3; stride++)
        {
            if ((source.Height + stride - 1) / stride != target.Height || (source.Width + stride - 1) / stride != target.Width)
            {
                continue;
            }
            options.Add(SameConvolution(wanted, stride, variables));
            if (channels is null || channels == source.Channels || channels == 2 * source.Channels)
            {
                var multiplier = channels == 2 * source.Channels && channels != source.Channels ? 2 : channels is null && Chance(0.3) ? 2 : 1;
                var depthwise = new FuzzLayer(FuzzKind.DepthwiseConv2D)
                {
                    Kernel = Pick(new[] { 3, 3, 5 }), PaddingStyle = 2, Strides = FuzzArg.Of(stride), StridesOmitted = stride == 1 && Chance(0.5),
                    DepthMultiplier = multiplier == 1 && Chance(0.7) ? null : multiplier, UseBias = Chance(0.5) ? false : null,
                };
                options.Add(depthwise);
            }
            if (channels is null || channels == source.Channels)
            {
                options.Add(new FuzzLayer(Chance(0.5) ? FuzzKind.MaxPooling2D : FuzzKind.AveragePooling2D)
                {
                    PoolSize = stride == 1 ? Pick(new[] { 1, 3 }) : (int)stride, PoolStrides = (int)stride, PaddingStyle = 2,
                });
            }
        }
        // A valid (unpadded) convolution that happens to give the size.
        foreach (var (kernel, stride) in new[] { (1, 2), (2, 2), (3, 2), (3, 1), (2, 1) })
        {
            if (source.Height >= kernel && source.Width >= kernel && (source.Height - kernel) / stride + 1 == target.Height && (source.Width - kernel) / stride + 1 == target.Width)
            {
                var conv = SameConvolution(wanted, stride, variables);
                conv.Kernel = kernel;
                conv.PaddingStyle = Chance(0.5) ? 0 : 1;
                conv.StridesOmitted = stride == 1 && Chance(0.5);
                options.Add(conv);
            }
        }
        return options.Count == 0 ? null : Pick(options);
    }

    /// <summary>A layer inside a branch that keeps height and width: BatchNorm, an activation, Dropout, or a 'same' convolution (or Dense) to <paramref name="channels"/>.</summary>
    private FuzzLayer BranchLayer(FuzzShape shape, long channels, Dictionary<string, FuzzValue>? variables)
    {
        switch (rng.Next(5))
        {
            case 0:
                return MakeBatchNorm();
            case 1:
                return MakeActivation(AnyActivation(), shape);
            case 2:
                return MakeDropout(variables);
            default:
                if (shape.IsImage)
                {
                    return SameConvolution(channels, 1, variables);
                }
                if (shape.IsSequence)
                {
                    return new FuzzLayer(FuzzKind.Conv1D) { Filters = ChannelsArg(channels, variables), Kernel = 3, PaddingStyle = 2, Strides = FuzzArg.Of(1), StridesOmitted = true };
                }
                var dense = MakeDense(variables);
                dense.Units = ChannelsArg(channels, variables);
                return dense;
        }
    }

    /// <summary>
    /// Branches and the merge that joins them: one branch from the current output, the scope's input or an earlier
    /// output (From), merged with the current output (a residual sum, a product, a maximum, …), or two branches from
    /// the current output (Inception-like), merged with or without it; element-wise merges of equal shapes, or a
    /// Concatenate of outputs equal but in channels.
    /// </summary>
    private List<FuzzLayer>? Branches(FuzzScope scope, List<FuzzLayer> scopeLayers, Dictionary<string, FuzzValue>? variables, HashSet<string> names)
    {
        var main = scope.Current;
        var mainNames = ReadableName(scope, scopeLayers, main);
        if (mainNames.Count == 0)
        {
            return null;
        }
        var target = scope.Shape(main);
        var mainName = Pick(mainNames);
        var concatenate = Chance(0.3);
        var twoBranches = Chance(0.3);
        var withMain = !twoBranches || Chance(0.4);
        var limit = target.IsImage ? FuzzSimulation.MaxChannels : FuzzSimulation.MaxFeatures;
        var total = withMain ? target.Channels : 0;
        var taken = new HashSet<string>(names, StringComparer.Ordinal);
        var piece = new List<FuzzLayer>();
        var ends = new List<string>();
        for (var b = 0; b < (twoBranches ? 2 : 1); b++)
        {
            long? channels = concatenate ? null : target.Channels;
            // From the current output, or (one branch, about half the time) from the scope's input or another
            // earlier output that a first layer can bring to the current height and width.
            var sources = new List<int> { main };
            if (!twoBranches && Chance(0.55))
            {
                sources.InsertRange(0, Enumerable.Range(-1, scope.Nodes.Count + 1).Where(n => n != main && ReadableName(scope, scopeLayers, n).Count > 0).OrderBy(_ => rng.Next()).Take(3));
            }
            FuzzLayer? start = null;
            var source = main;
            foreach (var candidate in sources)
            {
                source = candidate;
                start = BranchStart(scope.Shape(source), target, channels, variables);
                if (start is not null)
                {
                    break;
                }
            }
            if (start is null)
            {
                return null;
            }
            var sourceShape = scope.Shape(source);
            // The first layer of the piece reads the current output anyway; it names it now and then.
            start.From = piece.Count == 0 && source == main && Chance(0.6) ? null : Pick(ReadableName(scope, scopeLayers, source));
            piece.Add(start);
            if (Output(start, sourceShape, variables) is not { } shape)
            {
                return null;
            }
            var last = start;
            var width = concatenate ? shape.Channels : target.Channels;
            for (var i = rng.Next(0, 3); i > 0; i--)
            {
                var next = BranchLayer(shape, width, variables);
                last = next;
                piece.Add(last);
                shape = Output(last, shape, variables) ?? shape;
            }
            if (Chance(0.6) && GraphName(taken) is { } name)
            {
                last.ExplicitName = name;
                taken.Add(name);
            }
            ends.Add(NameIn(scopeLayers, piece, last));
            total += shape.Channels;
        }
        if (concatenate && total > limit)
        {
            return null;
        }
        var inputs = (withMain ? ends.Prepend(mainName) : ends).OrderBy(_ => rng.Next()).ToList();
        var kind = concatenate ? FuzzKind.Concatenate : Pick(ElementwiseMerges.Where(k => k != FuzzKind.Subtract || inputs.Count == 2).ToList());
        var merge = new FuzzLayer(kind) { Suffix = Chance(0.05) };
        merge.Inputs.AddRange(inputs);
        if (concatenate && Chance(0.3))
        {
            merge.Axis = target.IsImage || Chance(0.5) ? 1 : -1;
        }
        if (Chance(0.3))
        {
            merge.ExplicitName = FreshName(taken);
        }
        piece.Add(merge);
        return piece;
    }

    /// <summary>
    /// A BatchNorm, an activation that reads it (by position or From its name), and a merge of both (sometimes with
    /// the output before them): names inside the pair a variant with BatchNorm after the activation swaps.
    /// </summary>
    private List<FuzzLayer>? NormPair(FuzzScope scope, List<FuzzLayer> scopeLayers, HashSet<string> names)
    {
        var shape = scope.CurrentShape;
        var taken = new HashSet<string>(names, StringComparer.Ordinal);
        var norm = MakeBatchNorm();
        if (Chance(0.5) && GraphName(taken) is { } normName)
        {
            norm.ExplicitName = normName;
            taken.Add(normName);
        }
        var piece = new List<FuzzLayer> { norm };
        var first = NameIn(scopeLayers, piece, norm);
        var activation = MakeActivation(AnyActivation(), shape);
        activation.From = Chance(0.4) ? first : null;
        if (Chance(0.5) && GraphName(taken) is { } activationName)
        {
            activation.ExplicitName = activationName;
            taken.Add(activationName);
        }
        piece.Add(activation);
        var second = NameIn(scopeLayers, piece, activation);
        var inputs = new List<string> { first, second };
        var before = ReadableName(scope, scopeLayers, scope.Current);
        if (before.Count > 0 && Chance(0.3))
        {
            inputs.Add(Pick(before));
        }
        var concatenate = shape.Channels * inputs.Count <= (shape.IsFlat ? FuzzSimulation.MaxFeatures : FuzzSimulation.MaxChannels) && Chance(0.25);
        var merge = new FuzzLayer(concatenate ? FuzzKind.Concatenate : Pick(ElementwiseMerges.Where(k => k != FuzzKind.Subtract || inputs.Count == 2).ToList()));
        merge.Inputs.AddRange(inputs.OrderBy(_ => rng.Next()));
        piece.Add(merge);
        return piece;
    }

    /// <summary>
    /// A squeeze-and-excitation gate: GlobalAveragePooling2D, optionally Dense → activation → Dense back to the
    /// channels, Reshape to [N, C, 1, 1], and a merge (mostly Multiply) that broadcasts it over the [N, C, H, W] it came from.
    /// </summary>
    private List<FuzzLayer>? Gate(FuzzScope scope, List<FuzzLayer> scopeLayers, Dictionary<string, FuzzValue>? variables, HashSet<string> names)
    {
        var shape = scope.CurrentShape;
        var mainNames = ReadableName(scope, scopeLayers, scope.Current);
        if (!shape.IsImage || mainNames.Count == 0)
        {
            return null;
        }
        var mainName = Pick(mainNames);
        var taken = new HashSet<string>(names, StringComparer.Ordinal);
        var piece = new List<FuzzLayer> { new(FuzzKind.GlobalAveragePooling2D) { From = Chance(0.25) ? mainName : null } };
        if (Chance(0.6))
        {
            var reduce = MakeDense(variables);
            reduce.Units = FuzzArg.Of(Math.Max(1, shape.Channels / Pick(new long[] { 1, 2, 4 })));
            var expand = MakeDense(variables);
            expand.Units = ChannelsArg(shape.Channels, variables);
            piece.Add(reduce);
            piece.Add(MakeActivation(AnyActivation(), FuzzShape.Vector(shape.Channels)));
            piece.Add(expand);
        }
        var reshape = new FuzzLayer(FuzzKind.Reshape) { Dimensions = Chance(0.6) ? new[] { -1, 1, 1 } : new[] { (int)shape.Channels, 1, 1 } };
        if (Chance(0.6) && GraphName(taken) is { } name)
        {
            reshape.ExplicitName = name;
            taken.Add(name);
        }
        piece.Add(reshape);
        var gate = NameIn(scopeLayers, piece, reshape);
        var merge = new FuzzLayer(Chance(0.75) ? FuzzKind.Multiply : Pick(ElementwiseMerges)) { Suffix = Chance(0.05) };
        merge.Inputs.AddRange(Chance(0.5) ? new[] { mainName, gate } : new[] { gate, mainName });
        if (Chance(0.3))
        {
            merge.ExplicitName = FreshName(taken);
        }
        piece.Add(merge);
        return piece;
    }

    private static readonly (string First, string Second)[] InputNamePairs = { ("x", "skip"), ("low", "high"), ("a", "b"), ("main", "side") };

    /// <summary>
    /// A block of two inputs ([BlockInputs]) used in a network with From = "current, earlier": a fusion of outputs of
    /// equal height and width (a 1×1 convolution of the first, then Concatenate or an element-wise merge with the
    /// second) or a U-Net decoder level (the first upsampled by a 2×2 transposed convolution to the second's size,
    /// concatenated with it, convolved).
    /// </summary>
    private FuzzLayer? TwoInputUse(FuzzScope scope, List<FuzzLayer> scopeLayers, HashSet<string> names)
    {
        var main = scope.Current;
        var first = scope.Shape(main);
        var mainNames = ReadableName(scope, scopeLayers, main);
        if (!first.IsImage || mainNames.Count == 0)
        {
            return null;
        }
        var candidates = Enumerable.Range(-1, scope.Nodes.Count + 1)
            .Where(n => n != main && scope.Shape(n).IsImage && ReadableName(scope, scopeLayers, n).Count > 0)
            .Where(n => scope.Shape(n) is var s && (s.Height == first.Height && s.Width == first.Width || s.Height == 2 * first.Height && s.Width == 2 * first.Width))
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        var other = Pick(candidates);
        var second = scope.Shape(other);
        var (x, skip) = Pick(InputNamePairs);
        var upsample = second.Height == 2 * first.Height;
        var filters = Pick(new long[] { 2, 4, 8 });
        var body = new List<FuzzLayer>();
        FuzzArg Filters() => FuzzArg.Of(new FuzzName("filters"), false);
        if (upsample)
        {
            body.Add(new FuzzLayer(FuzzKind.Conv2DTranspose) { Filters = Filters(), Kernel = 2, Strides = FuzzArg.Of(2), ExplicitName = "up", From = Chance(0.3) ? x : null });
            body.Add(new FuzzLayer(FuzzKind.Concatenate) { Inputs = { "up", skip }, ExplicitName = "cat" });
            body.Add(new FuzzLayer(FuzzKind.Conv2D) { Filters = Filters(), Kernel = 3, Strides = FuzzArg.Of(1), StridesOmitted = true, Pad = 1, UseBias = Chance(0.5) ? false : null, ExplicitName = "conv" });
        }
        else
        {
            var concatenate = Chance(0.5) || second.Channels > FuzzSimulation.MaxChannels;
            if (!concatenate)
            {
                filters = second.Channels;
            }
            body.Add(new FuzzLayer(FuzzKind.Conv2D) { Filters = Filters(), Kernel = 1, Strides = FuzzArg.Of(1), StridesOmitted = true, ExplicitName = "proj", From = Chance(0.3) ? x : null });
            var merge = concatenate ? FuzzKind.Concatenate : Pick(ElementwiseMerges);
            var merged = new FuzzLayer(merge) { ExplicitName = "merged" };
            merged.Inputs.AddRange(Chance(0.5) ? new[] { "proj", skip } : new[] { skip, "proj" });
            body.Add(merged);
        }
        if (Chance(0.5))
        {
            body.Add(new FuzzLayer(AnyActivation() is var a && a == FuzzKind.PReLU ? FuzzKind.ReLU : a));
            if (body[^1].Kind == FuzzKind.ActivationLayer)
            {
                body[^1].Activation = "ReLU";
            }
        }
        FuzzLayer.AssignNames(body);
        var name = UniqueTypeName(upsample ? "UpLevel" : "Fuse");
        typeNames.Add(name + "Attribute");
        // The default name of a use is the class name in snake case (UpLevel2 → up_level2).
        var stem = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant();
        var block = new FuzzBlock(name, stem) { Namespace = AnyNamespace(), InputNames = new List<string> { x, skip } };
        block.Parameters.Add(new FuzzParam("filters", FuzzType.Int, "int"));
        block.Body = body;
        var use = new FuzzLayer(FuzzKind.Block) { Block = block, NamedArguments = Chance(0.2), OptionsCompact = Chance(0.2) };
        use.BlockArgs["filters"] = new FuzzBlockArg(FuzzValue.Int(filters));
        use.Inputs.AddRange(new[] { Pick(mainNames), Pick(ReadableName(scope, scopeLayers, other)) });
        if (Chance(0.4))
        {
            use.ExplicitName = FreshName(names);
        }
        Program.Blocks.Add(block);
        return use;
    }

    /// <summary>Repeat = "2" or "3" (in a block, now and then an expression); in a block, mostly an argument reads repeatIndex.</summary>
    private void MakeRepeated(FuzzLayer layer, Dictionary<string, FuzzValue>? variables)
    {
        layer.Repeat = new FuzzLiteral(Chance(0.6) ? 2 : 3);
        if (variables is not null && Chance(0.25) && new FuzzExprFactory(rng, variables).IntIn(2, 3) is { } count)
        {
            layer.Repeat = count;
        }
        layer.RepeatCompact = Chance(0.3);
        if (variables is null || !Chance(0.7))
        {
            return;
        }
        var index = new FuzzName(FuzzSimulator.RepeatIndex);
        var first = new FuzzBinary("==", index, new FuzzLiteral(0));
        switch (layer.Kind)
        {
            case FuzzKind.Conv2D when Chance(0.5):
                // Each copy one channel wider.
                layer.Filters = FuzzArg.Of(new FuzzBinary("+", layer.Filters!.Expression ?? new FuzzLiteral(layer.Filters.Literal), index), Chance(0.3));
                break;
            case FuzzKind.Conv2D:
            case FuzzKind.DepthwiseConv2D:
                // The first copy strided, as a ResNet stage.
                layer.Strides = FuzzArg.Of(new FuzzConditional(first, new FuzzLiteral(2), new FuzzLiteral(1)), Chance(0.3));
                layer.StridesOmitted = false;
                break;
            case FuzzKind.Dense:
                layer.Units = FuzzArg.Of(new FuzzBinary(Chance(0.5) ? "+" : "*", layer.Units!.Expression ?? new FuzzLiteral(layer.Units.Literal),
                    Chance(0.5) ? index : new FuzzBinary("+", index, new FuzzLiteral(1))), Chance(0.3));
                break;
            case FuzzKind.Dropout:
                layer.RateExpression = Chance(0.5)
                    ? new FuzzBinary("*", new FuzzDoubleLiteral("0.25"), index)
                    : new FuzzConditional(first, new FuzzDoubleLiteral("0.5"), new FuzzDoubleLiteral("0.1"));
                layer.RateCompact = Chance(0.3);
                break;
        }
    }

    // ---- layers ----------------------------------------------------------------------------------------------------

    private FuzzArg IntArg(Dictionary<string, FuzzValue>? variables, long lo, long hi, long literal, double expressionChance)
    {
        if (variables is not null && Chance(expressionChance))
        {
            var expression = new FuzzExprFactory(rng, variables).IntIn(lo, hi);
            if (expression is not null)
            {
                return FuzzArg.Of(expression, Chance(0.3));
            }
        }
        return FuzzArg.Of(literal);
    }

    private void MaybeRegularize(FuzzLayer layer, string kernelProperty)
    {
        var lambdas = options.Tiny && Chance(0.5) ? TinyLambdas : Lambdas;
        if (Chance(options.Tiny ? 0.5 : 0.2))
        {
            switch (rng.Next(3))
            {
                case 0:
                    layer.Regularizers.Add((kernelProperty + "L1", Pick(lambdas)));
                    break;
                case 1:
                    layer.Regularizers.Add((kernelProperty + "L2", Pick(lambdas)));
                    break;
                default:
                    layer.Regularizers.Add((kernelProperty + "L1", Pick(lambdas)));
                    layer.Regularizers.Add((kernelProperty + "L2", Pick(lambdas)));
                    break;
            }
        }
        if (layer.HasBias && Chance(0.1))
        {
            layer.Regularizers.Add((Chance(0.5) ? "BiasL1" : "BiasL2", Pick(lambdas)));
        }
    }

    private FuzzLayer? Make(FuzzKind kind, FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        var layer = kind switch
        {
            FuzzKind.Conv2D or FuzzKind.DepthwiseConv2D => MakeConvolution(kind, shape, variables),
            FuzzKind.Dense => MakeDense(variables),
            FuzzKind.BatchNorm => MakeBatchNorm(),
            FuzzKind.Dropout => MakeDropout(variables),
            FuzzKind.ZeroPadding2D => MakePadding(),
            FuzzKind.MaxPooling2D or FuzzKind.AveragePooling2D => MakePooling(kind),
            FuzzKind.Conv1D => MakeConv1D(shape, variables),
            FuzzKind.Conv2DTranspose => MakeTranspose(variables),
            FuzzKind.SeparableConv2D => MakeSeparable(shape, variables),
            FuzzKind.LayerNormalization or FuzzKind.GroupNormalization or FuzzKind.InstanceNormalization => MakeNormalization(kind, shape),
            FuzzKind.SpatialDropout2D => MakeDropout(variables, kind),
            FuzzKind.AlphaDropout => new FuzzLayer(kind) { Rate = Pick(Rates) }, // no string overload
            FuzzKind.UpSampling2D or FuzzKind.AdaptiveAveragePooling2D or FuzzKind.Cropping2D or FuzzKind.ChannelShuffle or FuzzKind.Permute => MakeResize(kind, shape),
            FuzzKind.Custom => MakeCustom(shape, variables),
            FuzzKind.ActivationLayer => MakeActivationLayer(variables),
            FuzzKind.Chunk => MakeChunk(shape, variables),
            _ when FuzzLayer.IsActivationKind(kind) || kind == FuzzKind.Softmax => MakeActivation(kind, shape),
            _ => new FuzzLayer(kind),
        };
        if (layer is not null)
        {
            // Custom's outputShape is params object[]: positional only.
            layer.NamedArguments = kind != FuzzKind.Custom && Chance(0.15);
            layer.Suffix = Chance(0.05);
            OptionExpressions(layer, variables);
        }
        return layer;
    }

    private FuzzLayer? MakeConvolution(FuzzKind kind, FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(kind) { PaddingStyle = Chance(0.4) ? 2 : Chance(0.15) ? 1 : 0 };
        var maxKernel = layer.Same ? 5 : (int)Math.Min(5, Math.Min(shape.Height, shape.Width));
        var kernels = new[] { 1, 3, 3, 2, 5, 4 }.Where(k => k <= maxKernel).ToList();
        if (kernels.Count == 0)
        {
            return null;
        }
        layer.Kernel = Pick(kernels);
        var stride = Pick(new long[] { 1, 1, 1, 2, 2, 3 });
        layer.Strides = IntArg(variables, 1, kind == FuzzKind.Conv2D ? 3 : 2, Math.Min(stride, kind == FuzzKind.Conv2D ? 3 : 2), 0.3);
        layer.StridesOmitted = !layer.Strides.IsString && layer.Strides.Literal == 1 && Chance(0.5);
        if (kind == FuzzKind.Conv2D)
        {
            layer.Filters = variables is not null && Chance(0.15)
                ? FuzzArg.Of(new FuzzName("inputChannels"), false)
                : IntArg(variables, 1, 32, Pick(new long[] { 2, 3, 4, 6, 8, 8, 12, 16, 32 }), 0.5);
        }
        else if (Chance(0.25))
        {
            layer.DepthMultiplier = rng.Next(1, 3);
        }
        layer.UseBias = Chance(0.3) ? false : Chance(0.15) ? true : null;
        MaybeRegularize(layer, kind == FuzzKind.Conv2D ? "Kernel" : "Depthwise");
        ConvolutionOptions(layer, shape, variables);
        return layer;
    }

    private FuzzLayer MakeDense(Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(FuzzKind.Dense) { Units = IntArg(variables, 1, 64, Pick(new long[] { 1, 2, 4, 8, 10, 16, 32, 64, 7 }), 0.5) };
        layer.UseBias = Chance(0.25) ? false : Chance(0.1) ? true : null;
        MaybeRegularize(layer, "Kernel");
        return layer;
    }

    /// <summary>A literal rate, or an expression: over the block's parameters inside a block, of constants outside.</summary>
    private FuzzLayer MakeDropout(Dictionary<string, FuzzValue>? variables, FuzzKind kind = FuzzKind.Dropout)
    {
        var layer = new FuzzLayer(kind) { Rate = Pick(Rates) };
        var factory = new FuzzExprFactory(rng, variables ?? new Dictionary<string, FuzzValue>());
        if (Chance(variables is null ? 0.05 : factory.HasDoubles ? 0.6 : 0.25))
        {
            layer.RateExpression = factory.NumberIn(0, 1);
            layer.RateCompact = Chance(0.3);
        }
        return layer;
    }

    private FuzzLayer MakeBatchNorm()
    {
        var layer = new FuzzLayer(FuzzKind.BatchNorm);
        if (Chance(options.Tiny ? 0.5 : 0.2))
        {
            layer.Epsilon = options.Tiny && Chance(0.5) ? Pick(TinyEpsilons) : Pick(Epsilons);
        }
        if (Chance(0.2))
        {
            layer.Momentum = Pick(Momenta);
        }
        if (Chance(0.1))
        {
            layer.Affine = Chance(0.2);
        }
        if (Chance(0.1))
        {
            layer.TrackRunningStats = Chance(0.2);
        }
        return layer;
    }

    private FuzzLayer MakePadding()
    {
        var count = Pick(new[] { 1, 2, 4 });
        var pads = Enumerable.Range(0, count).Select(_ => rng.Next(0, 3)).ToArray();
        return new FuzzLayer(FuzzKind.ZeroPadding2D) { Pads = pads };
    }

    private FuzzLayer MakePooling(FuzzKind kind)
    {
        var layer = new FuzzLayer(kind)
        {
            PoolSize = Chance(0.3) ? null : rng.Next(1, 4),
            PoolStrides = Chance(0.35) ? null : Chance(0.25) ? 0 : rng.Next(1, 4),
            PaddingStyle = Chance(0.3) ? 2 : Chance(0.1) ? 1 : Chance(0.06) ? 3 : 0,
        };
        var size = layer.PoolSize ?? 2;
        if (layer.PaddingStyle is 0 or 1 && size >= 2 && Chance(0.15))
        {
            layer.Pad = rng.Next(0, size / 2 + 1); // at most half the window, as PyTorch
        }
        if (!layer.Same && Chance(0.15))
        {
            layer.CeilMode = Chance(0.8);
        }
        if (kind == FuzzKind.AveragePooling2D && Chance(0.2))
        {
            layer.CountIncludePad = Chance(0.8);
        }
        return layer;
    }

    // ---- the later vocabulary ----------------------------------------------------------------------------------------

    private static readonly FuzzKind[] Activations =
    {
        FuzzKind.ReLU, FuzzKind.ReLU6, FuzzKind.Sigmoid, FuzzKind.Tanh, FuzzKind.SiLU, FuzzKind.HardSigmoid, FuzzKind.HardSwish, FuzzKind.Mish,
        FuzzKind.LeakyReLU, FuzzKind.ELU, FuzzKind.GELU, FuzzKind.PReLU,
    };

    // The members of NetDsl's Activation enum (Keras' activation= shorthand), None aside.
    private static readonly string[] ShorthandActivations = { "ReLU", "ReLU6", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "ELU", "GELU", "SiLU", "HardSigmoid", "HardSwish", "Mish" };

    private static readonly FuzzNumber[] Slopes = { FuzzNumber.Of("0.01", 0.01), FuzzNumber.Of("0.2", 0.2), FuzzNumber.Of("0", 0), FuzzNumber.Of("0.3d", 0.3), FuzzNumber.Of("1.5", 1.5) };
    private static readonly FuzzNumber[] Scales = { FuzzNumber.Of("0.5", 0.5), FuzzNumber.Of("1.0", 1.0), FuzzNumber.Of("2", 2), FuzzNumber.Of("0.1f", 0.1f) };

    /// <summary>An activation: ReLU half the time, else any of the others.</summary>
    private FuzzKind AnyActivation() => Chance(0.1) ? FuzzKind.ActivationLayer : Chance(0.4) ? FuzzKind.ReLU : Pick(Activations);

    private FuzzLayer MakeActivation(FuzzKind kind, FuzzShape shape)
    {
        var layer = new FuzzLayer(kind);
        switch (kind)
        {
            case FuzzKind.LeakyReLU:
                layer.Alpha = Chance(0.5) ? Pick(Slopes) : null;
                break;
            case FuzzKind.ELU:
                layer.Alpha = Chance(0.5) ? Pick(Scales) : null;
                break;
            case FuzzKind.GELU:
                layer.Approximate = Chance(0.5) ? Chance(0.6) : null;
                break;
            case FuzzKind.PReLU:
                layer.Channelwise = Chance(0.6) ? Chance(0.7) : null;
                layer.Init = Chance(0.3) ? Pick(Slopes) : null;
                break;
            case FuzzKind.Softmax:
                // PyTorch's dim: 1 … rank, or −1 … −rank.
                layer.Axis = Chance(0.4) ? null : Chance(0.5) ? rng.Next(1, shape.Rank + 1) : -rng.Next(1, shape.Rank + 1);
                break;
        }
        return layer;
    }

    /// <summary>The options every window layer of images shares: Padding (Valid, Same, Half) or Pad / PadHeight / PadWidth, Dilation.</summary>
    private void WindowOptions(FuzzLayer layer, bool perAxisPads)
    {
        var roll = rng.NextDouble();
        if (roll < 0.1)
        {
            layer.PaddingStyle = 3;
        }
        else if (roll < 0.25)
        {
            layer.PaddingStyle = Chance(0.2) ? 1 : 0;
            if (perAxisPads && Chance(0.35))
            {
                layer.PadHeight = Chance(0.7) ? rng.Next(0, 3) : null;
                layer.PadWidth = rng.Next(0, 3);
                layer.Pad = Chance(0.3) ? rng.Next(0, 2) : null;
            }
            else
            {
                layer.Pad = rng.Next(0, 3);
            }
        }
        if (Chance(0.1))
        {
            layer.Dilation = rng.Next(1, 3);
        }
    }

    private void MaybeShorthand(FuzzLayer layer, Dictionary<string, FuzzValue>? variables = null)
    {
        // In a block with an Activation parameter, mostly Activation = "act" (or an expression of its type).
        var parameter = variables?.Where(v => v.Value.EnumType == FuzzEnumType.Activation).Select(v => v.Value).FirstOrDefault();
        if (parameter is { IsEnum: true } held && Chance(0.5) &&
            new FuzzExprFactory(rng, variables!).EnumOf(FuzzEnumType.Activation, held.Member) is { } expression)
        {
            layer.Activation = held.Member == "None" ? null : held.Member;
            layer.Options["Activation"] = expression;
            return;
        }
        if (Chance(0.15))
        {
            layer.Activation = Pick(ShorthandActivations);
            if (Chance(variables is null ? 0.05 : 0.2) && new FuzzExprFactory(rng, variables ?? new Dictionary<string, FuzzValue>()).EnumOf(FuzzEnumType.Activation, layer.Activation) is { } constant)
            {
                layer.Options["Activation"] = constant;
            }
        }
    }

    /// <summary>[Activation(value)]: a member (None now and then, the identity), or in a block mostly an expression over an Activation parameter.</summary>
    private FuzzLayer MakeActivationLayer(Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(FuzzKind.ActivationLayer);
        var member = Chance(0.1) ? "None" : Pick(ShorthandActivations);
        var held = variables?.Where(v => v.Value.EnumType == FuzzEnumType.Activation).Select(v => v.Value).FirstOrDefault();
        if (held is { IsEnum: true } value && Chance(0.7))
        {
            member = value.Member;
        }
        layer.Activation = member == "None" ? null : member;
        if (Chance(variables is null ? 0.1 : 0.7) && new FuzzExprFactory(rng, variables ?? new Dictionary<string, FuzzValue>()).EnumOf(FuzzEnumType.Activation, member) is { } expression)
        {
            layer.Options["activation"] = expression;
        }
        return layer;
    }

    /// <summary>
    /// Size and option properties as expression strings worth what the constant was at this use (over the block's
    /// parameters inside a block, constant expressions outside): Pad, Dilation, Groups, UseBias, CeilMode,
    /// CountIncludePad, Epsilon, and Padding (mostly from a Padding parameter that holds the layer's padding).
    /// </summary>
    private void OptionExpressions(FuzzLayer layer, Dictionary<string, FuzzValue>? variables)
    {
        var p = variables is null ? 0.04 : 0.18;
        var factory = new FuzzExprFactory(rng, variables ?? new Dictionary<string, FuzzValue>());
        void Int(string property, int? value)
        {
            if (value is { } v && Chance(p) && factory.IntIn(v, v) is { } expression)
            {
                layer.Options[property] = expression;
            }
        }
        void Bool(string property, bool? value)
        {
            if (value is { } v && Chance(p) && factory.BoolOf(v) is { } expression)
            {
                layer.Options[property] = expression;
            }
        }
        Int("Pad", layer.Pad);
        Int("PadHeight", layer.PadHeight);
        Int("PadWidth", layer.PadWidth);
        Int("Dilation", layer.Dilation);
        if (layer.Kind is FuzzKind.Conv2D or FuzzKind.Conv1D)
        {
            Int("Groups", layer.Groups);
        }
        Bool("CeilMode", layer.CeilMode);
        Bool("CountIncludePad", layer.CountIncludePad);
        // A UseBias expression that some other use makes false would meet the bias λ (ND0006): the simulator refuses that use.
        Bool("UseBias", layer.UseBias ?? (layer.TakesActivation && Chance(0.3) ? true : null));
        if (layer.Epsilon is { } epsilon && Chance(p))
        {
            layer.Options["Epsilon"] = new FuzzDoubleLiteral(epsilon.Text);
        }
        if (layer.Kind is FuzzKind.Conv2D or FuzzKind.DepthwiseConv2D or FuzzKind.SeparableConv2D or FuzzKind.Conv1D or FuzzKind.MaxPooling2D or FuzzKind.AveragePooling2D)
        {
            var member = layer.Same ? "Same" : layer.Half ? "Half" : "Valid";
            var holds = variables?.Any(v => v.Value.EnumType == FuzzEnumType.Padding && v.Value.Member == member) == true;
            if (Chance(holds ? 0.6 : p / 2) && factory.EnumOf(FuzzEnumType.Padding, member) is { } expression)
            {
                layer.Options["Padding"] = expression;
            }
        }
        layer.OptionsCompact = Chance(0.3);
    }

    /// <summary>Now and then a kernel as an expression (the object overload) inside a block.</summary>
    private void MaybeKernelExpression(FuzzLayer layer, Dictionary<string, FuzzValue>? variables)
    {
        if (variables is not null && Chance(0.12) && new FuzzExprFactory(rng, variables).IntIn(layer.Kernel, layer.Kernel) is { } kernel)
        {
            layer.KernelArg = FuzzArg.Of(kernel, Chance(0.3));
        }
    }

    /// <summary>Conv2D and DepthwiseConv2D options beyond the first vocabulary: per-axis kernels and strides, pads, dilation, groups, the activation shorthand.</summary>
    private void ConvolutionOptions(FuzzLayer layer, FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        if (!layer.Same && layer.PaddingStyle != 1 && Chance(0.5))
        {
            WindowOptions(layer, perAxisPads: true);
        }
        else if (Chance(0.08))
        {
            layer.Dilation = 2;
        }
        if (Chance(0.1))
        {
            layer.KernelHeight = Chance(0.7) ? Pick(new[] { 1, 3, 5, 7 }) : null;
            layer.KernelWidth = Pick(new[] { 1, 3, 5, 7 });
        }
        if (Chance(0.08))
        {
            layer.StrideHeight = Chance(0.6) ? rng.Next(1, 3) : null;
            layer.StrideWidth = rng.Next(1, 3);
        }
        if (layer.Kind == FuzzKind.Conv2D && !layer.Filters!.IsString && Chance(0.12))
        {
            var filters = layer.Filters.Literal;
            var divisors = Enumerable.Range(1, (int)Math.Min(shape.Channels, filters)).Where(g => shape.Channels % g == 0 && filters % g == 0).ToList();
            layer.Groups = Pick(divisors);
        }
        MaybeShorthand(layer, variables);
        MaybeKernelExpression(layer, variables);
    }

    private FuzzLayer MakeConv1D(FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(FuzzKind.Conv1D)
        {
            Filters = IntArg(variables, 1, 32, Pick(new long[] { 2, 4, 6, 8, 8, 16 }), 0.4),
            Kernel = Pick(new[] { 1, 3, 3, 5, 2 }),
            PaddingStyle = Weighted((0, 40), (1, 8), (2, 35), (3, 17)),
        };
        var stride = Pick(new long[] { 1, 1, 1, 2, 2, 3 });
        layer.Strides = IntArg(variables, 1, 3, stride, 0.3);
        layer.StridesOmitted = !layer.Strides.IsString && layer.Strides.Literal == 1 && Chance(0.5);
        if (layer.PaddingStyle is 0 or 1 && Chance(0.3))
        {
            layer.Pad = rng.Next(0, 3);
        }
        if (Chance(0.15))
        {
            layer.Dilation = rng.Next(1, 4);
        }
        if (!layer.Filters.IsString && Chance(0.2))
        {
            var filters = layer.Filters.Literal;
            layer.Groups = Pick(Enumerable.Range(1, (int)Math.Min(shape.Channels, filters)).Where(g => shape.Channels % g == 0 && filters % g == 0).ToList());
        }
        layer.UseBias = Chance(0.25) ? false : null;
        MaybeRegularize(layer, "Kernel");
        MaybeShorthand(layer, variables);
        MaybeKernelExpression(layer, variables);
        return layer;
    }

    private FuzzLayer MakeTranspose(Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(FuzzKind.Conv2DTranspose)
        {
            Filters = IntArg(variables, 1, 16, Pick(new long[] { 2, 4, 4, 8, 3 }), 0.4),
            Kernel = Pick(new[] { 2, 2, 3, 1, 4 }),
        };
        var stride = Pick(new long[] { 1, 2, 2 });
        layer.Strides = FuzzArg.Of(stride);
        layer.StridesOmitted = stride == 1 && Chance(0.5);
        layer.Pad = Chance(0.4) ? rng.Next(0, 2) : null;
        layer.OutputPadding = stride > 1 && Chance(0.3) ? 1 : null;
        layer.Dilation = Chance(0.1) ? 2 : null;
        layer.UseBias = Chance(0.25) ? false : null;
        MaybeRegularize(layer, "Kernel");
        MaybeShorthand(layer, variables);
        return layer;
    }

    private FuzzLayer? MakeSeparable(FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        var layer = new FuzzLayer(FuzzKind.SeparableConv2D) { PaddingStyle = Chance(0.4) ? 2 : 0 };
        var maxKernel = layer.Same ? 5 : (int)Math.Min(5, Math.Min(shape.Height, shape.Width));
        var kernels = new[] { 1, 3, 3, 5 }.Where(k => k <= maxKernel).ToList();
        if (kernels.Count == 0)
        {
            return null;
        }
        layer.Kernel = Pick(kernels);
        layer.Filters = IntArg(variables, 1, 32, Pick(new long[] { 4, 8, 8, 16, 6 }), 0.4);
        layer.Strides = IntArg(variables, 1, 2, Pick(new long[] { 1, 1, 2 }), 0.3);
        layer.StridesOmitted = !layer.Strides.IsString && layer.Strides.Literal == 1 && Chance(0.5);
        if (!layer.Same && Chance(0.4))
        {
            WindowOptions(layer, perAxisPads: false);
        }
        layer.DepthMultiplier = Chance(0.25) ? rng.Next(1, 3) : null;
        layer.UseBias = Chance(0.3) ? false : null;
        var kernel = Chance(0.5) ? "Depthwise" : "Pointwise";
        MaybeRegularize(layer, kernel);
        if (layer.Regularizers.Count > 0 && Chance(0.3))
        {
            // Both kernels with their own λs.
            layer.Regularizers.Add(((kernel == "Depthwise" ? "Pointwise" : "Depthwise") + "L2", Pick(Lambdas)));
        }
        MaybeShorthand(layer, variables);
        MaybeKernelExpression(layer, variables);
        return layer;
    }

    private FuzzLayer MakeNormalization(FuzzKind kind, FuzzShape shape)
    {
        var layer = new FuzzLayer(kind);
        if (kind == FuzzKind.GroupNormalization)
        {
            var divisors = Enumerable.Range(1, (int)shape.Channels).Where(g => shape.Channels % g == 0).ToList();
            layer.Groups = shape.Channels % 32 == 0 && Chance(0.5) ? null : Pick(divisors);
        }
        if (Chance(0.25))
        {
            layer.Epsilon = Pick(Epsilons);
        }
        if (Chance(0.2))
        {
            layer.Affine = Chance(0.3);
        }
        return layer;
    }

    private FuzzLayer MakeResize(FuzzKind kind, FuzzShape shape)
    {
        var layer = new FuzzLayer(kind);
        switch (kind)
        {
            case FuzzKind.UpSampling2D:
                layer.Sizes = Chance(0.3) ? Array.Empty<int>() : new[] { Pick(new[] { 1, 2, 2, 3 }) };
                if (Chance(0.5))
                {
                    layer.Bilinear = Chance(0.7);
                    layer.AlignCorners = layer.Bilinear == true && Chance(0.5) ? Chance(0.7) : null;
                }
                break;
            case FuzzKind.AdaptiveAveragePooling2D:
                layer.Sizes = Chance(0.5) ? new[] { rng.Next(1, 6) } : new[] { rng.Next(1, 6), rng.Next(1, 6) };
                break;
            case FuzzKind.Cropping2D:
                layer.Pads = Enumerable.Range(0, Pick(new[] { 1, 2, 4 })).Select(_ => rng.Next(0, 3)).ToArray();
                break;
            case FuzzKind.ChannelShuffle:
                var divisors = Enumerable.Range(1, (int)shape.Channels).Where(g => shape.Channels % g == 0).ToList();
                layer.Groups = Pick(divisors.Count > 1 ? divisors.Skip(1).ToList() : divisors);
                break;
            case FuzzKind.Permute:
                layer.Dimensions = Enumerable.Range(1, shape.Rank).OrderBy(_ => rng.Next()).ToArray();
                break;
        }
        return layer;
    }

    /// <summary>
    /// A Chunk: a divisor of the channels (now and then 1, the whole input) and one of its parts; inside a block either
    /// argument is sometimes an expression worth the same (the object overload).
    /// </summary>
    private FuzzLayer MakeChunk(FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        var divisors = Enumerable.Range(2, (int)Math.Min(shape.Channels, 64) - 1).Where(d => shape.Channels % d == 0).ToList();
        long chunks = divisors.Count == 0 || Chance(0.1) ? 1 : Chance(0.5) && divisors.Contains(2) ? 2 : Pick(divisors);
        long index = rng.Next((int)chunks);
        FuzzArg Arg(long value) =>
            variables is not null && Chance(0.25) && new FuzzExprFactory(rng, variables).IntIn(value, value) is { } expression
                ? FuzzArg.Of(expression, Chance(0.3))
                : FuzzArg.Of(value);
        return new FuzzLayer(FuzzKind.Chunk) { Chunks = Arg(chunks), ChunkIndex = Arg(index) };
    }

    /// <summary>A [Custom] layer: x·2, a per-channel scale with C parameters (built from the input Shape), or space-to-depth.</summary>
    private FuzzLayer? MakeCustom(FuzzShape shape, Dictionary<string, FuzzValue>? variables)
    {
        if (!options.AllowCustom)
        {
            return null;
        }
        var style = shape.IsImage && shape.Height % 2 == 0 && shape.Width % 2 == 0 && shape.Channels <= 8 && Chance(0.3) ? 2 : rng.Next(2);
        var module = Program.CustomModules.FirstOrDefault(m => m.Style == style);
        if (module is null)
        {
            module = new FuzzCustomModule(UniqueTypeName(style switch { 0 => "Doubler", 1 => "ChannelScale", _ => "SpaceToDepth" }), style, 0);
            if (Program.CustomModules.Count == 0)
            {
                Program.CustomNamespace = AnyNamespace();
            }
            Program.CustomModules.Add(module);
        }
        var layer = new FuzzLayer(FuzzKind.Custom) { CustomModule = module, CustomParameters = style == 1 ? shape.Channels : 0 };
        var names = new[] { "inputChannels", "inputHeight", "inputWidth" };
        var axes = shape.Axes;
        for (var i = 0; i < axes.Length; i++)
        {
            // Each declared size: a literal, or an expression over this layer's own input (inside a block, also its parameters).
            var (value, expression) = style == 2
                ? (i == 0 ? axes[0] * 4 : axes[i] / 2, (FuzzExpr)new FuzzBinary(i == 0 ? "*" : "/", new FuzzName(names[i]), new FuzzLiteral(i == 0 ? 4 : 2)))
                : (axes[i], new FuzzName(names[i]));
            // inputHeight and inputWidth are an image's (0 for a sequence), so a sequence's length is a literal.
            layer.OutputShape.Add(Chance(0.5) && (i == 0 || shape.IsImage) ? FuzzArg.Of(expression, Chance(0.3)) : FuzzArg.Of(value));
        }
        return layer;
    }

    /// <summary>Shape-changing reshapes between the ranks: an image or a vector to a sequence, a sequence to a vector.</summary>
    private FuzzLayer? MakeRankChange(FuzzShape shape)
    {
        var layer = new FuzzLayer(FuzzKind.Reshape);
        if (shape.IsImage)
        {
            layer.Dimensions = Chance(0.5) ? new[] { (int)shape.Channels, -1 } : new[] { (int)shape.Channels, (int)(shape.Height * shape.Width) };
            return layer;
        }
        if (shape.IsSequence)
        {
            layer.Dimensions = Chance(0.6) ? new[] { -1 } : new[] { (int)shape.Size };
            return layer;
        }
        var channels = new[] { 2, 4, 8, 1 }.Where(c => shape.Channels % c == 0 && shape.Channels / c >= 2 && shape.Channels / c <= FuzzSimulation.MaxLength).ToList();
        if (channels.Count == 0)
        {
            return null;
        }
        var c = Pick(channels);
        layer.Dimensions = Chance(0.5) ? new[] { c, -1 } : new[] { c, (int)shape.Channels / c };
        return layer;
    }

    // ---- [Let] -----------------------------------------------------------------------------------------------------

    private static readonly string[] LetValueNames = { "chan", "mid", "lanes", "base_c", "size2", "step_s", "big" };
    private static readonly string[] LetFunctionNames = { "same", "keep", "ident", "pass_through" };

    /// <summary>A function of v (and d) that gives v back for every int v ≥ 1, through the built-in functions.</summary>
    private (IReadOnlyList<string> Parameters, FuzzExpr Body) IdentityFunction()
    {
        var v = new FuzzName("v");
        return rng.Next(7) switch
        {
            0 => (new[] { "v" }, new FuzzCall("max", null, v, new FuzzLiteral(1))),
            1 => (new[] { "v" }, new FuzzCall("min", null, v, new FuzzLiteral(100000))),
            2 => (new[] { "v" }, new FuzzCall("int", null, new FuzzBinary("*", v, new FuzzDoubleLiteral("1.0")))),
            3 => (new[] { "v" }, new FuzzCall("floor", null, new FuzzBinary("+", v, new FuzzDoubleLiteral("0.25")))),
            4 => (new[] { "v" }, new FuzzCall("ceil", null, new FuzzBinary("-", v, new FuzzDoubleLiteral("0.5")))),
            5 => (new[] { "v" }, new FuzzCall("round", null, new FuzzBinary("/", v, new FuzzDoubleLiteral("1.0")))),
            _ => (new[] { "v", "d" }, new FuzzBinary("-", new FuzzBinary("+", v, new FuzzName("d")), new FuzzName("d"))),
        };
    }

    /// <summary>
    /// [Let]s that change no value: an int argument (an expression in a block, a literal in a network) becomes a Let
    /// value read by name, or goes through a Let function that gives it back; in a block now and then a When
    /// condition becomes a bool Let. Expressions reading repeatIndex stay where they are (a Let is evaluated once,
    /// where the scope starts).
    /// </summary>
    private void AddLets(List<FuzzLet> lets, List<FuzzLayer> layers, bool inBlock, IEnumerable<string> parameters)
    {
        var taken = new HashSet<string>(parameters, StringComparer.Ordinal);
        var shared = layers.GroupBy(l => l.FinalName).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        static bool ReadsIndex(FuzzExpr e) => e switch
        {
            FuzzName n => n.Name == FuzzSimulator.RepeatIndex,
            FuzzUnary u => ReadsIndex(u.Operand),
            FuzzBinary b => ReadsIndex(b.Left) || ReadsIndex(b.Right),
            FuzzConditional c => ReadsIndex(c.Condition) || ReadsIndex(c.WhenTrue) || ReadsIndex(c.WhenFalse),
            FuzzCall c => c.Arguments.Any(ReadsIndex),
            _ => false,
        };
        var sites = new List<(FuzzLayer Layer, int Which)>();
        foreach (var layer in layers.Where(l => l.Kind is FuzzKind.Conv2D or FuzzKind.Dense or FuzzKind.Conv1D or FuzzKind.SeparableConv2D or FuzzKind.Conv2DTranspose or FuzzKind.DepthwiseConv2D))
        {
            var args = new[] { layer.Filters, layer.Units, layer.StridesOmitted ? null : layer.Strides };
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] is { } a && (inBlock ? a.Expression is { } e && !ReadsIndex(e) : !a.IsString))
                {
                    sites.Add((layer, i));
                }
            }
            if (inBlock && layer.When is { } when && !shared.Contains(layer.FinalName) && !ReadsIndex(when))
            {
                sites.Add((layer, 3));
            }
        }
        FuzzLet? function = null;
        foreach (var (layer, which) in sites.OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)))
        {
            var old = which switch { 0 => layer.Filters, 1 => layer.Units, 2 => layer.Strides, _ => null };
            var expression = which == 3 ? layer.When! : old!.Expression ?? new FuzzLiteral(old.Literal);
            FuzzExpr replacement;
            if (which != 3 && Chance(0.45))
            {
                if (function is null)
                {
                    var (ps, body) = IdentityFunction();
                    function = new FuzzLet(Pick(LetFunctionNames.Where(n => !taken.Contains(n)).ToList()), ps, body);
                    taken.Add(function.Name);
                    lets.Add(function);
                }
                replacement = function.Parameters.Count == 1
                    ? new FuzzCall(function.Name, function, expression)
                    : new FuzzCall(function.Name, function, expression, new FuzzLiteral(rng.Next(1, 9)));
            }
            else
            {
                var free = LetValueNames.Where(n => !taken.Contains(n)).ToList();
                if (free.Count == 0)
                {
                    continue;
                }
                var let = new FuzzLet(Pick(free), Array.Empty<string>(), expression);
                taken.Add(let.Name);
                lets.Add(let);
                replacement = new FuzzLetRef(let);
            }
            switch (which)
            {
                case 0:
                    layer.Filters = FuzzArg.Of(replacement, Chance(0.3));
                    break;
                case 1:
                    layer.Units = FuzzArg.Of(replacement, Chance(0.3));
                    break;
                case 2:
                    layer.Strides = FuzzArg.Of(replacement, Chance(0.3));
                    break;
                default:
                    layer.When = replacement;
                    break;
            }
        }
    }

    // ---- blocks ----------------------------------------------------------------------------------------------------

    private FuzzLayer? BlockUsage(FuzzScope scope, Dictionary<string, FuzzValue>? variables, int depth, HashSet<FuzzBlock> defining)
    {
        var shape = scope.CurrentShape;
        var reusable = Program.Blocks.Where(b => !defining.Contains(b) && b.InputNames is null).ToList();
        if (reusable.Count > 0 && Chance(0.5))
        {
            var block = Pick(reusable);
            for (var i = 0; i < 6; i++)
            {
                var usage = Usage(block, variables, out _);
                if (Simulates(new[] { usage }, variables, scope, out _))
                {
                    return usage;
                }
            }
        }
        return NewBlock(shape, variables, depth, defining);
    }

    /// <summary>A usage of <paramref name="block"/> with random arguments; <paramref name="values"/> gets each parameter's value.</summary>
    private FuzzLayer Usage(FuzzBlock block, Dictionary<string, FuzzValue>? outer, out Dictionary<string, FuzzValue> values)
    {
        var layer = new FuzzLayer(FuzzKind.Block) { Block = block, NamedArguments = Chance(0.25), Suffix = Chance(0.05) };
        // Expressions as block arguments only make sense inside another block, where there are parameters to use.
        layer.BlockStringCtor = block.StringCtor && outer is not null && Chance(0.85);
        // The object constructor (no defaults: every argument given) mixes constants and expression strings; outside a
        // block the strings are constant expressions.
        layer.BlockObjectCtor = !layer.BlockStringCtor && block.ObjectCtor && Chance(0.7);
        values = new Dictionary<string, FuzzValue>(StringComparer.Ordinal);
        var factory = outer is null ? null : new FuzzExprFactory(rng, outer);
        foreach (var parameter in block.Parameters)
        {
            if (!layer.BlockStringCtor && !layer.BlockObjectCtor && parameter.Default is { } fallback && Chance(0.4))
            {
                values[parameter.Name] = fallback;
                continue;
            }
            var (value, text) = RandomArgument(parameter);
            FuzzExpr? expression = null;
            if (layer.BlockObjectCtor && parameter.Type == FuzzType.Enum)
            {
                // An enum constant as C# writes it; or an expression string: the enclosing block's parameter, or (for
                // NetDsl's enums, which any expression names) a member or a ?: between members.
                var type = parameter.EnumType!;
                if (Chance(0.5) && (type.IsNetDsl || outer?.Values.Any(v => v.EnumType == type) == true))
                {
                    expression = new FuzzExprFactory(rng, outer ?? new Dictionary<string, FuzzValue>()).EnumOf(type, value.Member);
                    if (expression is not null && !type.IsNetDsl && expression is not FuzzName)
                    {
                        expression = null;
                    }
                }
            }
            else if (layer.BlockObjectCtor)
            {
                // A constant boxed as object is written with the expression language's literal (no float suffix).
                text = value.Literal;
                if (Chance(0.5))
                {
                    expression = factory is not null && parameter.Type != FuzzType.Double
                        ? parameter.Type == FuzzType.Bool ? factory.BoolOf(value.AsBool) : factory.IntIn(value.Number, value.Number)
                        : parameter.Type switch
                        {
                            FuzzType.Bool => new FuzzBoolLiteral(value.AsBool),
                            FuzzType.Int => new FuzzLiteral(value.Number),
                            _ => new FuzzDoubleLiteral(FuzzValue.DoubleText(value.Real)),
                        };
                }
            }
            else if (layer.BlockStringCtor && factory is not null && Chance(0.6))
            {
                switch (parameter.Type)
                {
                    case FuzzType.Bool:
                        expression = factory.BoolOf(value.AsBool);
                        break;
                    case FuzzType.Int:
                        expression = factory.IntIn(value.Number, value.Number);
                        break;
                    default:
                        // Any number will do; an int-typed one checks that a double parameter converts it.
                        expression = factory.NumberIn(0, 1.5);
                        if (expression is not null)
                        {
                            value = expression.Evaluate(outer!).As(FuzzType.Double);
                        }
                        break;
                }
            }
            layer.BlockArgs[parameter.Name] = new FuzzBlockArg(value, expression, layer.BlockStringCtor ? null : text);
            values[parameter.Name] = value;
        }
        return layer;
    }

    /// <summary>A literal argument for <paramref name="parameter"/>: its value, and its C# text where that differs from the value's literal.</summary>
    private (FuzzValue Value, string? Text) RandomArgument(FuzzParam parameter)
    {
        switch (parameter.Type)
        {
            case FuzzType.Enum:
            {
                var type = parameter.EnumType!;
                var member = type.Value(type.Members[rng.Next(type.Members.Count)]);
                return (member, type.CSharpName(Program.Qualifier ?? string.Empty) + "." + member.Member);
            }
            case FuzzType.Bool:
                return (FuzzValue.Bool(Chance(0.5)), null);
            case FuzzType.Int:
                return (FuzzValue.Int(Pick(new long[] { 1, 2, 3, 4, 6, 8, 12, 16 })), null);
            default:
                var (text, value) = Pick(parameter.Declared == "float" ? FloatArguments : DoubleArguments);
                return (FuzzValue.Double(value), text);
        }
    }

    private FuzzLayer? NewBlock(FuzzShape shape, Dictionary<string, FuzzValue>? outer, int depth, HashSet<FuzzBlock> defining)
    {
        // Sometimes the name of a block of another namespace: both are then named in full where they are used.
        var twinOf = options.AllowTwins && namespaces.Count(n => n is not null) >= 2 && Chance(0.25)
            ? Program.Blocks.Where(b => b.Namespace is not null).OrderBy(_ => rng.Next()).FirstOrDefault()
            : null;
        var twinNamespaces = twinOf is null ? new List<string?>()
            : namespaces.Where(n => n is not null && !Program.Blocks.Concat(defining).Any(b => b.Namespace == n && b.Name == twinOf.Name)).ToList();
        if (twinNamespaces.Count == 0)
        {
            twinOf = null;
        }
        var free = BlockNames.Where(b => !typeNames.Contains(b.Name) && !typeNames.Contains(b.Name + "Attribute")).ToList();
        if (free.Count == 0 && twinOf is null)
        {
            return null;
        }
        var (name, stem) = twinOf is null ? Pick(free) : (twinOf.Name, twinOf.Stem);
        var block = new FuzzBlock(name, stem)
        {
            Namespace = twinOf is null ? AnyNamespace() : Pick(twinNamespaces),
            Modifiers = Pick(new[] { "public sealed", "public sealed", "internal sealed", "public" }),
            NoSuffix = Chance(0.1),
        };
        var count = Weighted((0, 18), (1, 32), (2, 30), (3, 15), (4, 5));
        var ints = IntParamNames.OrderBy(_ => rng.Next()).ToList();
        var bools = BoolParamNames.OrderBy(_ => rng.Next()).ToList();
        var doubles = DoubleParamNames.OrderBy(_ => rng.Next()).ToList();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var type = (FuzzType)Weighted(((int)FuzzType.Int, 45), ((int)FuzzType.Bool, 30), ((int)FuzzType.Double, 25), ((int)FuzzType.Enum, 16));
            FuzzEnumType? enumType = null;
            if (type == FuzzType.Enum)
            {
                // NetDsl's Activation (MobileNetV3's switch), its Padding, or an enum the source declares next to the block.
                enumType = Weighted((0, 50), (1, 20), (2, 30)) switch
                {
                    0 => FuzzEnumType.Activation,
                    1 => FuzzEnumType.Padding,
                    _ => block.UserEnum ??= new FuzzEnumType(UniqueTypeName(Pick(UserEnumNames)), Pick(UserEnumMembers)),
                };
            }
            var parameterName = type switch
            {
                FuzzType.Bool => bools[i],
                FuzzType.Int => ints[i],
                FuzzType.Enum => enumType == FuzzEnumType.Activation ? Pick(new[] { "act", "nonlinearity", "mode" }) :
                    enumType == FuzzEnumType.Padding ? Pick(new[] { "padding", "border", "pad_mode" }) : Pick(new[] { "kind", "style", "variant_kind" }),
                _ => doubles[i],
            };
            if (taken.Contains(parameterName))
            {
                parameterName += "_" + i.ToString(CultureInfo.InvariantCulture);
            }
            if (Chance(0.1))
            {
                // The emitter's former locals, or C# keywords (declared @class, written class in expressions).
                parameterName = Pick((Chance(0.75) ? EmitterNames : KeywordParameterNames).Where(n => !taken.Contains(n)).ToList());
            }
            taken.Add(parameterName);
            var declared = type switch
            {
                FuzzType.Bool => "bool",
                FuzzType.Int => Chance(0.15) ? "long" : "int",
                FuzzType.Enum => enumType!.CSharpName(Program.Qualifier ?? string.Empty),
                _ => Chance(0.3) ? "float" : "double",
            };
            block.Parameters.Add(new FuzzParam(parameterName, type, declared) { EnumType = enumType });
        }
        // C# wants optional parameters last.
        var firstDefault = rng.Next(0, count + 1);
        for (var i = firstDefault; i < count; i++)
        {
            var parameter = block.Parameters[i];
            if (parameter.Type == FuzzType.Int)
            {
                parameter.Default = FuzzValue.Int(Pick(new long[] { 1, 2, 4, 8, 16 }));
            }
            else
            {
                (parameter.Default, parameter.DefaultText) = RandomArgument(parameter);
            }

        }
        // Enum arguments are written as constants or (through the object constructor) expressions, not as strings.
        block.StringCtor = count > 0 && Chance(0.5) && block.Parameters.All(p => p.Type != FuzzType.Enum);
        block.ObjectCtor = count > 0 && Chance(0.3);
        block.StringCtorFirst = Chance(0.3);
        block.ExplicitEmptyCtor = count == 0 && Chance(0.5);

        var usage = Usage(block, outer, out var values);
        var variables = new Dictionary<string, FuzzValue>(values, StringComparer.Ordinal)
        {
            ["inputChannels"] = FuzzValue.Int(shape.Channels),
            ["inputHeight"] = FuzzValue.Int(shape.ImageHeight),
            ["inputWidth"] = FuzzValue.Int(shape.ImageWidth),
        };
        if (twinOf is null)
        {
            typeNames.Add(name);
            typeNames.Add(name + "Attribute");
        }
        defining.Add(block);
        scopeNames.Push(new[] { block.Name, block.ClassName }.Concat(block.Parameters.Select(p => p.Name)).ToList());
        var body = GenerateScope(shape, variables, depth + 1, rng.Next(1, 6), defining, out _);
        scopeNames.Pop();
        defining.Remove(block);
        if (body.Count == 0)
        {
            if (twinOf is null)
            {
                typeNames.Remove(name);
                typeNames.Remove(name + "Attribute");
            }
            return null;
        }
        if (twinOf is not null)
        {
            twinOf.Qualified = block.Qualified = true;
        }
        block.Body = body;
        if (Chance(0.15))
        {
            // An [Input] contract the use just made meets; a size 0 (InputAttribute.Any) leaves an axis free.
            block.InputContract = shape.Axes.Select((d, i) => Chance(i == 0 ? 0.2 : 0.6) ? 0 : d).ToArray();
        }
        if (Chance(0.3))
        {
            AddLets(block.Lets, body, inBlock: true, block.Parameters.Select(p => p.Name));
        }
        FuzzLayer.AssignNames(body);
        Program.Blocks.Add(block);
        return usage;
    }
}
