using System.Linq;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Every NetDsl diagnostic: ID, severity, message and the exact source text it points at.</summary>
public sealed class DiagnosticsTests
{
    private const string Usings = "using NetDsl;\nnamespace Test;\n";

    private static Diagnostic Single(string source)
    {
        var diagnostics = TestCompilation.Analyze(Usings + source);
        diagnostics.Should().ContainSingle();
        return diagnostics[0];
    }

    private static string Text(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);

    private static void Expect(string source, string id, DiagnosticSeverity severity, string message, string pointsAt)
    {
        var diagnostic = Single(source);
        diagnostic.Id.Should().Be(id);
        diagnostic.Severity.Should().Be(severity);
        diagnostic.GetMessage().Should().Be(message);
        Text(diagnostic).Should().Be(pointsAt);
    }

    [Fact]
    public void Missing_input_is_ND0001_on_the_network_attribute() => Expect(
        "[Network] [Dense(10)] public partial class Net { }",
        "ND0001", DiagnosticSeverity.Error,
        "Network 'Net' has no [Input(...)]: add its input shape, e.g. [Input(3, 224, 224)] or [Input(784)]",
        "Network");

    [Fact]
    public void Zero_filters_is_ND0002_on_the_argument() => Expect(
        "[Network, Input(3, 8, 8)] [Conv2D(0, 3)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "conv2d_1: filters must be ≥ 1, got 0", "0");

    [Fact]
    public void Zero_stride_is_ND0002() => Expect(
        "[Network, Input(3, 8, 8)] [Conv2D(4, 3, 0)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "conv2d_1: strides must be ≥ 1, got 0", "0");

    [Fact]
    public void Dropout_rate_of_one_is_ND0002() => Expect(
        "[Network, Input(10)] [Dropout(1.0)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "dropout_1: dropout rate must be in [0, 1), got 1", "1.0");

    [Fact]
    public void Negative_lambda_is_ND0002() => Expect(
        "[Network, Input(10)] [Dense(4, KernelL2 = -0.1)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "dense_1: regularizer λ must be ≥ 0, got -0.1", "-0.1");

    [Fact]
    public void Residual_channel_mismatch_is_ND0003_on_the_block_usage() => Expect(
        """
        [Conv2D("filters", 1, Name = "conv")] [Add(Name = "shortcut")]
        public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }
        [Network, Input(8, 16, 16)] [Residual(8)] [Residual(12)] public partial class Net { }
        """,
        "ND0003", DiagnosticSeverity.Error,
        "residual_2.shortcut: Add needs equal shapes, but the output is [N, 12, 16, 16] and the shortcut input is [N, 8, 16, 16]; project the shortcut with a 1×1 Conv2D(12, 1, From = \"input\"), or remove the [Add]",
        "Residual(12)");

    [Fact]
    public void Residual_spatial_mismatch_is_ND0003() => Expect(
        """
        [Conv2D(8, 3, "strides", Name = "conv", Padding = Padding.Same)] [Add(Name = "shortcut", When = "shortcut")]
        public sealed class DownAttribute : BlockAttribute { public DownAttribute(int strides, bool shortcut) { } }
        [Network, Input(8, 16, 16)] [Down(1, true)] [Down(2, true)] public partial class Net { }
        """,
        "ND0003", DiagnosticSeverity.Error,
        "down_2.shortcut: Add needs equal shapes, but the output is [N, 8, 8, 8] and the shortcut input is [N, 8, 16, 16]; project the shortcut with a 1×1 Conv2D(8, 1, 2, From = \"input\"), or remove the [Add]",
        "Down(2, true)");

    [Fact]
    public void Pooling_the_image_away_is_ND0004() => Expect(
        "[Network, Input(3, 8, 8)] [MaxPooling2D(4)] [MaxPooling2D(4, Name = \"pool\")] public partial class Net { }",
        "ND0004", DiagnosticSeverity.Error,
        "pool: output would be [N, 3, 0, 0]; the input [N, 3, 2, 2] is too small for this layer; the 4×4 window needs an input of at least 4×4: set Padding = Padding.Same, use a smaller window, or give the network a larger [Input]",
        "MaxPooling2D(4, Name = \"pool\")");

    [Fact]
    public void Kernel_larger_than_input_is_ND0005() => Expect(
        "[Network, Input(1, 4, 4)] [Conv2D(4, 3)] [Conv2D(4, 3)] public partial class Net { }",
        "ND0005", DiagnosticSeverity.Error,
        "conv2d_2: a 3×3 window does not fit the (padded) input [N, 4, 2, 2] (it needs at least 3×3): set Padding = Padding.Same, use a smaller window, or give the network a larger [Input]",
        "Conv2D(4, 3)");

    [Fact]
    public void Bias_regularizer_without_bias_is_ND0006() => Expect(
        "[Network, Input(10)] [Dense(4, UseBias = false, BiasL2 = 0.01)] public partial class Net { }",
        "ND0006", DiagnosticSeverity.Error, "dense_1: BiasL2 is set but the layer has no bias (UseBias = false)", "0.01");

    [Fact]
    public void Dense_on_an_image_is_ND0007() => Expect(
        "[Network, Input(3, 8, 8)] [Conv2D(4, 3)] [Dense(10)] public partial class Net { }",
        "ND0007", DiagnosticSeverity.Error,
        "dense_1: Dense expects a flat input [N, F] but gets [N, 4, 6, 6]; add Flatten or GlobalAveragePooling2D before it",
        "Dense(10)");

    [Fact]
    public void Conv_on_a_flat_input_is_ND0007() => Expect(
        "[Network, Input(10)] [Conv2D(4, 3)] public partial class Net { }",
        "ND0007", DiagnosticSeverity.Error, "conv2d_1: Conv2D expects an image input [N, C, H, W] but gets [N, 10]", "Conv2D(4, 3)");

    [Fact]
    public void Unknown_block_parameter_is_ND0008_at_the_name_inside_the_string() => Expect(
        """
        [Conv2D("inputChanels * 2", 1)]
        public sealed class WideAttribute : BlockAttribute { public WideAttribute(int factor) { } }
        [Network, Input(3, 8, 8)] [Wide(2)] public partial class Net { }
        """,
        "ND0008", DiagnosticSeverity.Error,
        "'inputChanels' is not a parameter of block Wide (parameters: factor, inputChannels, inputHeight, inputWidth); did you mean 'inputChannels'?",
        "inputChanels");

    [Fact]
    public void Expression_syntax_error_is_ND0009_at_the_character() => Expect(
        """
        [Conv2D("factor * ", 1)]
        public sealed class WideAttribute : BlockAttribute { public WideAttribute(int factor) { } }
        [Network, Input(3, 8, 8)] [Wide(2)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'factor * ': unexpected end of expression", " ");

    [Fact]
    public void Bool_where_int_is_needed_is_ND0009() => Expect(
        """
        [Conv2D("flag", 1)]
        public sealed class OddAttribute : BlockAttribute { public OddAttribute(bool flag) { } }
        [Network, Input(3, 8, 8)] [Odd(true)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'flag': filters must be an int, not bool", "flag");

    [Fact]
    public void Recursive_block_is_ND0010() => Expect(
        """
        [B(Name = "inner")] public sealed class AAttribute : BlockAttribute { }
        [A(Name = "inner")] public sealed class BAttribute : BlockAttribute { }
        [Network, Input(10)] [A] public partial class Net { }
        """,
        "ND0010", DiagnosticSeverity.Error, "Block A contains itself: A → B → A", "A");

    [Fact]
    public void Duplicate_name_is_ND0011() => Expect(
        "[Network, Input(10)] [Dense(4, Name = \"fc\")] [Dense(4, Name = \"fc\")] public partial class Net { }",
        "ND0011", DiagnosticSeverity.Error, "Net.fc: the name 'fc' is already used in this scope; module names must be unique",
        "Dense(4, Name = \"fc\")");

    [Fact]
    public void Non_partial_class_is_ND0012()
    {
        var diagnostics = TestCompilation.Analyze(Usings + "[Network, Input(10)] [Dense(4)] public class Net { }");
        var nd = diagnostics.Where(d => d.Id.StartsWith("ND", System.StringComparison.Ordinal)).ToList();
        nd.Should().ContainSingle();
        nd[0].Id.Should().Be("ND0012");
        nd[0].GetMessage().Should().Be("'Net' must be declared 'partial' so the generator can add the module code");
        Text(nd[0]).Should().Be("Net");
    }

    [Fact]
    public void Variant_of_a_non_network_is_ND0013() => Expect(
        "public class Plain { } [Variant(typeof(Plain), BatchNorm = BatchNormPlacement.Removed)] public partial class Net { }",
        "ND0013", DiagnosticSeverity.Error, "Variant 'Net': 'Plain' has neither [Network] nor [Variant]",
        "Variant(typeof(Plain), BatchNorm = BatchNormPlacement.Removed)");

    [Fact]
    public void Invalid_layer_name_is_ND0014() => Expect(
        "[Network, Input(10)] [Dense(4, Name = \"fc.1\")] public partial class Net { }",
        "ND0014", DiagnosticSeverity.Error,
        "'fc.1' is not a valid module name: use letters, digits and '_' and start with a letter or '_'", "Name = \"fc.1\"");

    [Fact]
    public void Infinite_lambda_is_ND0002_on_the_argument() => Expect(
        "[Network, Input(4)] [Dense(2, KernelL2 = double.PositiveInfinity)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "dense_1: KernelL2 must be a finite number, got Infinity", "double.PositiveInfinity");

    [Fact]
    public void Chunks_that_do_not_divide_the_channels_is_ND0029_on_chunks() => Expect(
        "[Network, Input(6, 8, 8)] [Chunk(4, 1)] [Flatten] public partial class Net { }",
        "ND0029", DiagnosticSeverity.Error, "chunk_1: the 6 channels of [N, 6, 8, 8] do not split into 4 equal chunks", "4");

    [Fact]
    public void Chunk_index_outside_the_chunks_is_ND0002_on_index() => Expect(
        "[Network, Input(10)] [Chunk(2, -1)] [Dense(2)] public partial class Net { }",
        "ND0002", DiagnosticSeverity.Error, "chunk_1: index must be ≥ 0 and below chunks (2), got -1", "-1");

    [Fact]
    public void Chunk_index_written_as_an_expression_is_reported_where_the_block_is_used() => Expect(
        """
        [Chunk(2, "part", Name = "half")]
        public sealed class HalfAttribute : BlockAttribute { public HalfAttribute(int part) { } }
        [Network, Input(8, 8, 8)] [Half(1)] [Half(2)] [Flatten] public partial class Net { }
        """,
        "ND0002", DiagnosticSeverity.Error, "half_2.half: index must be ≥ 0 and below chunks (2), got 2", "Half(2)");

    [Fact]
    public void Enum_value_outside_its_type_is_ND0027() => Expect(
        "[Network, Input(1, 8, 8)] [Conv2D(2, 3, Padding = (Padding)7)] [Flatten] public partial class Net { }",
        "ND0027", DiagnosticSeverity.Error, "Conv2D: Padding = 7 is not a Padding value (Valid, Same, Half)", "(Padding)7");

    [Fact]
    public void Double_where_int_is_needed_is_ND0009() => Expect(
        """
        [Dense("size")] public sealed class BAttribute : BlockAttribute { public BAttribute(double size) { } }
        [Network, Input(4)] [B(2.5)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'size': units must be an int, not double", "size");

    [Fact]
    public void Class_shape_the_generator_cannot_extend_is_ND0012() => Expect(
        "[Network, Input(4)] [Dense(2)] public static partial class Net { }",
        "ND0012", DiagnosticSeverity.Error, "'Net' is static: a network is a module that is instantiated, so it cannot be static", "Net");

    [Fact]
    public void Network_and_Variant_on_one_class_is_ND0012() => Expect(
        """
        [Network, Input(4)] [Dense(2)] public partial class A { }
        [Network, Variant(typeof(A)), Input(4)] [Dense(2)] public partial class B { }
        """,
        "ND0012", DiagnosticSeverity.Error, "'B' has both [Network] and [Variant]: a class is either a network or a variant of one", "Network");

    [Fact]
    public void User_member_named_like_a_generated_one_is_ND0015() => Expect(
        "[Network, Input(4)] [Dense(2)] public partial class Net { public static int Summary = 1; }",
        "ND0015", DiagnosticSeverity.Error, "'Net' declares 'Summary', which NetDsl generates (the Keras-like summary): rename or remove it", "Summary");

    [Fact]
    public void Params_block_parameter_is_ND0016() => Expect(
        """
        [Dense(2)] public sealed class BAttribute : BlockAttribute { public BAttribute(params int[] sizes) { } }
        [Network, Input(4)] [B(1, 2)] public partial class Net { }
        """,
        "ND0016", DiagnosticSeverity.Error,
        "Parameter 'sizes' of block B has type int[] (params): block parameters are int, long, bool, double or an enum (or string or object, for an expression over the enclosing block's parameters)",
        "sizes");

    // ---- Blocks with several inputs -----------------------------------------------------------------------------

    private const string UpBlock = """
        [BlockInputs("x", "skip")]
        [UpSampling2D(2, Name = "up"), Concatenate("up", "skip", Name = "cat")]
        public sealed class UpAttribute : BlockAttribute { public UpAttribute(int unused = 0) { } }

        """;

    [Fact]
    public void Block_of_two_inputs_used_without_names_is_ND0030() => Expect(
        UpBlock + "[Network, Input(4, 8, 8)] [MaxPooling2D(2, Name = \"down\")] [Up(Name = \"dec\")] public partial class Net { }",
        "ND0030", DiagnosticSeverity.Error,
        "Net.dec: Up reads 2 inputs (x, skip) but none is named: write From = \"…, …\" with one name for each",
        "Up(Name = \"dec\")");

    [Fact]
    public void Block_of_two_inputs_given_three_names_is_ND0030() => Expect(
        UpBlock + "[Network, Input(4, 8, 8)] [MaxPooling2D(2, Name = \"down\")] [Up(From = \"down, input, down\")] public partial class Net { }",
        "ND0030", DiagnosticSeverity.Error,
        "Net.up_1: Up reads 2 inputs (x, skip) but From names 3: write From = \"…, …\" with one name for each",
        "down");

    [Fact]
    public void Block_input_nothing_reads_is_warning_ND0103_on_the_block() => Expect(
        """
        [BlockInputs("x", "skip")]
        [UpSampling2D(2, Name = "up")]
        public sealed class UpAttribute : BlockAttribute { public UpAttribute(int unused = 0) { } }
        [Network, Input(4, 8, 8)] [MaxPooling2D(2, Name = "down")] [Up(From = "down, input")] public partial class Net { }
        """,
        "ND0103", DiagnosticSeverity.Warning,
        "Up.skip (an input): its output [N, 4, 8, 8] is never read: no later layer takes it as its input (by position, From or a merge); name it where it is needed, or remove it",
        "UpAttribute");

    [Fact]
    public void Two_names_for_a_layer_of_one_input_is_ND0030() => Expect(
        "[Network, Input(4, 8, 8)] [Conv2D(4, 1, Name = \"a\")] [Conv2D(4, 1, From = \"a, input\")] public partial class Net { }",
        "ND0030", DiagnosticSeverity.Error,
        "Net.conv2d_2: From names 2 outputs, but Conv2D reads one (several are for a block with [BlockInputs]; a merge names its inputs in its constructor)",
        "input");

    [Fact]
    public void Unknown_name_in_a_list_is_ND0021_on_that_name() => Single(
        UpBlock + "[Network, Input(4, 8, 8)] [MaxPooling2D(2, Name = \"down\")] [Up(From = \"down, inputt\")] public partial class Net { }")
        .Should().Match<Diagnostic>(d => d.Id == "ND0021" && Text(d) == "inputt" && d.GetMessage().Contains("did you mean 'input'?"));

    [Fact]
    public void Bad_block_input_names_are_ND0031()
    {
        // The block then reads one input, so its layers' names and its uses get their own errors too.
        var diagnostics = TestCompilation.Analyze(Usings +
            "[BlockInputs(\"a\", \"a\")] [Add(\"a\", \"a\")] public sealed class PairAttribute : BlockAttribute { }\n" +
            "[Network, Input(4)] [Dense(4, Name = \"d\")] [Pair(From = \"d, d\")] public partial class Net { }");
        diagnostics.Should().Contain(d => d.Id == "ND0031" && d.GetMessage() == "Pair: 'a' is named twice" && Text(d) == "BlockInputs(\"a\", \"a\")");
    }

    // ---- Enum values and expressions in properties ----------------------------------------------------------

    [Fact]
    public void Int_parameter_given_as_an_activation_is_ND0009() => Expect(
        """
        [Dense(4, Activation = "units")] public sealed class BAttribute : BlockAttribute { public BAttribute(int units) { } }
        [Network, Input(4)] [B(2)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'units': activation must be an Activation, not int", "units");

    [Fact]
    public void Enum_parameter_of_another_enum_is_ND0009() => Expect(
        """
        [Activation("mode")] public sealed class BAttribute : BlockAttribute { public BAttribute(Padding mode) { } }
        [Network, Input(4)] [B(Padding.Same)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'mode': activation must be an Activation, not Padding", "mode");

    [Fact]
    public void Arithmetic_on_an_enum_is_ND0009() => Expect(
        """
        [Dense(4, When = "act + 1 > 0")] public sealed class BAttribute : BlockAttribute { public BAttribute(Activation act) { } }
        [Network, Input(4)] [B(Activation.ReLU)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'act + 1 > 0': expected a number but 'act' is an enum value", "act");

    [Fact]
    public void Misspelt_enum_member_is_ND0009_with_the_nearest_member() => Expect(
        """
        [Activation("on ? Activation.Relu : Activation.None")] public sealed class BAttribute : BlockAttribute { public BAttribute(bool on) { } }
        [Network, Input(4)] [B(true)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error,
        "Expression 'on ? Activation.Relu : Activation.None': 'Activation.Relu' is not a member of Activation: did you mean Activation.ReLU? (None, ReLU, ReLU6, Sigmoid, Tanh, Softmax, LeakyReLU, ELU, GELU, SiLU, HardSigmoid, HardSwish, Mish)",
        "Activation.Relu");

    [Fact]
    public void Wrong_enum_given_through_an_object_constructor_is_ND0009() => Expect(
        """
        [Activation("act")] public sealed class BAttribute : BlockAttribute { public BAttribute(Activation act) { } public BAttribute(object act, int unused) { } }
        [Network, Input(4)] [B(Padding.Same, 0)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error, "Expression 'Padding.Same': parameter 'act' of B is Activation but the value is Padding", "Padding.Same");

    [Fact]
    public void Int_where_an_enum_belongs_is_ND0026() => Expect(
        "[Network, Input(3, 8, 8)] [Conv2D(4, 3, Padding = 1)] public partial class Net { }",
        "ND0026", DiagnosticSeverity.Error, "conv2d_1: padding must be a Padding (Padding.Valid, Padding.Same, Padding.Half), not int (1)", "1");

    [Fact]
    public void Bool_property_given_an_int_is_ND0026() => Expect(
        "[Network, Input(3, 8, 8)] [Conv2D(4, 3, UseBias = 0)] public partial class Net { }",
        "ND0026", DiagnosticSeverity.Error, "conv2d_1: useBias must be a bool, not int", "0");

    [Fact]
    public void Bias_lambda_where_an_expression_turns_the_bias_off_is_ND0006() => Expect(
        """
        [Dense(4, UseBias = "bias", BiasL2 = 0.01)] public sealed class BAttribute : BlockAttribute { public BAttribute(bool bias) { } }
        [Network, Input(4)] [B(false)] public partial class Net { }
        """,
        "ND0006", DiagnosticSeverity.Error, "b_1.dense_1: BiasL2 is set but the layer has no bias (UseBias = false)", "0.01");

    [Fact]
    public void Block_use_without_a_needed_parameter_is_ND0017() => Expect(
        """
        [Dense("a")] public sealed class BAttribute : BlockAttribute { public BAttribute(int a) { } public BAttribute(bool b) { } }
        [Network, Input(4)] [B(true)] public partial class Net { }
        """,
        "ND0017", DiagnosticSeverity.Error,
        "Block B is used through a constructor without 'a', which its body uses in 'a', and 'a' has no default: use a constructor that takes it, or give it a default",
        "B(true)");

    [Fact]
    public void Size_beyond_64_bits_is_ND0018() => Expect(
        "[Network, Input(3, int.MaxValue, int.MaxValue)] [Conv2D(int.MaxValue, 1)] public partial class Net { }",
        "ND0018", DiagnosticSeverity.Error, "conv2d_1: a size or count of this Conv2D layer does not fit in 64 bits", "Conv2D(int.MaxValue, 1)");

    [Fact]
    public void Alternatives_of_different_kinds_are_ND0019() => Expect(
        """
        [Conv2D(4, 3, Name = "a", When = "c")] [MaxPooling2D(Name = "a", When = "!c")]
        public sealed class BAttribute : BlockAttribute { public BAttribute(bool c) { } }
        [Network, Input(3, 8, 8)] [B(true)] [Flatten] [Dense(2)] public partial class Net { }
        """,
        "ND0019", DiagnosticSeverity.Error,
        "B.a: layers that share a name under exclusive conditions must be of the same kind, but this is MaxPooling2D and the other is Conv2D",
        "MaxPooling2D(Name = \"a\", When = \"!c\")");

    [Fact]
    public void Bias_before_batch_norm_is_suggestion_ND0101() => Expect(
        "[Network, Input(10)] [Dense(4), BatchNorm] public partial class Net { }",
        "ND0101", DiagnosticSeverity.Info,
        "dense_1: its bias is followed by BatchNorm, which subtracts the mean and cancels it; set UseBias = false", "Dense(4)");

    [Fact]
    public void Variant_without_change_is_warning_ND0102() => Expect(
        "[Network, Input(10)] [Dense(4)] public partial class Base { } [Variant(typeof(Base))] public partial class Same { }",
        "ND0102", DiagnosticSeverity.Warning,
        "Variant 'Same' changes no input, BatchNorm placement or regularizer: it equals its base network", "Variant(typeof(Base))");

    [Fact]
    public void A_variant_with_its_own_input_is_generated_for_that_input()
    {
        var source = Usings + """
            [Network, Input(3, 32, 32)] [Conv2D(8, 3, 2, Padding = Padding.Same)] [GlobalAveragePooling2D] [Dense(10)] public partial class Base { }
            [Variant(typeof(Base)), Input(3, 64, 48)] public partial class Larger { }
            """;
        TestCompilation.Analyze(source).Should().BeEmpty();
        var (output, _) = TestCompilation.Generate(TestCompilation.Create(source));
        var larger = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Test.Larger.g.cs", System.StringComparison.Ordinal)).ToString();
        larger.Should().Contain("InputShape { get; } = global::NetDsl.Shape.Image(3, 64, 48);").And.Contain("// [N, 8, 32, 24]");
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
    }

    [Fact]
    public void A_variant_input_too_small_for_the_base_layers_is_an_error()
    {
        var diagnostics = TestCompilation.Analyze("""
            [Network, Input(3, 8, 8)] [Conv2D(4, 5)] [Conv2D(4, 3)] [Flatten] [Dense(2)] public partial class Base { }
            [Variant(typeof(Base)), Input(3, 6, 6)] public partial class Small { }
            """.Insert(0, Usings));
        var error = diagnostics.Should().ContainSingle(d => d.Severity == DiagnosticSeverity.Error).Which;
        error.GetMessage().Should().StartWith("Small (variant of Base) conv2d_2: a 3×3 window does not fit the (padded) input [N, 4, 2, 2] (it needs at least 3×3)");
        Text(error).Should().Be("Input(3, 6, 6)", "the variant's input is the cause; the base is fine at its own size");
        error.AdditionalLocations.Should().ContainSingle().Which.SourceTree!.GetText().ToString(error.AdditionalLocations[0].SourceSpan).Should().Be("Conv2D(4, 3)");
    }

    [Fact]
    public void Block_with_missing_argument_is_a_plain_compiler_error_and_no_crash()
    {
        var source = Usings + """
            [Conv2D("filters", 1)] public sealed class PwAttribute : BlockAttribute { public PwAttribute(int filters) { } }
            [Network, Input(3, 8, 8)] [Pw] [Pw(filter: 3)] [Pw("x")] public partial class Net { }
            """;
        var (output, result) = TestCompilation.Generate(TestCompilation.Create(source));
        result.Diagnostics.Should().BeEmpty("the generator reports nothing and never throws");
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToList();
        errors.Should().Contain("CS7036").And.Contain("CS1739").And.Contain("CS1503");
        TestCompilation.AnalyzerDiagnostics(output).Should().BeEmpty("C# already reports the wrong arguments");
    }

    [Fact]
    public void An_error_inside_a_block_used_by_two_networks_is_reported_once()
    {
        var diagnostics = TestCompilation.Analyze(Usings + """
            [Dense("unit")] public sealed class HeadAttribute : BlockAttribute { public HeadAttribute(int units) { } }
            [Network, Input(4)] [Head(2)] public partial class A { }
            [Network, Input(8)] [Head(3)] public partial class B { }
            """);
        diagnostics.Should().ContainSingle().Which.Id.Should().Be("ND0008");
    }

    [Fact]
    public void Valid_models_get_no_diagnostic_at_all()
    {
        var (output, _) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.SampleModels()));
        TestCompilation.AnalyzerDiagnostics(output).Should().BeEmpty();
    }

    [Fact]
    public void Invalid_network_still_compiles_to_a_stub_so_only_the_ND_error_shows()
    {
        var (output, _) = TestCompilation.Generate(TestCompilation.Create(Usings + "[Network, Input(10)] [Conv2D(4, 3)] public partial class Net { }"));
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
        TestCompilation.AnalyzerDiagnostics(output).Select(d => d.Id).Should().Equal("ND0007");
    }

    // ---- graphs: names, merges, contracts --------------------------------------------------------------------

    [Fact]
    public void A_misspelt_input_name_is_ND0021_with_the_nearest_name() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"hidden\")] [Dense(4, From = \"hiden\")] public partial class Net { }",
        "ND0021", DiagnosticSeverity.Error,
        "Net.dense_2: no output named 'hiden' above this layer (the names it can read: hidden, input); did you mean 'hidden'?",
        "hiden");

    [Fact]
    public void A_name_nothing_is_close_to_gets_no_suggestion() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"a\")] [Add(\"a\", \"projection\")] public partial class Net { }",
        "ND0021", DiagnosticSeverity.Error,
        "Net.add_1: no output named 'projection' above this layer (the names it can read: a, input)",
        "projection");

    [Fact]
    public void Reading_a_later_output_is_ND0023() => Expect(
        "[Network, Input(4)] [Dense(4, From = \"later\")] [Dense(4, Name = \"later\")] public partial class Net { }",
        "ND0023", DiagnosticSeverity.Error,
        "Net.dense_1: 'later' is written below this layer: reading it would make a cycle; a layer reads only the outputs written above it",
        "later");

    [Fact]
    public void Reading_its_own_output_is_ND0023() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"a\", From = \"a\")] public partial class Net { }",
        "ND0023", DiagnosticSeverity.Error,
        "Net.a: 'a' is this layer itself: a cycle; a layer reads only the outputs written above it",
        "a");

    [Fact]
    public void A_concatenation_of_different_sizes_is_ND0022_on_the_input_that_differs() => Expect(
        """
        [Network, Input(4, 8, 8)]
        [Conv2D(4, 3, Pad = 1, Name = "same_size")]
        [MaxPooling2D(2, From = "input", Name = "halved")]
        [Concatenate("same_size", "input", "halved")]
        public partial class Net { }
        """,
        "ND0022", DiagnosticSeverity.Error,
        "concatenate_1: Concatenate needs equal sizes on every axis but axis 1, but axis 2 (height) differs: same_size [N, 4, 8, 8], input [N, 4, 8, 8], halved [N, 4, 4, 4]",
        "halved");

    [Fact]
    public void An_add_of_different_channels_is_ND0022() => Expect(
        "[Network, Input(4, 8, 8)] [Conv2D(6, 1, Name = \"wide\")] [Add(\"input\", \"wide\")] public partial class Net { }",
        "ND0022", DiagnosticSeverity.Error,
        "add_1: Add needs shapes that are equal or broadcast (size 1) on every axis, but axis 1 (channels) differs: input [N, 4, 8, 8], wide [N, 6, 8, 8]",
        "wide");

    [Fact]
    public void A_merge_of_different_ranks_is_ND0022() => Expect(
        "[Network, Input(4, 8, 8)] [GlobalAveragePooling2D(Name = \"pooled\")] [Multiply(\"input\", \"pooled\")] public partial class Net { }",
        "ND0022", DiagnosticSeverity.Error,
        "multiply_1: Multiply needs inputs of the same rank, but the ranks differ: input [N, 4, 8, 8], pooled [N, 4]",
        "pooled");

    [Fact]
    public void A_merge_of_one_input_is_ND0030() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"a\")] [Concatenate(\"a\")] public partial class Net { }",
        "ND0030", DiagnosticSeverity.Error, "concatenate_1: Concatenate takes two or more inputs, got 1 (a)", "Concatenate(\"a\")");

    [Fact]
    public void From_on_a_merge_is_ND0028() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"a\")] [Add(\"a\", \"input\", From = \"a\")] public partial class Net { }",
        "ND0028", DiagnosticSeverity.Error, "Add: a merge names its inputs in its constructor ([Add(\"a\", \"b\")]); From does not apply", "a");

    [Fact]
    public void A_declared_input_width_that_differs_is_ND0020() => Expect(
        "[Network, Input(12)] [Dense(8, InFeatures = 10)] public partial class Net { }",
        "ND0020", DiagnosticSeverity.Error, "dense_1: InFeatures = 10 declares the input [N, 10], but the input is [N, 12]", "10");

    [Fact]
    public void An_output_nothing_reads_is_warning_ND0103() => Expect(
        "[Network, Input(4)] [Dense(4, Name = \"lost\")] [Dense(2, From = \"input\")] public partial class Net { }",
        "ND0103", DiagnosticSeverity.Warning,
        "Net.lost: its output [N, 4] is never read: no later layer takes it as its input (by position, From or a merge); name it where it is needed, or remove it",
        "Dense(4, Name = \"lost\")");

    [Fact]
    public void A_custom_type_that_is_no_module_is_ND0024_on_the_typeof() => Expect(
        "[Network, Input(4)] [Custom(typeof(string), 4)] public partial class Net { }",
        "ND0024", DiagnosticSeverity.Error, "Custom: string is not a TorchSharp Module<Tensor, Tensor>", "typeof(string)");

    [Fact]
    public void A_block_used_on_another_input_than_it_declares_is_ND0020_on_the_use() => Expect(
        """
        [Input(8, InputAttribute.Any, InputAttribute.Any)]
        [Conv2D(8, 3, Pad = 1, Name = "conv"), Add(Name = "shortcut")]
        public sealed class ResidualAttribute : BlockAttribute { }
        [Network, Input(8, 16, 16)] [Residual] [Conv2D(4, 1)] [Residual] public partial class Net { }
        """,
        "ND0020", DiagnosticSeverity.Error, "residual_2: Residual declares the input [N, 8, *, *], but the input is [N, 4, 16, 16]", "Residual");

    [Fact]
    public void A_misspelt_function_is_ND0009_naming_the_functions_there_are() => Expect(
        """
        [Let("divisible(v, d)", "max(d, int(v + d / 2.0) / d * d)")]
        [Dense("divisble(units, 8)")]
        public sealed class HeadAttribute : BlockAttribute { public HeadAttribute(int units) { } }
        [Network, Input(4)] [Head(10)] public partial class Net { }
        """,
        "ND0009", DiagnosticSeverity.Error,
        "Expression 'divisble(units, 8)': unknown function 'divisble' (there are min, max, floor, ceil, round, int, and divisible)",
        "divisble(units, 8)");

    [Fact]
    public void A_let_reads_its_value_into_the_layers_that_name_it()
    {
        var run = GeneratorRun.Of(Usings + """
            [Let("hidden", "int(round(inputChannels * ratio))")]
            [Dense("hidden", Name = "fc")]
            public sealed class WideAttribute : BlockAttribute { public WideAttribute(double ratio) { } }
            [Network, Input(10)] [Wide(2.25)] public partial class Net { }
            """);
        run.Violations().Should().BeEmpty();
        run.NetDslErrors.Should().BeEmpty();
        run.GeneratedSources.Single().SourceText.ToString().Should().Contain("Linear(10, 22)", "round(22.5) is 22: to even, as Python");
    }
}

