using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>
/// What a mutation produced: a short description of the variant, the files and any known expectations.
/// <see cref="Expected"/> and <see cref="RuntimeSafe"/>, where set, override the class's for this case.
/// </summary>
internal sealed record FuzzMutant(string Detail, (string Path, string Source)[] Files, IReadOnlyList<FuzzExpectation> Expectations)
{
    public FuzzExpected? Expected { get; init; }

    public bool? RuntimeSafe { get; init; }

    public bool UsesGeneratedMembers { get; init; }

    public static FuzzMutant Single(string detail, string source) => new(detail, new[] { ("Model.cs", source) }, Array.Empty<FuzzExpectation>());
}

/// <summary>
/// One named mutation class. <see cref="Expected"/>: the outcome NetDsl must give every case of the class (accepted
/// and compiling, or refused with a given ND ID), or null where the mutation has no definite answer (the generic
/// mutations of numbers, layers, names and expressions). <see cref="RuntimeSafe"/>: if accepted, it is small enough
/// to build and run.
/// </summary>
internal sealed record FuzzMutation(string Class, FuzzExpected? Expected, bool RuntimeSafe, Func<Random, FuzzMutant> Make);

/// <summary>The mutation classes: one or more per known failure class, plus generic mutations of valid networks.</summary>
internal static class FuzzMutations
{
    private const string Header = "using NetDsl;\n\nnamespace Fuzz;\n\n";

    private static readonly FuzzExpected Accepted = FuzzExpected.Accepted;

    private static FuzzExpected Refused(string id, params string[] mentions) => FuzzExpected.Refused(id, mentions);

    public static readonly IReadOnlyList<FuzzMutation> All = new FuzzMutation[]
    {
        new("hint-case-class", Accepted, true, HintCaseClass),
        new("hint-case-namespace", Accepted, true, HintCaseNamespace),
        new("network-and-variant", FuzzExpected.RefusedOnly("ND0012"), true, NetworkAndVariant),
        new("namespace-keyword", Accepted, true, NamespaceKeyword),
        new("block-ctor-int-bool", Refused("ND0017"), true, BlockCtorIntBool),
        new("block-param-string", Refused("ND0017"), true, BlockParamString),
        new("block-param-string-default", Refused("ND0016"), true, BlockParamStringDefault),
        new("block-param-params-array", Refused("ND0016"), true, BlockParamParamsArray),
        new("block-same-name-two-namespaces", Accepted, true, BlockSameNameTwoNamespaces),
        new("alternatives-different-kinds", Refused("ND0019"), true, AlternativesDifferentKinds),
        new("block-param-double-float", Accepted, true, BlockParamDoubleFloat),
        new("block-param-double-as-int", Refused("ND0009"), true, BlockParamDoubleAsInt),
        new("dropout-rate-out-of-range", Refused("ND0002"), true, DropoutRateOutOfRange),
        new("block-param-reserved-name", Accepted, true, BlockParamReservedName),
        new("block-param-inputChannels", Refused("ND0016"), true, BlockParamInputChannels),
        new("layer-name-clash", Accepted, true, LayerNameClash),
        new("name-not-identifier", Refused("ND0014"), true, NameNotIdentifier),
        new("non-finite-number", Refused("ND0002"), true, NonFinite),
        new("finite-extremes", Accepted, true, FiniteExtremes),
        new("tiny-values", Accepted, true, TinyValues),
        new("overflow-64-bit", Refused("ND0009"), true, Overflow64Bit),
        new("overflow-int-range", Accepted, false, OverflowIntRange),
        new("class-shape", FuzzExpected.RefusedOnly("ND0012"), true, ClassShape),
        new("class-shape-extensible", Accepted, true, ClassShapeExtensible),
        new("block-without-suffix", Accepted, true, BlockWithoutSuffix),
        new("member-clash", Refused("ND0015"), true, MemberClash),
        new("harmless-members", Accepted, true, HarmlessMembers),
        new("variant-cycle", Refused("ND0013"), true, VariantCycle),
        new("variant-non-network-type", Refused("ND0013"), true, VariantNonNetworkType),
        new("variant-of-variant", Accepted, true, VariantOfVariant),
        new("huge-shapes", Refused("ND0018"), false, HugeShapes),
        new("huge-but-fits", Accepted, false, HugeButFits),
        new("expression-outside-block", Accepted, true, ExpressionOutsideBlock),
        new("batchnorm-in-block-flat", Accepted, true, BatchNormInBlockFlat),
        new("enum-out-of-range", Refused("ND0027"), true, EnumOutOfRange),
        new("unevaluated-expression", null, true, UnevaluatedExpression),
        new("number-zero", null, true, rng => FuzzTextMutations.Number(rng, "0")),
        new("number-minus-one", null, true, rng => FuzzTextMutations.Number(rng, "-1")),
        new("number-int-max", null, false, rng => FuzzTextMutations.Number(rng, rng.Next(2) == 0 ? "int.MaxValue" : "2147483647")),
        new("layer-delete", null, true, FuzzTextMutations.LayerDelete),
        new("layer-duplicate", null, true, FuzzTextMutations.LayerDuplicate),
        new("layer-move", null, true, FuzzTextMutations.LayerMove),
        new("name-duplicate", null, true, FuzzTextMutations.NameDuplicate),
        new("expr-unknown-name", Refused("ND0008"), true, FuzzTextMutations.ExpressionUnknownName),
        new("expr-syntax-error", Refused("ND0009"), true, FuzzTextMutations.ExpressionSyntaxError),
        new("expr-type-error", null, true, FuzzTextMutations.ExpressionTypeError),
        new("expr-div-zero", null, true, FuzzTextMutations.ExpressionDivisionByZero),
        new("when-negation-removed", null, true, FuzzTextMutations.WhenNegationRemoved),
        new("wrong-argument-type", null, true, FuzzTextMutations.WrongArgumentType),
        new("graph-unknown-name", FuzzExpected.RefusedOnly("ND0021"), true, GraphUnknownName),
        new("graph-read-below", FuzzExpected.RefusedOnly("ND0023"), true, GraphReadBelow),
        new("graph-read-itself", FuzzExpected.RefusedOnly("ND0023"), true, GraphReadItself),
        new("graph-merge-mismatch", FuzzExpected.RefusedOnly("ND0022"), true, GraphMergeMismatch),
        new("graph-merge-one-input", FuzzExpected.RefusedOnly("ND0030"), true, GraphMergeOneInput),
        new("graph-from-on-merge", FuzzExpected.RefusedOnly("ND0028"), true, GraphFromOnMerge),
        new("graph-rename-branch", Accepted, true, GraphRenameBranch),
        new("dense-in-features-mismatch", FuzzExpected.RefusedOnly("ND0020"), true, DenseInFeaturesMismatch),
        new("block-input-contract-mismatch", FuzzExpected.RefusedOnly("ND0020"), true, BlockInputContractMismatch),
        new("groups-not-dividing", FuzzExpected.RefusedOnly("ND0029"), true, GroupsNotDividing),
        new("new-argument-invalid", FuzzExpected.RefusedOnly("ND0002"), true, NewArgumentInvalid),
        new("chunk-invalid", FuzzExpected.RefusedOnly("ND0002"), true, ChunkInvalid),
        new("custom-type-unusable", FuzzExpected.RefusedOnly("ND0024"), true, CustomTypeUnusable),
        new("enum-type-error", FuzzExpected.RefusedOnly("ND0009"), true, EnumTypeError),
        new("object-property-wrong-constant", FuzzExpected.RefusedOnly("ND0026"), true, ObjectPropertyWrongConstant),
        new("block-inputs-count", FuzzExpected.RefusedOnly("ND0030"), true, BlockInputsCount),
        new("block-inputs-declaration", Refused("ND0031"), true, BlockInputsDeclaration),
        new("use-bias-false-with-bias-lambda", FuzzExpected.RefusedOnly("ND0006"), true, UseBiasFalseWithBiasLambda),
    };

