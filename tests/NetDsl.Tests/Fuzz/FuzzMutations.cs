using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>What a mutation produced: a short description of the variant, the files and any known expectations.</summary>
internal sealed record FuzzMutant(string Detail, (string Path, string Source)[] Files, IReadOnlyList<FuzzExpectation> Expectations)
{
    public static FuzzMutant Single(string detail, string source) => new(detail, new[] { ("Model.cs", source) }, Array.Empty<FuzzExpectation>());
}

/// <summary>
/// One named mutation class. <see cref="ExpectValid"/>: the result is a valid network that NetDsl must accept and
/// compile cleanly. <see cref="RuntimeSafe"/>: if accepted, it is small enough to build and run.
/// </summary>
internal sealed record FuzzMutation(string Class, bool ExpectValid, bool RuntimeSafe, Func<Random, FuzzMutant> Make);

/// <summary>The mutation classes: one or more per known failure class, plus generic mutations of valid networks.</summary>
internal static class FuzzMutations
{
    private const string Header = "using NetDsl;\n\nnamespace Fuzz;\n\n";

    public static readonly IReadOnlyList<FuzzMutation> All = new FuzzMutation[]
    {
        new("hint-case-class", true, true, HintCaseClass),
        new("hint-case-namespace", true, true, HintCaseNamespace),
        new("network-and-variant", false, true, NetworkAndVariant),
        new("namespace-keyword", true, true, NamespaceKeyword),
        new("block-ctor-int-bool", false, true, BlockCtorIntBool),
        new("block-param-string", false, true, BlockParamString),
        new("block-param-params-array", false, true, BlockParamParamsArray),
        new("block-same-name-two-namespaces", false, true, BlockSameNameTwoNamespaces),
        new("alternatives-different-kinds", false, true, AlternativesDifferentKinds),
        new("block-param-double-float", false, true, BlockParamDoubleFloat),
        new("block-param-reserved-name", false, true, BlockParamReservedName),
        new("block-param-inputChannels", false, true, BlockParamInputChannels),
        new("layer-name-clash", false, true, LayerNameClash),
        new("non-finite-number", false, true, NonFinite),
        new("tiny-values", true, true, TinyValues),
        new("overflow-expression", false, false, OverflowExpression),
        new("class-shape", false, true, ClassShape),
        new("block-without-suffix", false, true, BlockWithoutSuffix),
        new("member-clash", false, true, MemberClash),
        new("harmless-members", true, true, HarmlessMembers),
        new("variant-cycle", false, true, VariantCycle),
        new("variant-non-network-type", false, true, VariantNonNetworkType),
        new("variant-of-variant", true, true, VariantOfVariant),
        new("huge-shapes", false, false, HugeShapes),
        new("expression-outside-block", false, true, ExpressionOutsideBlock),
        new("batchnorm-in-block-flat", true, true, BatchNormInBlockFlat),
        new("enum-out-of-range", false, true, EnumOutOfRange),
        new("number-zero", false, true, rng => FuzzTextMutations.Number(rng, "0")),
        new("number-minus-one", false, true, rng => FuzzTextMutations.Number(rng, "-1")),
        new("number-int-max", false, false, rng => FuzzTextMutations.Number(rng, rng.Next(2) == 0 ? "int.MaxValue" : "2147483647")),
        new("layer-delete", false, true, FuzzTextMutations.LayerDelete),
        new("layer-duplicate", false, true, FuzzTextMutations.LayerDuplicate),
        new("layer-move", false, true, FuzzTextMutations.LayerMove),
        new("name-duplicate", false, true, FuzzTextMutations.NameDuplicate),
        new("expr-unknown-name", false, true, FuzzTextMutations.ExpressionUnknownName),
        new("expr-syntax-error", false, true, FuzzTextMutations.ExpressionSyntaxError),
        new("expr-type-error", false, true, FuzzTextMutations.ExpressionTypeError),
        new("expr-div-zero", false, true, FuzzTextMutations.ExpressionDivisionByZero),
        new("when-negation-removed", false, true, FuzzTextMutations.WhenNegationRemoved),
        new("wrong-argument-type", false, true, FuzzTextMutations.WrongArgumentType),
    };

    /// <summary>Classes that are accepted as they are and whose failures only show when the network runs.</summary>
    public static readonly IReadOnlyList<string> RuntimeTargets = new[]
    {
        "tiny-values", "expression-outside-block", "batchnorm-in-block-flat", "block-param-inputChannels", "variant-of-variant", "harmless-members",
    };

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A small valid network without blocks, as attribute lines and its class declaration.</summary>
    internal static string PlainNetwork(Random rng, string className, string declaration = "public partial class", string? body = null)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { AllowBlocks = false, AllowVariants = false, Networks = 1, NamespaceStyle = 0 });
        var network = generator.NewNetwork(className);
        network.Members.Clear();
        network.Container = null;
        var program = new FuzzProgram();
        program.Networks.Add(network);
        var text = FuzzRenderer.Render(program)[0].Source;
        var start = text.IndexOf('[', StringComparison.Ordinal);
        var lines = text.Substring(start).TrimEnd().Split('\n').ToList();
        var classLine = lines.FindIndex(l => l.Contains("partial class " + className, StringComparison.Ordinal));
        lines[classLine] = declaration + " " + className;
        if (body is not null)
        {
            lines.RemoveRange(classLine + 1, lines.Count - classLine - 1);
            lines.Add("{");
            lines.AddRange(body.Split('\n').Select(l => "    " + l));
            lines.Add("}");
        }
        return string.Join("\n", lines);
    }

    private static FuzzMutant FromProgram(string detail, ValidNetworkGenerator generator) =>
        new(detail, FuzzRenderer.Render(generator.Program), generator.Expectations());

    // ---- hint names ----------------------------------------------------------------------------------------------

    private static string CaseVariant(Random rng, string name)
    {
        var upper = name.ToUpperInvariant();
        if (upper != name && rng.Next(2) == 0)
        {
            return upper;
        }
        var flipped = char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name.Substring(1) : char.ToUpperInvariant(name[0]) + name.Substring(1);
        return flipped != name ? flipped : name.ToLowerInvariant();
    }

    private static FuzzMutant HintCaseClass(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Networks = 2, AllowVariants = false, NamespaceStyle = rng.Next(3) });
        var program = generator.Generate();
        var (a, b) = (program.Networks[0], program.Networks[1]);
        b.Namespace = a.Namespace;
        b.Container = a.Container;
        b.ClassName = CaseVariant(rng, a.ClassName);
        return FromProgram($"{a.ClassName}/{b.ClassName}", generator);
    }

    private static FuzzMutant HintCaseNamespace(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Networks = 2, AllowVariants = false, NamespaceStyle = 2 });
        var program = generator.Generate();
        var (a, b) = (program.Networks[0], program.Networks[1]);
        var ns = Pick(rng, new[] { "Models", "Vision.Nets", "Lab" });
        a.Namespace = ns;
        b.Namespace = CaseVariant(rng, ns);
        b.ClassName = a.ClassName;
        a.Container = b.Container = null;
        return FromProgram($"{a.Namespace}/{b.Namespace}", generator);
    }

    private static FuzzMutant NamespaceKeyword(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { NamespaceStyle = 1 + rng.Next(2) });
        var program = generator.Generate();
        var ns = Pick(rng, new[] { "@class.Models", "Models.@event", "@namespace", "@int.@void" });
        foreach (var network in program.Networks)
        {
            network.Namespace = ns;
        }
        foreach (var block in program.Blocks)
        {
            block.Namespace = ns;
        }
        return FromProgram(ns, generator);
    }

    private static FuzzMutant NetworkAndVariant(Random rng)
    {
        var placement = Pick(rng, new[] { string.Empty, ", BatchNorm = BatchNormPlacement.Removed", ", BatchNorm = BatchNormPlacement.AfterActivation" });
        var order = rng.Next(2) == 0 ? $"[Network, Variant(typeof(Base){placement}), Input(8)]" : $"[Variant(typeof(Base){placement}), Network, Input(8)]";
        var source = Header + PlainNetwork(rng, "Base") + "\n\n" + order + "\n[Dense(3), BatchNorm, ReLU]\npublic partial class Both\n{\n}\n";
        return FuzzMutant.Single(order, source);
    }

    // ---- block parameters ----------------------------------------------------------------------------------------

    private static FuzzMutant BlockCtorIntBool(Random rng)
    {
        var usages = rng.Next(2) == 0 ? "[B(true)]" : "[B(3)]\n[B(true)]";
        var source = Header + $$"""
            [Dense("a")]
            public sealed class BAttribute : BlockAttribute
            {
                public BAttribute(int a) { }
                public BAttribute(bool b) { }
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            {{usages}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(usages.Replace('\n', ' '), source);
    }

    private static FuzzMutant BlockParamString(Random rng)
    {
        var parameter = Pick(rng, new[] { "string label = null", "string? label = null", "string label" });
        var body = Pick(rng, new[] { "[Dense(4, Name = \"fc\")]", "[Dense(\"label\", Name = \"fc\")]", "[Dense(4, Name = \"fc\", When = \"label\")]" });
        var usage = parameter.EndsWith("null", StringComparison.Ordinal) ? Pick(rng, new[] { "[S]", "[S(\"4\")]", "[S(null)]" }) : Pick(rng, new[] { "[S(\"4\")]", "[S(null)]", "[S(\"true\")]" });
        var source = Header + $$"""
            {{body}}
            public sealed class SAttribute : BlockAttribute
            {
                public SAttribute({{parameter}}) { }
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            {{usage}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(parameter + " " + body + " " + usage, source);
    }

    private static FuzzMutant BlockParamParamsArray(Random rng)
    {
        var body = Pick(rng, new[] { "[Dense(4, Name = \"fc\")]", "[Dense(\"sizes\", Name = \"fc\")]" });
        var usage = Pick(rng, new[] { "[P(1, 2)]", "[P]", "[P(new[] { 3 })]", "[P(5)]" });
        var type = Pick(rng, new[] { "params int[] sizes", "int[] sizes" });
        if (type == "int[] sizes" && usage is "[P]" or "[P(1, 2)]" or "[P(5)]")
        {
            usage = "[P(new[] { 3 })]";
        }
        var source = Header + $$"""
            {{body}}
            public sealed class PAttribute : BlockAttribute
            {
                public PAttribute({{type}}) { }
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            {{usage}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(type + " " + body + " " + usage, source);
    }

    private static FuzzMutant BlockSameNameTwoNamespaces(Random rng)
    {
        var name = Pick(rng, new[] { "Res", "Unit", "Stage" });
        var sameBody = rng.Next(2) == 0;
        var bodyB = sameBody ? "[Conv2D(\"f\", 1, Name = \"conv\")]" : "[Dense(\"f\", Name = \"fc\")]";
        var secondUse = sameBody ? $"[B.{name}(3)]\n    [Flatten]" : $"[Flatten]\n    [B.{name}(3)]";
        var source = $$"""
            using NetDsl;

            namespace A
            {
                [Conv2D("f", 1, Name = "conv")]
                public sealed class {{name}}Attribute : BlockAttribute
                {
                    public {{name}}Attribute(int f) { }
                }
            }

            namespace B
            {
                {{bodyB}}
                public sealed class {{name}}Attribute : BlockAttribute
                {
                    public {{name}}Attribute(int f) { }
                }
            }

            namespace Models
            {
                [Network, Input(4, {{I(rng.Next(3, 12))}}, {{I(rng.Next(3, 12))}})]
                [A.{{name}}(4)]
                {{secondUse}}
                [Dense(2)]
                public partial class Net
                {
                }
            }
            """;
        return FuzzMutant.Single(name + (sameBody ? " same body" : " conv/dense"), source);
    }

    private static FuzzMutant AlternativesDifferentKinds(Random rng)
    {
        var variant = rng.Next(4);
        string body;
        string usages;
        switch (variant)
        {
            case 0:
                body = "[Conv2D(4, 3, Name = \"m\", Padding = Padding.Same, When = \"c\")]\n[MaxPooling2D(2, Name = \"m\", When = \"!c\")]";
                usages = "[Input(3, 8, 8)]\n[Alt(true)]\n[Alt(false)]\n[Flatten]\n[Dense(2)]";
                break;
            case 1:
                body = "[Dense(4, Name = \"m\", When = \"c\")]\n[Conv2D(4, 1, Name = \"m\", When = \"!c\")]";
                usages = "[Input(3, 6, 6)]\n[Alt(false)]\n[Flatten]\n[Alt(true)]";
                break;
            case 2:
                body = "[Conv2D(\"inputChannels\", 3, Name = \"m\", Padding = Padding.Same, When = \"c\")]\n[DepthwiseConv2D(3, Name = \"m\", Padding = Padding.Same, When = \"!c\")]";
                usages = "[Input(4, 8, 8)]\n[Alt(true)]\n[Alt(false)]\n[GlobalAveragePooling2D]";
                break;
            default:
                body = "[AveragePooling2D(2, Name = \"m\", When = \"!c\")]\n[BatchNorm(Name = \"m\", When = \"c\")]";
                usages = "[Input(3, 8, 8)]\n[Alt(false)]\n[Alt(true)]\n[Flatten]";
                break;
        }
        var source = Header + $$"""
            {{body}}
            public sealed class AltAttribute : BlockAttribute
            {
                public AltAttribute(bool c) { }
            }

            [Network]
            {{usages}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(new[] { "conv/pool", "dense/conv", "conv/depthwise", "pool/batchnorm" }[variant], source);
    }

    private static FuzzMutant BlockParamDoubleFloat(Random rng)
    {
        var type = Pick(rng, new[] { "double", "float" });
        var argument = Pick(rng, type == "double" ? new[] { "4.0", "4.5", "4", "0.25" } : new[] { "2f", "2.5f", "3" });
        var body = Pick(rng, new[] { "[Dense(\"k\", Name = \"fc\")]", "[Dense(4, Name = \"fc\")]\n[Dropout(0.5, When = \"k > 1\")]", "[Dense(4, Name = \"fc\")]" });
        var source = Header + $$"""
            {{body}}
            public sealed class DAttribute : BlockAttribute
            {
                public DAttribute({{type}} k) { }
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            [D({{argument}})]
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single($"{type} k = {argument}, {body.Replace('\n', ' ')}", source);
    }

    private static FuzzMutant BlockParamReservedName(Random rng)
    {
        var name = Pick(rng, new[] { "name", "inputShape", "shape", "x", "input", "device", "terms", "inputChannels" });
        var asBool = rng.Next(2) == 0;
        var body = asBool
            ? $"[Dense(4, Name = \"fc\", When = \"{name}\")]\n[Dense(3, Name = \"fc\", When = \"!{name}\")]"
            : Pick(rng, new[] { $"[Dense(\"{name}\", Name = \"fc\")]", $"[Dense(\"{name} * 2\", Name = \"fc\")]", $"[Dense(\"{name}\")]\n[Dropout(0.5, When = \"{name} > 2\")]" });
        var usage = asBool ? Pick(rng, new[] { "[R(true)]", "[R(false)]", "[R(true)]\n[R(false)]" }) : "[R(" + I(rng.Next(1, 9)) + ")]";
        var source = Header + $$"""
            {{body}}
            public sealed class RAttribute : BlockAttribute
            {
                public RAttribute({{(asBool ? "bool" : "int")}} {{name}}) { }
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            {{usage}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single((asBool ? "bool " : "int ") + name, source);
    }

    private static FuzzMutant BlockParamInputChannels(Random rng)
    {
        var image = rng.Next(2) == 0;
        var body = image ? "[Conv2D(\"inputChannels\", 1, Name = \"conv\")]" : "[Dense(\"inputChannels\", Name = \"fc\")]";
        var input = image ? $"Input({I(rng.Next(1, 5))}, 6, 6)" : $"Input({I(rng.Next(2, 20))})";
        var tail = image ? "[Flatten]\n[Dense(2)]" : "[Dense(2)]";
        var source = Header + $$"""
            {{body}}
            public sealed class WideAttribute : BlockAttribute
            {
                public WideAttribute(int inputChannels) { }
            }

            [Network, {{input}}]
            [Wide({{I(rng.Next(1, 9))}})]
            {{tail}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(image ? "conv" : "dense", source);
    }

    // ---- names ------------------------------------------------------------------------------------------------

    private static readonly string[] ClashingNames =
    {
        "Summary", "InputShape", "OutputShape", "TrainableParameters", "NonTrainableParameters", "MultiplyAdds", "forward",
        "RegularizationLoss", "train", "eval", "training", "to", "parameters", "nn", "Shape", "Regularizer", "Linear", "Conv2d",
        "Tensor", "Device", "InputShapeException", "torch", "TorchSharp", "NetDsl", "System", "List", "class", "int", "base",
        "this", "namespace", "return", "var", "nameof", "x", "input", "shape", "device", "terms", "name", "Pooling", "ShapeRules",
        "BatchNorm2d", "Dropout", "SpatialPadding", "IRegularizedModule", "Module", "dynamic", "@class",
    };

    private static FuzzMutant LayerNameClash(Random rng)
    {
        var kind = rng.Next(4);
        string name;
        string detail;
        switch (kind)
        {
            case 0:
                name = "Net";
                detail = "class name";
                break;
            case 1:
                name = "Unit";
                detail = "block name";
                break;
            case 2:
                name = "filters";
                detail = "block parameter";
                break;
            default:
                name = Pick(rng, ClashingNames);
                detail = name;
                break;
        }
        var layers = new List<string>
        {
            "Conv2D(4, 3, 2, Padding = Padding.Same{0})",
            "BatchNorm({1})",
            "ReLU({1})",
            "MaxPooling2D(3, 2, Padding = Padding.Same{0})",
            "Dropout(0.25{0})",
            "Unit(4{0})",
            "Flatten({1})",
            "Dense(5{0})",
        };
        var target = rng.Next(layers.Count);
        var lines = layers.Select((l, i) => "[" + string.Format(CultureInfo.InvariantCulture, l,
            i == target ? $", Name = \"{name}\"" : string.Empty, i == target ? $"Name = \"{name}\"" : string.Empty).Replace("()", string.Empty, StringComparison.Ordinal) + "]");
        var blockLayer = kind == 2 ? "[Conv2D(\"filters\", 1, Name = \"filters\")]" : "[Conv2D(\"filters\", 1, Name = \"conv\")]";
        var source = Header + $$"""
            {{blockLayer}}
            [ReLU]
            public sealed class UnitAttribute : BlockAttribute
            {
                public UnitAttribute(int filters) { }
            }

            [Network, Input(3, {{I(rng.Next(7, 14))}}, {{I(rng.Next(7, 14))}})]
            {{string.Join("\n", lines)}}
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(detail + " on " + layers[target].Split('(')[0], source);
    }

    // ---- numbers ----------------------------------------------------------------------------------------------

    private static FuzzMutant NonFinite(Random rng)
    {
        var cases = new (string Detail, string Attributes)[]
        {
            ("KernelL2 = +inf", "[Dense(4, KernelL2 = double.PositiveInfinity)]"),
            ("KernelL1 = NaN", "[Dense(4, KernelL1 = double.NaN)]"),
            ("Conv KernelL2 = +inf", "[Conv2D(2, 1, KernelL2 = double.PositiveInfinity)]"),
            ("DepthwiseL1 = NaN", "[DepthwiseConv2D(1, DepthwiseL1 = double.NaN)]"),
            ("BiasL2 = +inf", "[Dense(4, BiasL2 = double.PositiveInfinity)]"),
            ("Epsilon = +inf", "[Dense(4), BatchNorm(Epsilon = double.PositiveInfinity)]"),
            ("Epsilon = NaN", "[Dense(4), BatchNorm(Epsilon = double.NaN)]"),
            ("Momentum = NaN", "[Dense(4), BatchNorm(Momentum = double.NaN)]"),
            ("Epsilon = double.Epsilon", "[Dense(4), BatchNorm(Epsilon = double.Epsilon)]"),
            ("Dropout(NaN)", "[Dense(4), Dropout(double.NaN)]"),
            ("Dropout(-inf)", "[Dense(4), Dropout(double.NegativeInfinity)]"),
            ("DefaultRegularizer(L2 = +inf)", "[DefaultRegularizer(L2 = double.PositiveInfinity)]\n[Dense(4)]"),
            ("DefaultRegularizer(L1 = NaN)", "[DefaultRegularizer(L1 = double.NaN)]\n[Dense(4)]"),
            ("DefaultRegularizer(L2 = double.MaxValue)", "[DefaultRegularizer(L2 = double.MaxValue)]\n[Dense(4)]"),
            ("KernelL2 = 1e-15", "[Dense(4, KernelL2 = 1e-15)]"),
            ("Epsilon = 1e-14", "[Dense(4), BatchNorm(Epsilon = 1e-14)]"),
        };
        var (detail, attributes) = Pick(rng, cases);
        var image = attributes.Contains("Conv", StringComparison.Ordinal);
        var source = Header + $$"""
            [Network, {{(image ? "Input(2, 5, 5)" : "Input(" + I(rng.Next(2, 20)) + ")")}}]
            {{attributes}}
            {{(image ? "[Flatten]\n" : string.Empty)}}[Dense(2)]
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(detail, source);
    }

    private static FuzzMutant TinyValues(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Tiny = true });
        generator.Generate();
        return FromProgram("tiny λ and epsilon", generator);
    }

    private static FuzzMutant OverflowExpression(Random rng)
    {
        var expression = Pick(rng, new[]
        {
            "2147483647 + 1", "9223372036854775807 + 1", "inputChannels * 4611686018427387904", "2147483647 * 2", "n * 2147483647",
            "99999999999999999999", "-9223372036854775807 - 2", "n * 9223372036854775807",
        });
        var use = rng.Next(4);
        var body = use switch
        {
            0 => $"[Dense(\"{expression}\", Name = \"fc\")]",
            1 => $"[Conv2D(\"{expression}\", 1, Name = \"conv\")]",
            2 => $"[Conv2D(2, 1, \"{expression}\", Name = \"conv\")]",
            _ => $"[Dense(4, Name = \"fc\", When = \"{expression} > 0\")]",
        };
        var image = use is 1 or 2;
        var source = Header + $$"""
            {{body}}
            public sealed class OAttribute : BlockAttribute
            {
                public OAttribute(int n) { }
            }

            [Network, {{(image ? "Input(2, 4, 4)" : "Input(" + I(rng.Next(2, 20)) + ")")}}]
            [O({{I(rng.Next(1, 4))}})]
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(body, source);
    }

    private static FuzzMutant HugeShapes(Random rng)
    {
        var cases = new (string Detail, string Attributes)[]
        {
            ("image int.MaxValue + Conv2D(int.MaxValue, 1)", "[Network, Input(3, int.MaxValue, int.MaxValue)]\n[Conv2D(int.MaxValue, 1)]"),
            ("Input(int.MaxValue) + 2 × Dense(int.MaxValue)", "[Network, Input(int.MaxValue)]\n[Dense(int.MaxValue)]\n[Dense(int.MaxValue)]"),
            ("channels int.MaxValue + Flatten + Dense", "[Network, Input(int.MaxValue, 2, 2)]\n[Flatten]\n[Dense(int.MaxValue)]"),
            ("ZeroPadding2D(int.MaxValue)", "[Network, Input(3, 8, 8)]\n[ZeroPadding2D(int.MaxValue)]\n[Flatten]"),
            ("BatchNorm on int.MaxValue features", "[Network, Input(int.MaxValue)]\n[BatchNorm]\n[Dense(2)]"),
            ("Conv2D kernel int.MaxValue", "[Network, Input(3, int.MaxValue, int.MaxValue)]\n[Conv2D(2, int.MaxValue)]"),
            ("pool stride int.MaxValue", "[Network, Input(3, 8, 8)]\n[MaxPooling2D(2, int.MaxValue, Padding = Padding.Same)]\n[Flatten]"),
        };
        var (detail, attributes) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + attributes + "\npublic partial class Net\n{\n}\n");
    }

    private static FuzzMutant EnumOutOfRange(Random rng)
    {
        var cases = new (string Detail, string Source)[]
        {
            ("Conv2D Padding = (Padding)7", "[Network, Input(2, 6, 6)]\n[Conv2D(2, 3, Padding = (Padding)7)]\n[Flatten]"),
            ("MaxPooling2D Padding = (Padding)7", "[Network, Input(2, 7, 7)]\n[MaxPooling2D(2, Padding = (Padding)7)]\n[Flatten]"),
            ("Padding = (Padding)(-1)", "[Network, Input(2, 6, 6)]\n[DepthwiseConv2D(3, 2, Padding = (Padding)(-1))]\n[Flatten]"),
            ("Variant BatchNorm = (BatchNormPlacement)9", "[Network, Input(6)]\n[Dense(4, UseBias = false), BatchNorm, ReLU]\npublic partial class Base\n{\n}\n\n[Variant(typeof(Base), BatchNorm = (BatchNormPlacement)9)]"),
            ("Layers = (RegularizedLayers)0", "[Network, Input(6), DefaultRegularizer(L2 = 0.01, Layers = (RegularizedLayers)0)]\n[Dense(4)]"),
            ("Layers = (RegularizedLayers)4", "[Network, Input(6), DefaultRegularizer(L2 = 0.01, Layers = (RegularizedLayers)4)]\n[Dense(4)]"),
            ("BatchNormDefaults = (BatchNormDefaults)5", "[Network(BatchNormDefaults = (BatchNormDefaults)5), Input(6)]\n[Dense(4), BatchNorm]"),
            ("Initialization = (WeightInitialization)3", "[Network(Initialization = (WeightInitialization)3), Input(6)]\n[Dense(4)]"),
        };
        var (detail, attributes) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + attributes + "\npublic partial class Net\n{\n}\n");
    }

    // ---- class shapes and members -----------------------------------------------------------------------------------

    private static FuzzMutant ClassShape(Random rng)
    {
        var variant = rng.Next(12);
        string source;
        string detail;
        switch (variant)
        {
            case 0:
                detail = "static partial class";
                source = PlainNetwork(rng, "Net", "public static partial class");
                break;
            case 1:
                detail = "base class";
                source = "public class Helper\n{\n}\n\n" + PlainNetwork(rng, "Net", "public partial class").Replace("partial class Net", "partial class Net : Helper", StringComparison.Ordinal);
                break;
            case 2:
                detail = "nested in partial interface";
                source = "public partial interface IZoo\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}";
                break;
            case 3:
                detail = "nested in non-partial class";
                source = "public class Zoo\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}";
                break;
            case 4:
                detail = "partial class @class";
                source = PlainNetwork(rng, "@class");
                break;
            case 5:
                detail = "generic network";
                source = PlainNetwork(rng, "Net").Replace("partial class Net", "partial class Net<T>", StringComparison.Ordinal);
                break;
            case 6:
                detail = "partial record";
                source = PlainNetwork(rng, "Net", "public partial record");
                break;
            case 7:
                detail = "nested in partial struct";
                source = "public partial struct Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}";
                break;
            case 8:
                detail = "non-partial class";
                source = PlainNetwork(rng, "Net", "public class");
                break;
            case 9:
                detail = "nested in partial record";
                source = "public partial record Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}";
                break;
            case 10:
                detail = "abstract partial class";
                source = PlainNetwork(rng, "Net", "public abstract partial class");
                break;
            default:
                detail = "nested in generic partial class";
                source = "public partial class Holder<T>\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}";
                break;
        }
        return FuzzMutant.Single(detail, Header + source + "\n");
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));

    private static FuzzMutant BlockWithoutSuffix(Random rng)
    {
        var withParameter = rng.Next(2) == 0;
        var source = Header + $$"""
            [Dense({{(withParameter ? "\"u\"" : "4")}}, Name = "fc")]
            [ReLU]
            public sealed class Act : BlockAttribute
            {
                {{(withParameter ? "public Act(int u) { }" : string.Empty)}}
            }

            [Network, Input({{I(rng.Next(2, 20))}})]
            [Act{{(withParameter ? "(3)" : string.Empty)}}]
            [Act{{(withParameter ? "(2, Name = \"second\")" : "(Name = \"second\")")}}]
            public partial class Net
            {
            }
            """;
        return FuzzMutant.Single(withParameter ? "with parameter" : "no parameter", source);
    }

    private static FuzzMutant MemberClash(Random rng)
    {
        var cases = new (string Detail, string Member)[]
        {
            ("static int Summary", "public static int Summary = 0;"),
            ("parameterless constructor", "public Net() { }"),
            ("constructor(Device?)", "public Net(TorchSharp.torch.Device? device) { }"),
            ("field named like a layer", "private int fc = 1;\npublic int Fc => fc;"),
            ("field named like a derived layer", "private readonly int dense_1 = 1;\npublic int D => dense_1;"),
            ("method forward", "public TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input;"),
            ("const TrainableParameters", "public const long TrainableParameters = 1;"),
            ("method RegularizationLoss", "public TorchSharp.torch.Tensor RegularizationLoss() => TorchSharp.torch.zeros(1);"),
            ("property InputShape", "public static int InputShape => 0;"),
        };
        var (detail, member) = Pick(rng, cases);
        var source = Header + $"[Network, Input({I(rng.Next(2, 20))})]\n[Dense(4, Name = \"fc\")]\n[Dense(2)]\npublic partial class Net\n{{\n" + Indent(member) + "\n}\n";
        return FuzzMutant.Single(detail, source);
    }

    private static FuzzMutant HarmlessMembers(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng);
        var program = generator.Generate();
        foreach (var network in program.Networks)
        {
            network.Members.Clear();
            network.Members.Add("public static int Twice(int value) => value * 2;");
            network.Members.Add($"public {network.ClassName}(int seed) : this() {{ Seed = seed; }}");
            network.Members.Add("public int Seed { get; }");
            network.Members.Add("public string Describe() => Summary;");
            network.Members.Add("public static long Size() => TrainableParameters + NonTrainableParameters;");
        }
        return FromProgram("helper, ctor(int) : this(), uses of generated members", generator);
    }

    // ---- variants -------------------------------------------------------------------------------------------------

    private static FuzzMutant VariantCycle(Random rng)
    {
        var self = rng.Next(3) == 0;
        var source = self
            ? Header + "[Variant(typeof(A), BatchNorm = BatchNormPlacement.Removed)]\npublic partial class A\n{\n}\n"
            : Header + "[Variant(typeof(B), BatchNorm = BatchNormPlacement.Removed)]\npublic partial class A\n{\n}\n\n[Variant(typeof(A)), DefaultRegularizer(L2 = 0.01)]\npublic partial class B\n{\n}\n";
        if (rng.Next(2) == 0)
        {
            source += "\n" + PlainNetwork(rng, "Unrelated") + "\n";
        }
        return FuzzMutant.Single(self ? "A → A" : "A → B → A", source);
    }

    private static FuzzMutant VariantNonNetworkType(Random rng)
    {
        var target = Pick(rng, new[] { "int[]", "int", "string", "System.Collections.Generic.List<int>", "Plain", "Base[]", "Base*" });
        var source = Header + PlainNetwork(rng, "Base") + "\n\npublic class Plain\n{\n}\n\n" +
            $"[Variant(typeof({target}), BatchNorm = BatchNormPlacement.Removed)]\npublic partial class V\n{{\n}}\n";
        return FuzzMutant.Single("typeof(" + target + ")", source);
    }

    private static FuzzMutant VariantOfVariant(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { VariantChain = true });
        generator.Generate();
        return FromProgram("variant chain", generator);
    }

    // ---- accepted-looking networks with a twist --------------------------------------------------------------------

    private static FuzzMutant ExpressionOutsideBlock(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { NamespaceStyle = 1 });
        generator.Program.NamespaceStyle = 1;
        var channels = rng.Next(1, 4);
        var side = rng.Next(5, 17);
        var layers = new List<FuzzLayer>();
        var variant = rng.Next(4);
        var stride = rng.Next(1, 3);
        FuzzLayer conv = variant == 2
            ? new FuzzLayer(FuzzKind.DepthwiseConv2D) { Kernel = 3, Strides = FuzzArg.Of(new FuzzLiteral(stride), false), PaddingStyle = 2 }
            : new FuzzLayer(FuzzKind.Conv2D)
            {
                Kernel = rng.Next(1, 4),
                Filters = variant == 1 ? FuzzArg.Of(new FuzzLiteral(rng.Next(1, 9)), false) : FuzzArg.Of(rng.Next(1, 9)),
                Strides = variant == 0 ? FuzzArg.Of(new FuzzLiteral(stride), false) : FuzzArg.Of(stride),
                PaddingStyle = 2,
            };
        layers.Add(conv);
        layers.Add(new FuzzLayer(FuzzKind.Flatten));
        layers.Add(new FuzzLayer(FuzzKind.Dense) { Units = variant == 3 ? FuzzArg.Of(new FuzzLiteral(rng.Next(1, 9)), false) : FuzzArg.Of(rng.Next(1, 9)) });
        var network = generator.ManualNetwork("Net", FuzzShape.Image(channels, side, side), layers);
        network.Namespace = "Models";
        generator.Program.Networks.Add(network);
        return FromProgram(new[] { "Conv2D strides string", "Conv2D filters string", "DepthwiseConv2D strides string", "Dense units string" }[variant], generator);
    }

    private static FuzzMutant BatchNormInBlockFlat(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { NamespaceStyle = 1 });
        generator.Program.NamespaceStyle = 1;
        var program = generator.Program;
        var conditional = rng.Next(2) == 0;
        FuzzBlock block;
        var layers = new List<FuzzLayer>();
        FuzzShape input;
        if (!conditional)
        {
            block = new FuzzBlock("Norm", "norm") { Namespace = "Models" };
            block.Parameters.Add(new FuzzParam("units", false));
            block.Body.Add(new FuzzLayer(FuzzKind.BatchNorm) { ExplicitName = "bn" });
            block.Body.Add(new FuzzLayer(FuzzKind.ReLU));
            block.Body.Add(new FuzzLayer(FuzzKind.Dense) { ExplicitName = "fc", Units = FuzzArg.Of(new FuzzName("units"), false) });
            var usage = new FuzzLayer(FuzzKind.Block) { Block = block };
            usage.BlockArgs["units"] = new FuzzBlockArg(FuzzValue.Int(rng.Next(1, 9)));
            if (rng.Next(2) == 0)
            {
                input = FuzzShape.Vector(rng.Next(2, 20));
            }
            else
            {
                input = FuzzShape.Image(2, 4, 4);
                layers.Add(new FuzzLayer(FuzzKind.Flatten));
            }
            layers.Add(usage);
        }
        else
        {
            // Whether the BatchNorm sees an image depends on the condition of the Flatten before it.
            block = new FuzzBlock("Flex", "flex") { Namespace = "Models" };
            block.Parameters.Add(new FuzzParam("flat", true));
            block.Body.Add(new FuzzLayer(FuzzKind.Flatten) { When = new FuzzName("flat") });
            block.Body.Add(new FuzzLayer(FuzzKind.BatchNorm) { ExplicitName = "bn" });
            var usage = new FuzzLayer(FuzzKind.Block) { Block = block };
            usage.BlockArgs["flat"] = new FuzzBlockArg(FuzzValue.Bool(false));
            input = FuzzShape.Image(rng.Next(1, 4), 5, 5);
            layers.Add(usage);
            layers.Add(new FuzzLayer(FuzzKind.Flatten));
        }
        FuzzLayer.AssignNames(block.Body);
        program.Blocks.Add(block);
        layers.Add(new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(2) });
        var network = generator.ManualNetwork("Net", input, layers);
        network.Namespace = "Models";
        program.Networks.Add(network);
        return FromProgram(conditional ? "BatchNorm after a conditional Flatten" : "BatchNorm on a flat block input", generator);
    }
}