    /// <summary>Classes that are accepted as they are and whose failures only show when the network runs.</summary>
    public static readonly IReadOnlyList<string> RuntimeTargets = new[]
    {
        "tiny-values", "expression-outside-block", "batchnorm-in-block-flat", "block-param-double-float", "variant-of-variant", "harmless-members",
        "block-same-name-two-namespaces", "graph-rename-branch",
    };

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A small valid network without blocks, as attribute lines and its class declaration.</summary>
    internal static string PlainNetwork(Random rng, string className, string declaration = "public partial class", string? body = null)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { AllowBlocks = false, AllowVariants = false, Networks = 1, NamespaceStyle = 0, AllowCustom = false });
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
        new(detail, FuzzRenderer.Render(generator.Program), generator.Expectations())
        {
            UsesGeneratedMembers = generator.Program.Networks.Any(n => n.MembersUseGenerated),
        };

    private static FuzzMutant Block(string detail, string blockAttributes, string blockClass, string parameters, string network) =>
        FuzzMutant.Single(detail, Header + $$"""
            {{blockAttributes}}
            public sealed class {{blockClass}} : BlockAttribute
            {
                public {{blockClass}}({{parameters}}) { }
            }

            {{network}}
            public partial class Net
            {
            }
            """);

    // ---- hint names ----------------------------------------------------------------------------------------------

    private static FuzzMutant HintCaseClass(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Networks = 2, AllowVariants = false, NamespaceStyle = rng.Next(3) });
        var program = generator.Generate();
        var (a, b) = (program.Networks[0], program.Networks[1]);
        b.Namespace = a.Namespace;
        b.Container = a.Container;
        b.ClassName = generator.CaseVariant(a.ClassName);
        return FromProgram($"{a.ClassName}/{b.ClassName}", generator);
    }

    private static FuzzMutant HintCaseNamespace(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Networks = 2, AllowVariants = false, NamespaceStyle = 2 });
        var program = generator.Generate();
        var (a, b) = (program.Networks[0], program.Networks[1]);
        var ns = Pick(rng, new[] { "Models", "Vision.Nets", "Lab" });
        a.Namespace = ns;
        b.Namespace = generator.CaseVariant(ns);
        b.ClassName = a.ClassName;
        a.Container = b.Container = null;
        return FromProgram($"{a.Namespace}/{b.Namespace}", generator);
    }

    private static FuzzMutant NamespaceKeyword(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { NamespaceStyle = 1 + rng.Next(2), AllowTwins = false });
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
        // Not a segment of the namespace: inside it, that name would mean the class, not the namespace.
        var segments = ns.Split('.');
        var keywords = new[] { "@event", "@class", "@object" }
            .Where(n => !segments.Contains(n) && !program.Networks.Any(o => o.ClassName.TrimStart('@').Equals(n.TrimStart('@'), StringComparison.OrdinalIgnoreCase))).ToList();
        if (rng.Next(3) == 0 && keywords.Count > 0)
        {
            program.Networks[0].ClassName = Pick(rng, keywords);
        }
        return FromProgram(ns + " " + program.Networks[0].ClassName, generator);
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

    /// <summary>A string parameter the body needs, with no value: a null default, or null passed.</summary>
    private static FuzzMutant BlockParamString(Random rng)
    {
        var (parameter, usage) = Pick(rng, new[]
        {
            ("string label = null", "[S]"), ("string? label = null", "[S]"), ("string label = null!", "[S]"), ("string label = null", "[S(null)]"),
            ("string label", "[S(null)]"), ("string label = default", "[S]"),
        });
        // A parameter declared only as a string is an int to the type checker: the body uses it as a number, so that
        // the one thing wrong is the missing value.
        var body = Pick(rng, new[] { "[Dense(\"label\", Name = \"fc\")]", "[Dense(\"label * 2\", Name = \"fc\")]", "[Dense(4, Name = \"fc\", When = \"label > 1\")]", "[Dense(4), Dropout(\"label\")]" });
        return Block($"{parameter} {body} {usage}", body, "SAttribute", parameter, $"[Network, Input({I(rng.Next(2, 20))})]\n{usage}");
    }

    private static FuzzMutant BlockParamStringDefault(Random rng)
    {
        var parameter = Pick(rng, new[] { "string label = \"4\"", "string label = \"\"", "string label = \"true\"" });
        var usage = Pick(rng, new[] { "[S]", "[S(\"2\")]" });
        var body = Pick(rng, new[] { "[Dense(4, Name = \"fc\")]", "[Dense(\"label\", Name = \"fc\")]" });
        return Block($"{parameter} {body} {usage}", body, "SAttribute", parameter, $"[Network, Input({I(rng.Next(2, 20))})]\n{usage}");
    }

    private static FuzzMutant BlockParamParamsArray(Random rng)
    {
        var body = Pick(rng, new[] { "[Dense(4, Name = \"fc\")]", "[Dense(\"sizes\", Name = \"fc\")]" });
        var usage = Pick(rng, new[] { "[P(1, 2)]", "[P]", "[P(new[] { 3 })]", "[P(5)]" });
        var type = Pick(rng, new[] { "params int[] sizes", "int[] sizes", "params double[] sizes" });
        if (type == "int[] sizes" && usage is "[P]" or "[P(1, 2)]" or "[P(5)]")
        {
            usage = "[P(new[] { 3 })]";
        }
        if (type.Contains("double", StringComparison.Ordinal) && usage == "[P(new[] { 3 })]")
        {
            usage = "[P(0.5, 0.25)]";
        }
        return Block(type + " " + body + " " + usage, body, "PAttribute", type, $"[Network, Input({I(rng.Next(2, 20))})]\n{usage}");
    }

    /// <summary>Two blocks of one name in two namespaces: used side by side, or one inside the other (not a cycle).</summary>
    private static FuzzMutant BlockSameNameTwoNamespaces(Random rng)
    {
        var name = Pick(rng, new[] { "Res", "Unit", "Stage" });
        var variant = rng.Next(4);
        var nested = variant >= 2;
        // Variant 3 declares B's block without the Attribute suffix: [B.Unit] then binds to class Unit.
        var classB = variant == 3 ? name : name + "Attribute";
        var bodyA = nested ? $"[B.{name}(\"f\")]\n        [Conv2D(\"f\", 1, Name = \"conv\")]" : "[Conv2D(\"f\", 1, Name = \"conv\")]";
        var bodyB = variant is 0 or 2 or 3 ? "[Conv2D(\"f\", 1, Name = \"conv\")]" : "[Dense(\"f\", Name = \"fc\")]";
        var ctorB = nested ? $"public {classB}(int f) {{ }}\n        public {classB}(string f) {{ }}" : $"public {classB}(int f) {{ }}";
        var uses = variant switch
        {
            0 => $"[A.{name}(4)]\n    [B.{name}(3)]\n    [Flatten]",
            1 => $"[A.{name}(4)]\n    [Flatten]\n    [B.{name}(3)]",
            _ => $"[A.{name}(4)]\n    [Flatten]",
        };
        var source = $$"""
            using NetDsl;

            namespace A
            {
                {{bodyA}}
                public sealed class {{name}}Attribute : BlockAttribute
                {
                    public {{name}}Attribute(int f) { }
                }
            }

            namespace B
            {
                {{bodyB}}
                public sealed class {{classB}} : BlockAttribute
                {
                    {{ctorB}}
                }
            }

            namespace Models
            {
                [Network, Input(4, {{I(rng.Next(3, 12))}}, {{I(rng.Next(3, 12))}})]
                {{uses}}
                [Dense(2)]
                public partial class Net
                {
                }
            }
            """;
        return FuzzMutant.Single(name + new[] { " side by side, same body", " side by side, conv/dense", " A's body uses B's", " A's body uses B's (no suffix)" }[variant], source);
    }

    private static FuzzMutant AlternativesDifferentKinds(Random rng)
    {
        var variant = rng.Next(5);
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
            case 3:
                body = "[AveragePooling2D(2, Name = \"m\", When = \"!c\")]\n[BatchNorm(Name = \"m\", When = \"c\")]";
                usages = "[Input(3, 8, 8)]\n[Alt(false)]\n[Alt(true)]\n[Flatten]";
                break;
            default:
                body = "[Dropout(0.5, Name = \"m\", When = \"c\")]\n[BatchNorm(Name = \"m\", When = \"!c\")]";
                usages = "[Input(6)]\n[Alt(true)]\n[Alt(false)]";
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
        return FuzzMutant.Single(new[] { "conv/pool", "dense/conv", "conv/depthwise", "pool/batchnorm", "dropout/batchnorm" }[variant], source);
    }

    /// <summary>A double or float parameter used where a double is taken: a Dropout rate, a When comparison, or not at all.</summary>
    private static FuzzMutant BlockParamDoubleFloat(Random rng)
    {
        var type = Pick(rng, new[] { "double", "float" });
        var argument = Pick(rng, type == "double" ? new[] { "0.25", "0", "0.5", "1e-1", "0.3f", ".75", "0d" } : new[] { "0.25f", "0.5F", "0", "0.1f", "3e-1f" });
        var body = Pick(rng, new[]
        {
            "[Dense(4, Name = \"fc\")]\n[Dropout(\"k\")]",
            "[Dense(4, Name = \"fc\")]\n[Dropout(\"k / 2\", Name = \"half\")]",
            "[Dense(4, Name = \"fc\"), Dropout(0.5, When = \"k > 0.25\")]",
            "[Dense(4, Name = \"fc\")]\n[Dropout(\"k < 0.5 ? k : 0.5 - k / 4\")]",
            "[Dense(4, Name = \"fc\")]\n[Dropout(\"k\", Name = \"a\", When = \"k >= 0.5\")]\n[Dropout(\"k + 0.5\", Name = \"a\", When = \"!(k >= 0.5)\")]",
            "[Dense(\"n\", Name = \"fc\")]\n[Dropout(\"k * n / 10\")]",
            "[Dense(4, Name = \"fc\")]",
        });
        var withN = body.Contains("\"n\"", StringComparison.Ordinal);
        var parameters = (withN ? "int n, " : string.Empty) + type + " k";
        var useDefault = rng.Next(4) == 0;
        if (useDefault)
        {
            parameters += " = " + argument;
        }
        var usage = "[D(" + (withN ? I(rng.Next(1, 5)) + (useDefault ? string.Empty : ", ") : string.Empty) + (useDefault ? string.Empty : argument) + ")]";
        return Block($"{type} k = {argument}{(useDefault ? " (default)" : string.Empty)}, {body.Replace('\n', ' ')}", body, "DAttribute", parameters,
            $"[Network, Input({I(rng.Next(2, 20))})]\n{usage.Replace("()", string.Empty, StringComparison.Ordinal)}");
    }

    /// <summary>A double (even an integral one) where an int is taken: units, filters, strides, a ?: of int and double.</summary>
    private static FuzzMutant BlockParamDoubleAsInt(Random rng)
    {
        var type = Pick(rng, new[] { "double", "float" });
        var argument = Pick(rng, new[] { "4.0", "2", "4.5", "3f" });
        if (type == "float" && argument is "4.0" or "4.5")
        {
            argument += "f";
        }
        var (body, image) = Pick(rng, new[]
        {
            ("[Dense(\"k\", Name = \"fc\")]", false), ("[Dense(\"k * 2\", Name = \"fc\")]", false), ("[Conv2D(\"k\", 1, Name = \"conv\")]", true),
            ("[Conv2D(2, 1, \"k\", Name = \"conv\")]", true), ("[Dense(\"k > 1 ? 2 : 3.0\", Name = \"fc\")]", false), ("[Dense(\"7 / 2.0\", Name = \"fc\")]", false),
            ("[Dense(\"k\"), Dropout(\"k / 10\")]", false),
        });
        var input = image ? "Input(2, 6, 6)" : "Input(" + I(rng.Next(2, 20)) + ")";
        return Block($"{type} k = {argument}, {body}", body, "DAttribute", type + " k", $"[Network, {input}]\n[D({argument})]");
    }

    private static FuzzMutant DropoutRateOutOfRange(Random rng)
    {
        var cases = new (string Detail, string Body, string Parameters, string Usage)[]
        {
            ("rate = 1.0", "[Dense(4), Dropout(\"rate\")]", "double rate", "[D(1.0)]"),
            ("rate = 1 (int argument)", "[Dense(4), Dropout(\"rate\")]", "double rate", "[D(1)]"),
            ("rate = 1.5f", "[Dense(4), Dropout(\"rate\")]", "float rate", "[D(1.5f)]"),
            ("rate * 4 with 0.25", "[Dense(4), Dropout(\"rate * 4\")]", "double rate", "[D(0.25)]"),
            ("0 - rate", "[Dense(4), Dropout(\"0 - rate\")]", "double rate", "[D(0.5)]"),
            ("-rate", "[Dense(4), Dropout(\"-rate\")]", "double rate", "[D(0.25)]"),
            ("n / 2 with n = 3", "[Dense(4), Dropout(\"n / 2\")]", "int n", "[D(3)]"),
            ("rate default 2", "[Dense(4), Dropout(\"rate\")]", "double rate = 2", "[D]"),
            ("a When-selected rate", "[Dense(4), Dropout(\"rate + 1\", When = \"rate < 0.5\")]", "double rate", "[D(0.25)]"),
        };
        var (detail, body, parameters, usage) = Pick(rng, cases);
        if (rng.Next(4) == 0)
        {
            // The same rule outside a block, for a literal or a constant expression.
            var literal = Pick(rng, new[] { "Dropout(1.0)", "Dropout(-0.1)", "Dropout(\"1.5\")", "Dropout(\"2 * 0.5\")", "Dropout(\"0 - 1e-3\")" });
            return FuzzMutant.Single(literal, Header + $"[Network, Input({I(rng.Next(2, 20))})]\n[Dense(4), {literal}]\npublic partial class Net\n{{\n}}\n");
        }
        return Block(detail, body, "DAttribute", parameters, $"[Network, Input({I(rng.Next(2, 20))})]\n{usage}");
    }

    /// <summary>Block parameters named like the emitter's former parameters and locals; inputChannels and its kin are another class.</summary>
    private static FuzzMutant BlockParamReservedName(Random rng)
    {
        var name = Pick(rng, new[] { "name", "inputShape", "shape", "x", "input", "device", "terms" });
        var type = Pick(rng, new[] { "int", "bool", "double" });
        string body;
        string usage;
        switch (type)
        {
            case "bool":
                body = $"[Dense(4, Name = \"fc\", When = \"{name}\")]\n[Dense(3, Name = \"fc\", When = \"!{name}\")]";
                usage = Pick(rng, new[] { "[R(true)]", "[R(false)]", "[R(true)]\n[R(false)]" });
                break;
            case "double":
                body = Pick(rng, new[] { $"[Dense(4, Name = \"fc\")]\n[Dropout(\"{name}\")]", $"[Dense(4, Name = \"fc\")]\n[Dropout(0.5, When = \"{name} > 0.25\")]" });
                usage = "[R(" + Pick(rng, new[] { "0.5", "0.125", "0" }) + ")]";
                break;
            default:
                body = Pick(rng, new[] { $"[Dense(\"{name}\", Name = \"fc\")]", $"[Dense(\"{name} * 2\", Name = \"fc\")]", $"[Dense(\"{name}\")]\n[Dropout(0.5, When = \"{name} > 2\")]" });
                usage = "[R(" + I(rng.Next(1, 9)) + ")]";
                break;
        }
        return Block(type + " " + name, body, "RAttribute", type + " " + name, $"[Network, Input({I(rng.Next(2, 20))})]\n{usage}");
    }

    private static FuzzMutant BlockParamInputChannels(Random rng)
    {
        var name = Pick(rng, new[] { "inputChannels", "inputChannels", "inputHeight", "inputWidth" });
        var image = name != "inputChannels" || rng.Next(2) == 0;
        var body = image ? $"[Conv2D(\"{name}\", 1, Name = \"conv\")]" : $"[Dense(\"{name}\", Name = \"fc\")]";
        var input = image ? $"Input({I(rng.Next(1, 5))}, 6, 6)" : $"Input({I(rng.Next(2, 20))})";
        var tail = image ? "[Flatten]\n[Dense(2)]" : "[Dense(2)]";
        return Block(name + (image ? " conv" : " dense"), body, "WideAttribute", "int " + name, $"[Network, {input}]\n[Wide({I(rng.Next(1, 9))})]\n{tail}");
    }

    // ---- names ------------------------------------------------------------------------------------------------

    private static readonly string[] ClashingNames =
    {
        "Summary", "InputShape", "OutputShape", "TrainableParameters", "NonTrainableParameters", "MultiplyAdds", "forward",
        "RegularizationLoss", "train", "eval", "training", "to", "parameters", "children", "modules", "nn", "Shape", "Regularizer", "Linear", "Conv2d",
        "Tensor", "Device", "InputShapeException", "torch", "TorchSharp", "NetDsl", "System", "List", "class", "int", "base",
        "this", "namespace", "return", "var", "nameof", "x", "input", "shape", "device", "terms", "name", "Pooling", "ShapeRules",
        "BatchNorm2d", "Dropout", "SpatialPadding", "IRegularizedModule", "Module", "dynamic", "inputShape",
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

    private static FuzzMutant NameNotIdentifier(Random rng)
    {
        var name = Pick(rng, new[] { "fc.1", "@class", "1x", "a b", "x-y", string.Empty, "ü?", "fc\\n" });
        var inBlock = rng.Next(2) == 0;
        var layer = $"[Dense(4, Name = \"{name}\")]";
        var source = inBlock
            ? Header + $"{layer}\npublic sealed class BAttribute : BlockAttribute\n{{\n}}\n\n[Network, Input({I(rng.Next(2, 20))})]\n[B]\npublic partial class Net\n{{\n}}\n"
            : Header + $"[Network, Input({I(rng.Next(2, 20))})]\n{layer}\n[Dense(2)]\npublic partial class Net\n{{\n}}\n";
        return FuzzMutant.Single($"Name = \"{name}\"{(inBlock ? " in a block" : string.Empty)}", source);
    }

    // ---- numbers ----------------------------------------------------------------------------------------------

    private static FuzzMutant Numbers(Random rng, (string Detail, string Attributes)[] cases)
    {
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

    private static FuzzMutant NonFinite(Random rng) => Numbers(rng, new (string, string)[]
    {
        ("KernelL2 = +inf", "[Dense(4, KernelL2 = double.PositiveInfinity)]"),
        ("KernelL1 = NaN", "[Dense(4, KernelL1 = double.NaN)]"),
        ("Conv KernelL2 = +inf", "[Conv2D(2, 1, KernelL2 = double.PositiveInfinity)]"),
        ("DepthwiseL1 = NaN", "[DepthwiseConv2D(1, DepthwiseL1 = double.NaN)]"),
        ("BiasL2 = +inf", "[Dense(4, BiasL2 = double.PositiveInfinity)]"),
        ("Epsilon = +inf", "[Dense(4), BatchNorm(Epsilon = double.PositiveInfinity)]"),
        ("Epsilon = NaN", "[Dense(4), BatchNorm(Epsilon = double.NaN)]"),
        ("Momentum = NaN", "[Dense(4), BatchNorm(Momentum = double.NaN)]"),
        ("Dropout(NaN)", "[Dense(4), Dropout(double.NaN)]"),
        ("Dropout(-inf)", "[Dense(4), Dropout(double.NegativeInfinity)]"),
        ("Dropout(0.0 / 0)", "[Dense(4), Dropout(0.0 / 0)]"),
        ("KernelL2 = 1e308 * 10", "[Dense(4, KernelL2 = 1e308 * 10)]"),
        ("DefaultRegularizer(L2 = +inf)", "[DefaultRegularizer(L2 = double.PositiveInfinity)]\n[Dense(4)]"),
        ("DefaultRegularizer(L1 = NaN)", "[DefaultRegularizer(L1 = double.NaN)]\n[Dense(4)]"),
    });

    private static FuzzMutant FiniteExtremes(Random rng)
    {
        var mutant = Numbers(rng, new (string, string)[]
        {
            ("Epsilon = double.Epsilon", "[Dense(4), BatchNorm(Epsilon = double.Epsilon)]"),
            ("KernelL2 = 1e-15", "[Dense(4, KernelL2 = 1e-15)]"),
            ("Epsilon = 1e-14", "[Dense(4), BatchNorm(Epsilon = 1e-14)]"),
            ("KernelL1 = double.Epsilon", "[Dense(4, KernelL1 = double.Epsilon)]"),
            ("Momentum = 0", "[Dense(4), BatchNorm(Momentum = 0)]"),
            ("Dropout(0.999999)", "[Dense(4), Dropout(0.999999)]"),
            ("Dropout(1 - 1e-16)", "[Dense(4), Dropout(1 - 1e-16)]"),
            ("DefaultRegularizer(L2 = double.MaxValue)", "[DefaultRegularizer(L2 = double.MaxValue)]\n[Dense(4)]"),
            ("Conv DepthwiseL2 = 1e300", "[DepthwiseConv2D(1, DepthwiseL2 = 1e300)]"),
        });
        // λ = 1e300 or double.MaxValue makes the loss overflow to infinity in float32: compile-time only.
        return mutant with { RuntimeSafe = !mutant.Detail.Contains("MaxValue", StringComparison.Ordinal) && !mutant.Detail.Contains("1e300", StringComparison.Ordinal) };
    }

    private static FuzzMutant TinyValues(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { Tiny = true });
        generator.Generate();
        return FromProgram("tiny λ and epsilon", generator);
    }

    /// <summary>An expression inside a block, and where it is used (it fails wherever it is evaluated).</summary>
    private static FuzzMutant Overflow(Random rng, string expression, int use, bool image)
    {
        var body = use switch
        {
            0 => $"[Dense(\"{expression}\", Name = \"fc\")]",
            1 => $"[Conv2D(\"{expression}\", 1, Name = \"conv\")]",
            2 => $"[Conv2D(2, 1, \"{expression}\", Name = \"conv\")]",
            _ => $"[Dense(4, Name = \"fc\", When = \"{expression} > 0\")]",
        };
        var input = image ? $"Input({I(rng.Next(2, 5))}, 4, 4)" : "Input(" + I(rng.Next(2, 20)) + ")";
        return Block(body, body, "OAttribute", "int n", $"[Network, {input}]\n[O({I(rng.Next(2, 4))})]");
    }

    private static FuzzMutant Overflow64Bit(Random rng)
    {
        var expression = Pick(rng, new[]
        {
            "9223372036854775807 + 1", "99999999999999999999", "-9223372036854775807 - 2", "n * 9223372036854775807",
            "inputChannels * 4611686018427387904", "9223372036854775807 * 2 / 2", "-(-9223372036854775807 - 1)", "n * 4611686018427387904 * 2",
        });
        var use = rng.Next(4);
        return Overflow(rng, expression, use, use is 1 or 2);
    }

    /// <summary>Beyond int but within long: folded to a long literal, so the network is valid (and often too large to run).</summary>
    private static FuzzMutant OverflowIntRange(Random rng)
    {
        var expression = Pick(rng, new[] { "2147483647 + 1", "2147483647 * 2", "n * 2147483647", "2147483647 + n", "-2147483648 - 1 + 4294967296" });
        var use = rng.Next(4);
        return Overflow(rng, expression, use, use is 1 or 2) with { RuntimeSafe = use is 2 or 3 };
    }

    private static FuzzMutant HugeShapes(Random rng)
    {
        var cases = new (string Detail, string Attributes)[]
        {
            ("image int.MaxValue + Conv2D(int.MaxValue, 1)", "[Network, Input(3, int.MaxValue, int.MaxValue)]\n[Conv2D(int.MaxValue, 1)]"),
            ("channels int.MaxValue + Flatten + Dense", "[Network, Input(int.MaxValue, 2, 2)]\n[Flatten]\n[Dense(int.MaxValue)]"),
            ("ZeroPadding2D(int.MaxValue)", "[Network, Input(3, 8, 8)]\n[ZeroPadding2D(int.MaxValue)]\n[Flatten]"),
            ("Conv2D kernel int.MaxValue", "[Network, Input(3, int.MaxValue, int.MaxValue)]\n[Conv2D(2, int.MaxValue)]"),
            ("Input(int.MaxValue) + 3 × Dense(int.MaxValue)", "[Network, Input(int.MaxValue)]\n[Dense(int.MaxValue)]\n[Dense(int.MaxValue)]\n[Dense(int.MaxValue)]"),
            ("DepthMultiplier int.MaxValue", "[Network, Input(int.MaxValue, 4, 4)]\n[DepthwiseConv2D(3, DepthMultiplier = int.MaxValue)]"),
            ("image int.MaxValue³", "[Network, Input(int.MaxValue, int.MaxValue, int.MaxValue)]\n[Flatten]"),
        };
        var (detail, attributes) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + attributes + "\npublic partial class Net\n{\n}\n");
    }

    private static FuzzMutant HugeButFits(Random rng)
    {
        var cases = new (string Detail, string Attributes)[]
        {
            ("Input(int.MaxValue) + 2 × Dense(int.MaxValue)", "[Network, Input(int.MaxValue)]\n[Dense(int.MaxValue)]\n[Dense(int.MaxValue)]"),
            ("BatchNorm on int.MaxValue features", "[Network, Input(int.MaxValue)]\n[BatchNorm]\n[Dense(2)]"),
            ("pool stride int.MaxValue", "[Network, Input(3, 8, 8)]\n[MaxPooling2D(2, int.MaxValue, Padding = Padding.Same)]\n[Flatten]"),
            ("Conv2D stride int.MaxValue", "[Network, Input(3, 8, 8)]\n[Conv2D(2, 3, int.MaxValue)]\n[Flatten]"),
            ("image int.MaxValue × int.MaxValue", "[Network, Input(1, int.MaxValue, int.MaxValue)]\n[GlobalAveragePooling2D]"),
        };
        var (detail, attributes) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + attributes + "\npublic partial class Net\n{\n}\n");
    }

    /// <summary>A [BlockInputs] that cannot be one: a name twice, one name or seven, a name that is no identifier or a parameter's.</summary>
    private static FuzzMutant BlockInputsDeclaration(Random rng)
    {
        var (detail, names) = Pick(rng, new (string, string)[]
        {
            ("a name twice", "\"x\", \"x\""),
            ("one name", "\"x\""),
            ("seven names", "\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\""),
            ("no identifier", "\"x\", \"1skip\""),
            ("a parameter's name", "\"x\", \"filters\""),
        });
        var block = $"[BlockInputs({names})]\n[Conv2D(\"filters\", 1, Name = \"conv\")]\npublic sealed class MixAttribute : BlockAttribute\n{{\n    public MixAttribute(int filters) {{ }}\n}}\n\n";
        var network = "[Network, Input(2, 8, 8)]\n[Conv2D(4, 1, Name = \"a\")]\n[Mix(4, From = \"a, input\", Name = \"mix\")]\n[Flatten]\npublic partial class Net\n{\n}";
        return FuzzMutant.Single(detail, Header + block + network);
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

    /// <summary>
    /// A wrong expression (a bool, double or overflowing size, a division by zero, an int condition) in a layer that
    /// no use of the block reaches: its When is false at every use, or the block holding it is used only under a
    /// false condition. Refusing it and emitting code that compiles are both fine; emitting code that does not
    /// compile is not (generator-adds-no-error).
    /// </summary>
    private static FuzzMutant UnevaluatedExpression(Random rng)
    {
        var layer = Pick(rng, new[]
        {
            "Dense(\"flag\"{0})", "Dense(\"r\"{0})", "Dense(\"1 / 0\"{0})", "Dense(\"9223372036854775807 + 1\"{0})", "Dense(4), Dropout(\"flag\"{0})",
            "Dense(\"r > 1 ? 2 : 2.5\"{0})", "ReLU(When = \"inputChannels\")", "Dense(4, When = \"r\")",
        });
        var condition = Pick(rng, new[] { "flag", "inputChannels == 0", "1 > 2", "r > 1", "!flag && flag" });
        var nested = rng.Next(2) == 0;
        var uses = Pick(rng, new[] { "[B(false)]", "[B(false)]\n[B(false, 0.25)]", "[B(flag: false)]" });
        string source;
        if (!nested)
        {
            var written = layer.Contains("When", StringComparison.Ordinal) ? layer : string.Format(CultureInfo.InvariantCulture, layer, $", When = \"{condition}\"");
            source = Header + $"[{written}]\npublic sealed class BAttribute : BlockAttribute\n{{\n    public BAttribute(bool flag, double r = 0.5) {{ }}\n}}\n\n" +
                $"[Network, Input({I(rng.Next(2, 20))})]\n{uses}\n[Dense(2)]\npublic partial class Net\n{{\n}}\n";
        }
        else
        {
            var written = layer.Replace("{0}", string.Empty, StringComparison.Ordinal);
            source = Header + $"[{written}]\npublic sealed class InnerAttribute : BlockAttribute\n{{\n    public InnerAttribute(bool flag, double r = 0.5) {{ }}\n}}\n\n" +
                $"[Inner(false, When = \"{condition}\")]\n[ReLU]\npublic sealed class BAttribute : BlockAttribute\n{{\n    public BAttribute(bool flag, double r = 0.5) {{ }}\n}}\n\n" +
                $"[Network, Input({I(rng.Next(2, 20))})]\n{uses}\n[Dense(2)]\npublic partial class Net\n{{\n}}\n";
        }
        return FuzzMutant.Single($"{layer.Replace("{0}", string.Empty, StringComparison.Ordinal)}{(nested ? " in a block used" : string.Empty)} under When = \"{condition}\", {uses.Replace('\n', ' ')}", source);
    }

    // ---- class shapes and members -----------------------------------------------------------------------------------

    /// <summary>Declarations the generator cannot extend; each is refused with ND0012 and nothing else.</summary>
    private static FuzzMutant ClassShape(Random rng)
    {
        var cases = new (string Detail, Func<string> Source)[]
        {
            ("static partial class", () => PlainNetwork(rng, "Net", "public static partial class")),
            ("base class", () => "public class Helper\n{\n}\n\n" + PlainNetwork(rng, "Net").Replace("partial class Net", "partial class Net : Helper", StringComparison.Ordinal)),
            ("base class Exception", () => PlainNetwork(rng, "Net").Replace("partial class Net", "partial class Net : System.Exception", StringComparison.Ordinal)),
            ("partial record", () => PlainNetwork(rng, "Net", "public partial record")),
            ("partial record struct", () => PlainNetwork(rng, "Net", "public partial record struct")),
            ("partial struct", () => PlainNetwork(rng, "Net", "public partial struct")),
            ("non-partial class", () => PlainNetwork(rng, "Net", "public class")),
            ("generic network", () => PlainNetwork(rng, "Net").Replace("partial class Net", "partial class Net<T>", StringComparison.Ordinal)),
            ("primary constructor", () => PlainNetwork(rng, "Net").Replace("partial class Net", "partial class Net(int size)", StringComparison.Ordinal)),
            ("nested in partial interface", () => "public partial interface IZoo\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in non-partial class", () => "public class Zoo\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in non-partial struct", () => "public struct Zoo\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in generic partial class", () => "public partial class Holder<T>\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
        };
        var (detail, source) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + source() + "\n");
    }

    /// <summary>Declarations that look unusual but that the generator extends.</summary>
    private static FuzzMutant ClassShapeExtensible(Random rng)
    {
        var cases = new (string Detail, Func<string> Source)[]
        {
            ("abstract partial class", () => PlainNetwork(rng, "Net", "public abstract partial class")),
            ("sealed partial class", () => PlainNetwork(rng, "Net", "public sealed partial class")),
            ("partial class @class", () => PlainNetwork(rng, "@class")),
            ("nested in partial struct", () => "public partial struct Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in readonly partial struct", () => "public readonly partial struct Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in partial record", () => "public partial record Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in partial record struct", () => "public partial record struct Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in static partial class", () => "public static partial class Holder\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
            ("nested in partial class @event", () => "public partial class @event\n{\n" + Indent(PlainNetwork(rng, "Net")) + "\n}"),
        };
        var (detail, source) = Pick(rng, cases);
        return FuzzMutant.Single(detail, Header + source() + "\n");
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
            ("constructor(int) without this(...)", "public Net(int seed) { }"),
            ("constructor : base(...)", "public Net(int seed) : base() { }"),
            ("constructor(Device?)", "public Net(TorchSharp.torch.Device? device) { }"),
            ("constructor(Device) : this()", "public Net(TorchSharp.torch.Device device) : this() { }"),
            ("field named like a layer", "private int fc = 1;\npublic int Fc => fc;"),
            ("field named like a derived layer", "private readonly int dense_2 = 1;\npublic int D => dense_2;"),
            ("method named like a layer", "public void fc() { }"),
            ("method forward", "public TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input;"),
            ("const TrainableParameters", "public const long TrainableParameters = 1;"),
            ("method RegularizationLoss", "public TorchSharp.torch.Tensor RegularizationLoss() => TorchSharp.torch.zeros(1);"),
            ("property InputShape", "public static int InputShape => 0;"),
            ("field OutputShape", "public static readonly int OutputShape = 0;"),
            ("nested class MultiplyAdds", "public class MultiplyAdds { }"),
        };
        var (detail, member) = Pick(rng, cases);
        var source = Header + $"[Network, Input({I(rng.Next(2, 20))})]\n[Dense(4, Name = \"fc\")]\n[Dense(2)]\npublic partial class Net\n{{\n" + Indent(member) + "\n}\n";
        return FuzzMutant.Single(detail, source);
    }

    /// <summary>Members that use what the generator adds: a chained constructor, generated constants, a layer field, Dispose(bool).</summary>
    private static FuzzMutant HarmlessMembers(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng);
        var program = generator.Generate();
        foreach (var network in program.Networks)
        {
            network.Members.Clear();
            network.Members.Add("public static int Twice(int value) => value * 2;");
            network.Members.Add($"public {FuzzNetwork.Self}(int seed) : {Pick(rng, new[] { "this(device: null)", "this()", "this(null)" })} {{ Seed = seed; }}");
            network.Members.Add("public int Seed { get; }");
            network.Members.Add("public string Describe() => Summary;");
            network.Members.Add("public static long Size() => unchecked(TrainableParameters + NonTrainableParameters);");
            network.Members.Add("protected override void Dispose(bool disposing) => base.Dispose(disposing);");
            // A block of two inputs has forward(a, b): First(x) calls a module of one input.
            var ordinary = network.Layers.Where(l => l.OwnsModule && !l.IsMultiInputUse && (l.ExplicitName is null || l.ExplicitName.Length > 0 && char.IsLower(l.ExplicitName[0]) &&
                !new[] { "train", "eval", "training", "to", "parameters", "children", "modules", "named_modules", "state_dict", "cuda", "cpu", "zero_grad", "apply", "call",
                    "forward", "nn", "torch", "name", "shape", "x", "input", "inputShape", "device", "terms", "filters", "units", "rate", "shortcut",
                    "class", "int", "base", "this", "namespace", "return", "var", "nameof", "dynamic", "event", "new", "object", "string", "void", "default", "is", "value",
                    "partial", "record" }.Contains(l.ExplicitName))).ToList();
            if (!network.IsVariant && ordinary.Count > 0)
            {
                network.Members.Add($"public TorchSharp.torch.Tensor First(TorchSharp.torch.Tensor x) => this.{ordinary[rng.Next(ordinary.Count)].FinalName}.forward(x);");
            }
            network.MembersUseGenerated = true;
        }
        return FromProgram("ctor(int) : this(...), uses of generated members, a layer field and Dispose(bool)", generator);
    }

    // ---- variants -------------------------------------------------------------------------------------------------

    private static FuzzMutant VariantCycle(Random rng)
    {
        var length = rng.Next(1, 4);
        var names = new[] { "A", "B", "C" }.Take(length).ToList();
        var source = Header;
        for (var i = 0; i < length; i++)
        {
            var settings = i == 0 ? ", BatchNorm = BatchNormPlacement.Removed" : rng.Next(2) == 0 ? ", BatchNorm = BatchNormPlacement.Removed" : "), DefaultRegularizer(L2 = 0.01";
            source += $"[Variant(typeof({names[(i + 1) % length]}){settings})]\npublic partial class {names[i]}\n{{\n}}\n\n";
        }
        if (rng.Next(2) == 0)
        {
            source += PlainNetwork(rng, "Unrelated") + "\n";
        }
        var detail = string.Join(" → ", names.Append(names[0]));
        // Every class on the cycle reports it on its own attribute.
        return FuzzMutant.Single(detail, source) with { Expected = FuzzExpected.Refused("ND0013", names.Select(n => $"Variant '{n}'").ToArray()) };
    }

    private static FuzzMutant VariantNonNetworkType(Random rng)
    {
        var target = Pick(rng, new[] { "int[]", "int", "string", "System.Collections.Generic.List<int>", "Plain", "Base[]", "Base*", "IPlain", "System.DayOfWeek" });
        var source = Header + PlainNetwork(rng, "Base") + "\n\npublic class Plain\n{\n}\n\npublic interface IPlain\n{\n}\n\n" +
            $"[Variant(typeof({target}), BatchNorm = BatchNormPlacement.Removed)]\npublic partial class V\n{{\n}}\n";
        return FuzzMutant.Single("typeof(" + target + ")", source) with { Expected = FuzzExpected.Refused("ND0013", "Variant 'V'") };
    }

    private static FuzzMutant VariantOfVariant(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { VariantChain = true });
        generator.Generate();
        return FromProgram("variant chain", generator);
    }

    // ---- accepted-looking networks with a twist --------------------------------------------------------------------

    /// <summary>Expression strings outside any block: constants only, for sizes, strides, a Dropout rate and a When.</summary>
    private static FuzzMutant ExpressionOutsideBlock(Random rng)
    {
        var generator = new ValidNetworkGenerator(rng, new FuzzGeneratorOptions { NamespaceStyle = 1 });
        generator.Program.NamespaceStyle = 1;
        var channels = rng.Next(1, 4);
        var side = rng.Next(5, 17);
        var layers = new List<FuzzLayer>();
        var variant = rng.Next(6);
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
        var dense = new FuzzLayer(FuzzKind.Dense) { Units = variant == 3 ? FuzzArg.Of(new FuzzLiteral(rng.Next(1, 9)), false) : FuzzArg.Of(rng.Next(1, 9)) };
        if (variant == 5)
        {
            // A constant When decides at compile time whether the layer exists; its name is counted either way.
            var skipped = new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(rng.Next(1, 9)) };
            var holds = rng.Next(2) == 0;
            skipped.When = Pick(rng, holds
                ? new FuzzExpr[] { new FuzzBoolLiteral(true), new FuzzBinary(">=", new FuzzBinary("*", new FuzzLiteral(2), new FuzzDoubleLiteral("0.5")), new FuzzLiteral(1)) }
                : new FuzzExpr[] { new FuzzBoolLiteral(false), new FuzzBinary(">", new FuzzLiteral(1), new FuzzLiteral(2)), new FuzzBinary("<", new FuzzBinary("/", new FuzzLiteral(7), new FuzzLiteral(2)), new FuzzDoubleLiteral("3.0")) });
            layers.Add(skipped);
        }
        layers.Add(dense);
        if (variant == 4 || rng.Next(3) == 0)
        {
            var rate = Pick(rng, new FuzzExpr[]
            {
                new FuzzBinary("/", new FuzzDoubleLiteral("0.5"), new FuzzLiteral(2)), new FuzzBinary("*", new FuzzBinary("/", new FuzzLiteral(7), new FuzzLiteral(2)), new FuzzDoubleLiteral("0.1")),
                new FuzzBinary("/", new FuzzLiteral(7), new FuzzDoubleLiteral("20.0")), new FuzzDoubleLiteral("2.5E-2"), new FuzzBinary("/", new FuzzLiteral(1), new FuzzLiteral(3)),
                new FuzzConditional(new FuzzBinary(">", new FuzzLiteral(3), new FuzzDoubleLiteral("2.5")), new FuzzLiteral(0), new FuzzDoubleLiteral("0.75")),
            });
            layers.Add(new FuzzLayer(FuzzKind.Dropout) { RateExpression = rate, RateCompact = rng.Next(2) == 0 });
        }
        var network = generator.ManualNetwork("Net", FuzzShape.Image(channels, side, side), layers);
        network.Namespace = "Models";
        generator.Program.Networks.Add(network);
        return FromProgram(new[] { "Conv2D strides string", "Conv2D filters string", "DepthwiseConv2D strides string", "Dense units string", "Dropout rate string", "constant When" }[variant], generator);
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
            block.Parameters.Add(new FuzzParam("units", FuzzType.Int, "int"));
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
            block.Parameters.Add(new FuzzParam("flat", FuzzType.Bool, "bool"));
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

    // ---- graphs ------------------------------------------------------------------------------------------------------

    private static readonly string[] UnknownWords = { "projection", "skip", "missing", "branch_x", "shortcut_in", "prev", "Input" };
    private static readonly string[] InsertedNames = { "wrong_width", "mismatch", "odd_path", "other_width", "skewed", "off_by" };
    private static readonly string[] RenamedNames = { "renamed", "path_b", "skip_out", "side_path", "lane_2", "twig" };

    /// <summary>One layer list of a program: a network's (not a variant's) or the body of a block some network uses.</summary>
    private sealed record GraphScope(List<FuzzLayer> Layers, FuzzNetwork? Network, FuzzBlock? Block)
    {
        public string Owner => Network?.ClassName ?? Block!.Name;

        public HashSet<string> Names => new(Layers.Select(l => l.FinalName), StringComparer.Ordinal);
    }

    private static List<GraphScope> Scopes(FuzzProgram program)
    {
        var scopes = new List<GraphScope>();
        var seen = new HashSet<FuzzBlock>();
        void Visit(List<FuzzLayer> layers)
        {
            foreach (var block in layers.Where(l => l.Kind == FuzzKind.Block).Select(l => l.Block!))
            {
                if (seen.Add(block))
                {
                    scopes.Add(new GraphScope(block.Body, null, block));
                    Visit(block.Body);
                }
            }
        }
        foreach (var network in program.Networks.Where(n => !n.IsVariant))
        {
            scopes.Add(new GraphScope(network.Layers, network, null));
            Visit(network.Layers);
        }
        return scopes;
    }

    /// <summary>A layer that may name what it reads: any but the residual [Add], on which From is an error of its own.</summary>
    private static bool CanRead(FuzzLayer layer) => layer.IsMerge || layer.Kind != FuzzKind.Add;

    /// <summary>Makes <paramref name="layer"/> read <paramref name="name"/>: one input of a merge, else its From.</summary>
    private static string Plant(Random rng, FuzzLayer layer, string name)
    {
        if (layer.IsMerge || layer.IsMultiInputUse)
        {
            var i = rng.Next(layer.Inputs.Count);
            var old = layer.Inputs[i];
            layer.Inputs[i] = name;
            return $"{layer.Kind} {layer.FinalName}: input '{old}' → '{name}'";
        }
        var from = layer.From is null ? "no From" : $"From = '{layer.From}'";
        layer.From = name;
        return $"{layer.Kind} {layer.FinalName}: {from} → From = '{name}'";
    }

    /// <summary>Layers that read names first: a site on a branch or a merge is picked half the time when there is one.</summary>
    private static (GraphScope Scope, int Index)? PickSite(Random rng, FuzzProgram program, Func<GraphScope, int, bool> fits)
    {
        var sites = Scopes(program).SelectMany(s => Enumerable.Range(0, s.Layers.Count).Where(i => CanRead(s.Layers[i]) && fits(s, i)).Select(i => (Scope: s, Index: i))).ToList();
        if (sites.Count == 0)
        {
            return null;
        }
        var graph = sites.Where(p => p.Scope.Layers[p.Index].References.Any()).ToList();
        return graph.Count > 0 && rng.Next(2) == 0 ? Pick(rng, graph) : Pick(rng, sites);
    }

    /// <summary>A fresh valid program (graphs and all) edited by <paramref name="edit"/>, which returns null where the program has no site for it.</summary>
    private static FuzzMutant GraphMutant(Random rng, FuzzGeneratorOptions? options, Func<ValidNetworkGenerator, FuzzProgram, (string Detail, FuzzExpected? Expected)?> edit)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var generator = new ValidNetworkGenerator(rng, options);
            var program = generator.Generate();
            if (edit(generator, program) is not { } result)
            {
                continue;
            }
            var uses = program.Networks.Any(n => n.MembersUseGenerated);
            var mutant = result.Expected is { IsAccepted: true }
                ? FromProgram(result.Detail, generator)
                : new FuzzMutant(result.Detail, FuzzRenderer.Render(program), Array.Empty<FuzzExpectation>()) { UsesGeneratedMembers = uses };
            return result.Expected is { IsAccepted: false } ? mutant with { Expected = result.Expected } : mutant;
        }
        throw new InvalidOperationException("no site for the graph mutation in 40 programs");
    }

    /// <summary>A name that is nowhere in <paramref name="names"/>: mostly a misspelling of one of them (or of "input").</summary>
    private static string Misspelt(Random rng, HashSet<string> names)
    {
        var pool = names.Append("input").ToList();
        for (var i = 0; i < 12; i++)
        {
            var name = Pick(rng, pool);
            var at = rng.Next(name.Length);
            var candidate = rng.Next(5) switch
            {
                0 => name.Remove(at, 1),
                1 => name.Insert(at, name[at].ToString()),
                2 => at + 1 < name.Length ? name.Substring(0, at) + name[at + 1] + name[at] + name.Substring(at + 2) : name + "s",
                3 => char.IsLower(name[0]) ? char.ToUpperInvariant(name[0]) + name.Substring(1) : char.ToLowerInvariant(name[0]) + name.Substring(1),
                _ => name + "_2",
            };
            if (candidate.Length > 0 && candidate != "input" && !names.Contains(candidate))
            {
                return candidate;
            }
        }
        return UnknownWords.Concat(Enumerable.Range(2, 20).Select(k => "missing" + I(k))).First(w => !names.Contains(w));
    }

    /// <summary>A layer reads a name that no layer of its scope has: ND0021, and nothing else.</summary>
    private static FuzzMutant GraphUnknownName(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        if (PickSite(rng, program, (_, _) => true) is not var (scope, index))
        {
            return null;
        }
        var name = Misspelt(rng, scope.Names);
        var detail = scope.Owner + " " + Plant(rng, scope.Layers[index], name);
        return (detail, new FuzzExpected("ND0021", true, new[] { $"'{name}'" }) { MentionsShown = "the name" });
    });

    /// <summary>A layer reads the name of a layer written below it (and not above): ND0023, and nothing else.</summary>
    private static FuzzMutant GraphReadBelow(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        static List<string> Below(GraphScope s, int i)
        {
            var above = new HashSet<string>(s.Layers.Take(i + 1).Select(l => l.FinalName), StringComparer.Ordinal) { "input" };
            return s.Layers.Skip(i + 1).Select(l => l.FinalName).Where(n => !above.Contains(n)).Distinct().ToList();
        }
        if (PickSite(rng, program, (s, i) => Below(s, i).Count > 0) is not var (scope, index))
        {
            return null;
        }
        var name = Pick(rng, Below(scope, index));
        var detail = scope.Owner + " " + Plant(rng, scope.Layers[index], name);
        return (detail, new FuzzExpected("ND0023", true, new[] { $"'{name}' is written below" }) { MentionsShown = "'<name>' is written below" });
    });

    /// <summary>A layer reads its own name (no layer above has it): ND0023, and nothing else.</summary>
    private static FuzzMutant GraphReadItself(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        static bool Fits(GraphScope s, int i) => s.Layers[i].FinalName != "input" && !s.Layers.Take(i).Any(l => l.FinalName == s.Layers[i].FinalName);
        if (PickSite(rng, program, Fits) is not var (scope, index))
        {
            return null;
        }
        var name = scope.Layers[index].FinalName;
        var detail = scope.Owner + " " + Plant(rng, scope.Layers[index], name);
        return (detail, new FuzzExpected("ND0023", true, new[] { $"'{name}' is this layer itself" }) { MentionsShown = "'<name>' is this layer itself" });
    });

    /// <summary>
    /// A network's scope state before layer <paramref name="index"/>, with every name from there on written out, so
    /// that layers inserted there rename nothing (named layers count towards the default names of their kind).
    /// </summary>
    private static FuzzScope Before(FuzzNetwork network, int index)
    {
        var scope = new FuzzScope(network.Input!.Value);
        var sim = new FuzzSimulation(torchDefaults: false, defaults: null, limits: false);
        if (!FuzzSimulator.Continue(sim, network.Layers.Take(index).ToList(), null, scope, string.Empty))
        {
            throw new InvalidOperationException("the fuzzer built an invalid network: " + sim.Failure);
        }
        foreach (var layer in network.Layers.Skip(index))
        {
            layer.ExplicitName ??= layer.FinalName;
        }
        return scope;
    }

    private static string Inserted(Random rng, HashSet<string> names)
    {
        var free = InsertedNames.Where(n => !names.Contains(n)).ToList();
        var name = free.Count > 0 ? Pick(rng, free) : "inserted_" + I(names.Count);
        names.Add(name);
        return name;
    }

    /// <summary>
    /// A branch of other channels (or features) than the output it starts from, merged with it element-wise:
    /// ND0022, and nothing else (a network without variants, so that no other input makes the sizes meet).
    /// </summary>
    private static FuzzMutant GraphMergeMismatch(Random rng) => GraphMutant(rng, new FuzzGeneratorOptions { AllowVariants = false }, (_, program) =>
    {
        var network = Pick(rng, program.Networks);
        var index = rng.Next(network.Layers.Count + 1);
        var scope = Before(network, index);
        var shape = scope.CurrentShape;
        var readable = ValidNetworkGenerator.Readable(scope, scope.Current);
        if (shape.Channels < 2 || readable.Count == 0)
        {
            return null;
        }
        var from = Pick(rng, readable);
        // Neither size may be 1: a size 1 would broadcast.
        var other = Pick(rng, Enumerable.Range(2, 15).Select(n => (long)n).Where(n => n != shape.Channels).ToList());
        var names = new HashSet<string>(network.Layers.Select(l => l.FinalName), StringComparer.Ordinal) { "input" };
        var branch = shape.IsImage
            ? new FuzzLayer(FuzzKind.Conv2D) { Filters = FuzzArg.Of(other), Kernel = 1, Strides = FuzzArg.Of(1), StridesOmitted = true }
            : shape.IsSequence
                ? new FuzzLayer(FuzzKind.Conv1D) { Filters = FuzzArg.Of(other), Kernel = 1, Strides = FuzzArg.Of(1), StridesOmitted = true }
                : new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(other) };
        branch.From = from;
        branch.ExplicitName = Inserted(rng, names);
        var kind = Pick(rng, new[] { FuzzKind.Add, FuzzKind.Subtract, FuzzKind.Multiply, FuzzKind.Average, FuzzKind.Maximum, FuzzKind.Minimum });
        var merge = new FuzzLayer(kind) { ExplicitName = Inserted(rng, names) };
        merge.Inputs.AddRange(rng.Next(2) == 0 ? new[] { from, branch.ExplicitName } : new[] { branch.ExplicitName, from });
        network.Layers.InsertRange(index, new[] { branch, merge });
        FuzzLayer.AssignNames(network.Layers);
        var unit = shape.IsFlat ? "features" : "channels";
        return ($"{network.ClassName}: {kind}({string.Join(", ", merge.Inputs)}) of {shape} and {other} {unit}",
            new FuzzExpected("ND0022", true, new[] { kind + " needs", "(" + unit + ") differs" }) { MentionsShown = "<kind> needs, (" + unit + ") differs" });
    });

    /// <summary>
    /// A merge of one input (one name, or none on a merge other than Add), or a Subtract of three: ND0002, and
    /// nothing else. In a network, where every merge is reached.
    /// </summary>
    private static FuzzMutant GraphMergeOneInput(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        var network = Pick(rng, program.Networks.Where(n => !n.IsVariant).ToList());
        var existing = network.Layers.Where(l => l.IsMerge).ToList();
        if (existing.Count > 0 && rng.Next(2) == 0)
        {
            var merge = Pick(rng, existing);
            var kept = Pick(rng, merge.Inputs);
            merge.Inputs.Clear();
            merge.Inputs.Add(kept);
            var exactly = merge.Kind == FuzzKind.Subtract ? "exactly two" : "two or more";
            return ($"{network.ClassName}.{merge.FinalName}: {merge.Kind}(\"{kept}\") left of its inputs", new FuzzExpected("ND0030", true, new[] { $"takes {exactly} inputs, got 1" }));
        }
        var index = rng.Next(network.Layers.Count + 1);
        var scope = Before(network, index);
        var readable = ValidNetworkGenerator.Readable(scope, scope.Current);
        if (readable.Count == 0)
        {
            return null;
        }
        var from = Pick(rng, readable);
        var variant = rng.Next(3);
        var kind = variant == 2 ? FuzzKind.Subtract
            : Pick(rng, variant == 0 ? new[] { FuzzKind.Add, FuzzKind.Subtract, FuzzKind.Multiply, FuzzKind.Average, FuzzKind.Maximum, FuzzKind.Minimum, FuzzKind.Concatenate }
                : new[] { FuzzKind.Subtract, FuzzKind.Multiply, FuzzKind.Average, FuzzKind.Maximum, FuzzKind.Minimum, FuzzKind.Concatenate });
        var layer = new FuzzLayer(kind) { ExplicitName = Inserted(rng, new HashSet<string>(network.Layers.Select(l => l.FinalName), StringComparer.Ordinal) { "input" }) };
        string mention;
        switch (variant)
        {
            case 0:
                layer.Inputs.Add(from);
                mention = $"takes {(kind == FuzzKind.Subtract ? "exactly two" : "two or more")} inputs, got 1";
                break;
            case 1:
                // No names: the merge reads the previous output only (only Add adds the scope's input).
                mention = $"takes {(kind == FuzzKind.Subtract ? "exactly two" : "two or more")} inputs, got 1";
                break;
            default:
                layer.Inputs.AddRange(new[] { from, from, from });
                mention = "takes exactly two inputs, got 3";
                break;
        }
        network.Layers.Insert(index, layer);
        FuzzLayer.AssignNames(network.Layers);
        return ($"{network.ClassName}: inserted [{kind}({string.Join(", ", layer.Inputs)})] at {index}", new FuzzExpected("ND0030", true, new[] { mention }));
    });

    /// <summary>From on a merge (named, or the residual [Add]), in any scope: ND0002, and nothing else.</summary>
    private static FuzzMutant GraphFromOnMerge(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        var sites = Scopes(program).SelectMany(s => s.Layers.Where(l => l.IsMerge || l.Kind == FuzzKind.Add).Select(l => (Scope: s, Layer: l))).ToList();
        if (sites.Count == 0)
        {
            return null;
        }
        var (scope, layer) = Pick(rng, sites);
        var from = layer.Inputs.Count > 0 && rng.Next(2) == 0 ? Pick(rng, layer.Inputs) : "input";
        layer.From = from;
        return ($"{scope.Owner}.{layer.FinalName}: {layer.Kind}({string.Join(", ", layer.Inputs)}) with From = \"{from}\"",
            new FuzzExpected("ND0028", true, new[] { "From does not apply" }));
    });

    /// <summary>
    /// A layer that others read by name renamed, and every name that reads it with it (also in the user's members):
    /// accepted, with the new module name.
    /// </summary>
    private static FuzzMutant GraphRenameBranch(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        var sites = Scopes(program).SelectMany(s => s.Layers.SelectMany(l => l.References).Where(n => n != "input" && s.Names.Contains(n)).Distinct().Select(n => (Scope: s, Name: n))).ToList();
        if (sites.Count == 0)
        {
            return null;
        }
        var (scope, old) = Pick(rng, sites);
        var names = scope.Names;
        var free = RenamedNames.Where(n => !names.Contains(n)).ToList();
        if (free.Count == 0)
        {
            return null;
        }
        var name = Pick(rng, free);
        // Alternatives share a name: all of them are renamed.
        foreach (var layer in scope.Layers)
        {
            if (layer.FinalName == old)
            {
                layer.ExplicitName = name;
            }
            if (layer.From == old)
            {
                layer.From = name;
            }
            for (var i = 0; i < layer.Inputs.Count; i++)
            {
                if (layer.Inputs[i] == old)
                {
                    layer.Inputs[i] = name;
                }
            }
        }
        FuzzLayer.AssignNames(scope.Layers);
        if (scope.Network is { } network)
        {
            for (var i = 0; i < network.Members.Count; i++)
            {
                network.Members[i] = network.Members[i].Replace("this." + old + ".", "this." + name + ".", StringComparison.Ordinal);
            }
        }
        return ($"{scope.Owner}: {old} → {name}", Accepted);
    });

    // ---- the later vocabulary ------------------------------------------------------------------------------------

    /// <summary>
    /// One shape-keeping layer with a planted fault inserted into a network (every name from there on written out
    /// first, so nothing is renamed): <paramref name="make"/> gives it for the shape where it goes, or null where it
    /// does not apply; the expected ID only, with the message naming the fault.
    /// </summary>
    private static FuzzMutant InsertedFault(Random rng, string id, Func<FuzzShape, (FuzzLayer Layer, string Mention)?> make) =>
        // Without variants: a variant's own [Input] could give the inserted layer an input it does not take (another error).
        GraphMutant(rng, new FuzzGeneratorOptions { AllowVariants = false }, (_, program) =>
    {
        var network = Pick(rng, program.Networks.Where(n => !n.IsVariant).ToList());
        foreach (var index in Enumerable.Range(0, network.Layers.Count + 1).OrderBy(_ => rng.Next()))
        {
            var scope = new FuzzScope(network.Input!.Value);
            var sim = new FuzzSimulation(torchDefaults: false, defaults: null, limits: false);
            if (!FuzzSimulator.Continue(sim, network.Layers.Take(index).ToList(), null, scope, string.Empty) || make(scope.CurrentShape) is not { } fault)
            {
                continue;
            }
            Before(network, index);
            fault.Layer.ExplicitName = Inserted(rng, new HashSet<string>(network.Layers.Select(l => l.FinalName), StringComparer.Ordinal) { "input" });
            network.Layers.Insert(index, fault.Layer);
            FuzzLayer.AssignNames(network.Layers);
            return ($"{network.ClassName}: inserted [{FuzzRenderer.Layer(fault.Layer, string.Empty)}] at {index} on {scope.CurrentShape}",
                new FuzzExpected(RuleOf(id, fault.Mention), true, new[] { fault.Mention }) { MentionsShown = "the fault" });
        }
        return null;
    });

    /// <summary>
    /// The rule of an inserted fault whose mutation plants several kinds: arguments that exclude each other are ND0028,
    /// one that does not fit the input ND0029, a value out of range stays <paramref name="id"/>.
    /// </summary>
    private static string RuleOf(string id, string mention) =>
        mention.StartsWith("Pad and Padding", StringComparison.Ordinal) || mention.StartsWith("CeilMode and", StringComparison.Ordinal)
            || mention.StartsWith("AlignCorners", StringComparison.Ordinal) ? "ND0028"
        : mention.Contains("is not an axis of a sample", StringComparison.Ordinal) || mention.Contains("is not an order of the", StringComparison.Ordinal)
            || mention.Contains("equal chunks", StringComparison.Ordinal) ? "ND0029"
        : id;

    /// <summary>A Dense whose InFeatures differs from its input's width (and units keep the width): ND0020 only.</summary>
    private static FuzzMutant DenseInFeaturesMismatch(Random rng) => InsertedFault(rng, "ND0020", shape =>
    {
        if (!shape.IsFlat)
        {
            return null;
        }
        var declared = (int)shape.Channels + rng.Next(1, 5) * (rng.Next(2) == 0 ? 1 : -1);
        if (declared < 1)
        {
            declared = (int)shape.Channels + 1;
        }
        return (new FuzzLayer(FuzzKind.Dense) { Units = FuzzArg.Of(shape.Channels), InFeatures = declared }, $"InFeatures = {I(declared)} declares the input [N, {I(declared)}]");
    });

    /// <summary>
    /// A block used in a network gets an [Input] contract that its use there does not meet (channels beyond any
    /// the fuzzer makes): ND0020 only, on every use.
    /// </summary>
    private static FuzzMutant BlockInputContractMismatch(Random rng) => GraphMutant(rng, null, (_, program) =>
    {
        var uses = program.Networks.Where(n => !n.IsVariant).SelectMany(n => n.Layers.Select((l, i) => (Network: n, Layer: l, Index: i)))
            .Where(u => u.Layer.Kind == FuzzKind.Block && u.Layer.When is null).ToList();
        if (uses.Count == 0)
        {
            return null;
        }
        var (network, layer, index) = Pick(rng, uses);
        var scope = new FuzzScope(network.Input!.Value);
        var sim = new FuzzSimulation(torchDefaults: false, defaults: null, limits: false);
        if (!FuzzSimulator.Continue(sim, network.Layers.Take(index).ToList(), null, scope, string.Empty))
        {
            return null;
        }
        var shape = scope.CurrentShape;
        var contract = shape.Axes.Select((d, i) => i == 0 ? 1000 + rng.Next(100) : rng.Next(2) == 0 ? 0 : d).ToArray();
        layer.Block!.InputContract = contract;
        return ($"{network.ClassName}.{layer.FinalName}: {layer.Block.Name} declares [Input({string.Join(", ", contract)})], used on {shape}",
            new FuzzExpected("ND0020", true, new[] { $"{layer.Block.Name} declares the input" }) { MentionsShown = "<block> declares the input" });
    });

    /// <summary>Groups that do not divide the channels: Conv2D, Conv1D, GroupNormalization, ChannelShuffle; ND0002 only.</summary>
    private static FuzzMutant GroupsNotDividing(Random rng) => InsertedFault(rng, "ND0029", shape =>
    {
        if (shape.IsFlat || shape.Channels < 2 && rng.Next(2) == 0)
        {
            return null;
        }
        var groups = Pick(rng, Enumerable.Range(2, (int)shape.Channels).Where(g => shape.Channels % g != 0).ToList());
        var kinds = shape.IsImage ? new[] { FuzzKind.Conv2D, FuzzKind.GroupNormalization, FuzzKind.ChannelShuffle } : new[] { FuzzKind.Conv1D, FuzzKind.GroupNormalization };
        var kind = Pick(rng, kinds);
        var layer = new FuzzLayer(kind) { Groups = groups };
        if (kind is FuzzKind.Conv2D or FuzzKind.Conv1D)
        {
            // A 1×1 convolution to the same channels: the shape is kept, whatever inference does after the error.
            layer.Filters = FuzzArg.Of(shape.Channels);
            layer.Kernel = 1;
            layer.Strides = FuzzArg.Of(1);
            layer.StridesOmitted = true;
        }
        return (layer, $"groups = {I(groups)} must divide");
    });

    /// <summary>One of the later arguments out of range, on a shape-keeping layer: ND0002 only, naming it.</summary>
    private static FuzzMutant NewArgumentInvalid(Random rng) => InsertedFault(rng, "ND0002", shape =>
    {
        var choices = new List<(FuzzLayer, string)>
        {
            (new FuzzLayer(FuzzKind.Softmax) { Axis = rng.Next(2) == 0 ? 0 : shape.Rank + 1 }, "is not an axis of a sample"),
            (new FuzzLayer(FuzzKind.Permute) { Dimensions = Enumerable.Repeat(1, shape.Rank + (shape.Rank == 1 ? 1 : 0)).ToArray() }, "is not an order of the"),
            (new FuzzLayer(FuzzKind.LeakyReLU) { Alpha = FuzzNumber.Of("-0.5", -0.5) }, "alpha must be ≥ 0"),
            (new FuzzLayer(FuzzKind.ELU) { Alpha = FuzzNumber.Of("0", 0) }, "alpha must be > 0"),
            (new FuzzLayer(FuzzKind.LayerNormalization) { Epsilon = FuzzNumber.Of("0", 0) }, "epsilon must be > 0"),
        };
        if (shape.IsImage)
        {
            choices.Add((new FuzzLayer(FuzzKind.Conv2DTranspose) { Filters = FuzzArg.Of(shape.Channels), Kernel = 1, Strides = FuzzArg.Of(1), StridesOmitted = true, OutputPadding = 1 },
                "must be smaller than strides"));
            choices.Add((new FuzzLayer(FuzzKind.UpSampling2D) { Sizes = new[] { 1 }, AlignCorners = true, Bilinear = rng.Next(2) == 0 ? false : null },
                "AlignCorners applies to Interpolation.Bilinear only"));
            choices.Add((new FuzzLayer(FuzzKind.MaxPooling2D) { PoolSize = 1, PoolStrides = 1, PaddingStyle = 2, CeilMode = true }, "CeilMode and Padding.Same"));
            choices.Add((new FuzzLayer(FuzzKind.Conv2D) { Filters = FuzzArg.Of(shape.Channels), Kernel = 1, Strides = FuzzArg.Of(1), StridesOmitted = true, PaddingStyle = rng.Next(2) == 0 ? 2 : 3, Pad = 0 },
                "Pad and Padding both set the padding"));
        }
        return Pick(rng, choices);
    });

    /// <summary>
    /// A Chunk whose chunks do not divide the channels (features), whose index is not one of its parts, or whose
    /// chunks are below 1, on any input: ND0002 only, naming the fault.
    /// </summary>
    private static FuzzMutant ChunkInvalid(Random rng) => InsertedFault(rng, "ND0002", shape =>
    {
        var channels = (int)Math.Min(shape.Channels, 64);
        var divisors = Enumerable.Range(1, channels).Where(d => shape.Channels % d == 0).ToList();
        switch (rng.Next(3))
        {
            case 0:
                var chunks = Pick(rng, Enumerable.Range(2, channels).Where(d => shape.Channels % d != 0).ToList());
                var axis = shape.IsFlat ? "features" : "channels";
                return (new FuzzLayer(FuzzKind.Chunk) { Chunks = FuzzArg.Of(chunks), ChunkIndex = FuzzArg.Of(rng.Next(chunks)) },
                    $"the {I(shape.Channels)} {axis} of {shape} do not split into {I(chunks)} equal chunks");
            case 1:
                var parts = Pick(rng, divisors);
                return (new FuzzLayer(FuzzKind.Chunk) { Chunks = FuzzArg.Of(parts), ChunkIndex = FuzzArg.Of(rng.Next(2) == 0 ? parts + rng.Next(2) : -1 - rng.Next(2)) },
                    $"index must be ≥ 0 and below chunks ({I(parts)})");
            default:
                var below = -rng.Next(2);
                return (new FuzzLayer(FuzzKind.Chunk) { Chunks = FuzzArg.Of(below), ChunkIndex = FuzzArg.Of(0) }, $"chunks must be ≥ 1, got {I(below)}");
        }
    });

    /// <summary>
    /// A [Custom] layer whose type cannot be a layer: not a TorchSharp module, abstract, generic, without a public
    /// constructor taking the Shape or nothing: ND0024 only.
    /// </summary>
    private static FuzzMutant CustomTypeUnusable(Random rng)
    {
        const string module = "global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>";
        const string forward = "public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor x) => x;";
        var variant = rng.Next(5);
        var (type, declaration) = variant switch
        {
            0 => ("string", string.Empty),
            1 => ("Plain", "public sealed class Plain { }"),
            2 => ("Partial", $"public abstract class Partial : {module}\n{{\n    protected Partial() : base(\"Partial\") {{ }}\n}}"),
            3 => ("Generic<int>", $"public sealed class Generic<T> : {module}\n{{\n    public Generic() : base(\"Generic\") {{ }}\n\n    {forward}\n}}"),
            _ => ("Sized", $"public sealed class Sized : {module}\n{{\n    public Sized(int width) : base(\"Sized\") {{ }}\n\n    {forward}\n}}"),
        };
        var features = rng.Next(2, 9);
        var network = $"[Network, Input({I(features)})]\n[Dense(4)]\n[Custom(typeof({type}), 4, Name = \"mine\")]\n[Dense(2)]\npublic partial class Net\n{{\n}}";
        return FuzzMutant.Single($"Custom(typeof({type}))", Header + (declaration.Length == 0 ? string.Empty : declaration + "\n\n") + network);
    }

    // ---- the enum, object-property and several-input faults ----------------------------------------------------

    /// <summary>A block over an [Activation] and an int, Padding or user-enum parameter, used once with valid arguments.</summary>
    private static string EnumBlockSource(Random rng, string body, string parameters, string arguments, bool objectCtor = false)
    {
        var features = rng.Next(2, 9);
        var objects = objectCtor ? "\n    public Unit(" + string.Join(", ", parameters.Split(", ").Select(p => "object " + p.Split(' ')[1])) + ") { }" : string.Empty;
        return Header + "public enum Stage { Thin, Wide }\n\n" + body + "\npublic sealed class UnitAttribute : BlockAttribute\n{\n    public UnitAttribute(" + parameters + ") { }" +
            objects.Replace("Unit(", "UnitAttribute(", StringComparison.Ordinal) + "\n}\n\n" +
            $"[Network, Input({I(features)})]\n[Dense(8)]\n[Unit({arguments}, Name = \"u\")]\n[Dense(2)]\npublic partial class Net\n{{\n}}";
    }

    /// <summary>
    /// An enum typing fault in a block: an int where an Activation or a Padding belongs, another enum, arithmetic on an
    /// enum, comparing enums of two types, a misspelt member, another enum's value given to an object constructor:
    /// ND0009 only.
    /// </summary>
    private static FuzzMutant EnumTypeError(Random rng)
    {
        var variant = rng.Next(8);
        var (detail, source) = variant switch
        {
            0 => ("[Activation(\"units\")] with int units", EnumBlockSource(rng, "[Dense(\"units\")]\n[Activation(\"units\")]", "int units", "4")),
            1 => ("Activation = \"units\" with int units", EnumBlockSource(rng, "[Dense(\"units\", Activation = \"units\")]", "int units", "4")),
            2 => ("[Activation(\"mode\")] with Padding mode", EnumBlockSource(rng, "[Dense(4)]\n[Activation(\"mode\")]", "Padding mode", "Padding.Same")),
            3 => ("When = \"act + 1 > 0\"", EnumBlockSource(rng, "[Dense(4)]\n[ReLU(When = \"act + 1 > 0\")]", "Activation act", "Activation.ReLU")),
            4 => ("Activation.Relu misspelt", EnumBlockSource(rng, "[Dense(4)]\n[ReLU(When = \"act == Activation.Relu\")]", "Activation act", "Activation.ReLU")),
            5 => ("an Activation compared with a Stage", EnumBlockSource(rng, "[Dense(4)]\n[Tanh(When = \"act == Stage.Wide\")]", "Activation act, Stage stage", "Activation.Tanh, Stage.Wide")),
            6 => ("Padding given to an Activation parameter (object constructor)",
                EnumBlockSource(rng, "[Dense(4)]\n[Activation(\"act\")]", "Activation act, int units", "Padding.Same, 4", objectCtor: true)),
            _ => ("Padding = \"act\" with Activation act", Header + "[Conv2D(4, 3, Padding = \"act\")]\npublic sealed class UnitAttribute : BlockAttribute\n{\n    public UnitAttribute(Activation act) { }\n}\n\n" +
                "[Network, Input(3, 8, 8)]\n[Unit(Activation.ReLU, Name = \"u\")]\n[Flatten, Dense(2)]\npublic partial class Net\n{\n}"),
        };
        return FuzzMutant.Single(detail, source);
    }

    /// <summary>A constant of the wrong type in one of the object-typed size and option properties: ND0002 only.</summary>
    private static FuzzMutant ObjectPropertyWrongConstant(Random rng)
    {
        var choices = new (string Layer, string Shape)[]
        {
            ("Conv2D(4, 3, Padding = 1)", "3, 8, 8"),
            ("Conv2D(4, 3, UseBias = 0)", "3, 8, 8"),
            ("Conv2D(4, 3, Pad = true)", "3, 8, 8"),
            ("Conv2D(4, 3, Dilation = 1.5)", "3, 8, 8"),
            ("Conv2D(4, 3, Groups = false)", "4, 8, 8"),
            ("Conv2D(4, 3, Activation = Padding.Same)", "3, 8, 8"),
            ("Conv2D(4, 3, Padding = Activation.ReLU)", "3, 8, 8"),
            ("MaxPooling2D(2, CeilMode = 1)", "3, 8, 8"),
            ("AveragePooling2D(2, CountIncludePad = 0)", "3, 8, 8"),
            ("Dense(4, UseBias = 1.0)", "6"),
            ("BatchNorm(Epsilon = true)", "6"),
        };
        var (layer, shape) = choices[rng.Next(choices.Length)];
        var flat = !shape.Contains(',', StringComparison.Ordinal);
        var source = Header + $"[Network, Input({shape})]\n[{layer}]\n" + (flat ? "[Dense(2)]" : "[Flatten, Dense(2)]") + "\npublic partial class Net\n{\n}";
        return FuzzMutant.Single(layer, source);
    }

    /// <summary>
    /// A block of two inputs used with one name, none or three, with Repeat, or two names on a layer of one input:
    /// ND0002 only.
    /// </summary>
    private static FuzzMutant BlockInputsCount(Random rng)
    {
        var block = "[BlockInputs(\"x\", \"skip\")]\n[Conv2DTranspose(\"filters\", 2, 2, Name = \"up\")]\n[Concatenate(\"up\", \"skip\", Name = \"cat\")]\n" +
            "[Conv2D(\"filters\", 3, Pad = 1, Name = \"conv\")]\npublic sealed class UpAttribute : BlockAttribute\n{\n    public UpAttribute(int filters) { }\n}\n\n";
        var variant = rng.Next(5);
        var use = variant switch
        {
            0 => "[Up(4, Name = \"dec\")]",
            1 => "[Up(4, From = \"bottom\", Name = \"dec\")]",
            2 => "[Up(4, From = \"bottom, enc, enc\", Name = \"dec\")]",
            3 => "[Up(4, From = \"bottom, enc\", Repeat = \"2\", Name = \"dec\")]",
            _ => "[Conv2D(4, 1, From = \"bottom, enc\", Name = \"dec\")]",
        };
        var network = "[Network, Input(1, 16, 16)]\n[Conv2D(8, 3, Pad = 1, Name = \"enc\")]\n[MaxPooling2D(2), Conv2D(16, 3, Pad = 1, Name = \"bottom\")]\n" + use +
            "\n[Conv2D(2, 1, Name = \"head\")]\npublic partial class Net\n{\n}";
        // Repeat chains copies of a block of one input: on a block of two it is ND0033, the other uses name too few or too many.
        return FuzzMutant.Single(use, Header + block + network) with { Expected = FuzzExpected.RefusedOnly(variant == 3 ? "ND0033" : "ND0030") };
    }

    /// <summary>A bias λ on a layer whose UseBias expression one use of the block makes false: ND0006 only.</summary>
    private static FuzzMutant UseBiasFalseWithBiasLambda(Random rng)
    {
        var layer = rng.Next(3) switch
        {
            0 => "[Dense(4, UseBias = \"bias\", BiasL2 = 0.01)]",
            1 => "[Dense(4, UseBias = \"!bias\", BiasL1 = 0.001)]",
            _ => "[Dense(4, UseBias = \"bias && wide\", BiasL2 = 0.5)]",
        };
        var wide = rng.Next(2) == 0 ? "true" : "false";
        var (first, second) = layer.Contains("!bias", StringComparison.Ordinal) ? ("true", "false") : ("false", "true");
        var uses = rng.Next(2) == 0 ? $"[B({first}, true)]" : $"[B({second}, true), B({first}, true)]";
        if (layer.Contains("&&", StringComparison.Ordinal))
        {
            uses = wide == "false" ? "[B(true, false)]" : "[B(false, true)]";
        }
        var source = Header + layer + "\npublic sealed class BAttribute : BlockAttribute\n{\n    public BAttribute(bool bias, bool wide) { }\n}\n\n" +
            $"[Network, Input({I(rng.Next(2, 9))})]\n[Dense(8)]\n{uses}\n[Dense(2)]\npublic partial class Net\n{{\n}}";
        return FuzzMutant.Single(layer + " " + uses, source);
    }
}
