using System;
using System.Linq;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// One test per class of source that once crashed the generator, was accepted and did not compile, or compiled into
/// something other than what inference says. Each either compiles (and, where it matters, runs with the shapes and
/// counts inference gives) or gets a NetDsl error at the cause, and the generator never adds a C# error.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GeneratorRegressionTests
{
    private const string Usings = "using NetDsl;\n";

    /// <param name="usesGeneratedMembers">The user's code calls generated members, so it compiles only with them.</param>
    private static GeneratorRun Accepted(string source, bool usesGeneratedMembers = false)
    {
        var run = GeneratorRun.Of(("Model.cs", Usings + source));
        run.Violations().Should().BeEmpty();
        if (!usesGeneratedMembers)
        {
            run.UserErrors.Should().BeEmpty("the test source itself is valid C#");
        }
        run.NetDslErrors.Should().BeEmpty();
        run.OutputErrors.Should().BeEmpty();
        return run;
    }

    private static Diagnostic Rejected(string source, string id, string? pointsAt = null)
    {
        var run = GeneratorRun.Of(Usings + source);
        run.Violations().Should().BeEmpty();
        var error = run.NetDslErrors.Should().Contain(d => d.Id == id, $"the source is refused with {id}").Which;
        if (pointsAt is not null)
        {
            error.Location.SourceTree!.GetText().ToString(error.Location.SourceSpan).Should().Be(pointsAt);
        }
        return error;
    }

    /// <summary>Builds the network, runs one forward of batch 2, and checks the shape and counts against its constants.</summary>
    private static nn.Module<Tensor, Tensor> Check(LoadedAssembly assembly, string typeName)
    {
        var type = assembly.Type(typeName);
        var module = (nn.Module<Tensor, Tensor>)type.GetConstructor(new[] { typeof(Device) })!.Invoke(new object?[] { null });
        var input = (Shape)type.GetProperty("InputShape")!.GetValue(null)!;
        var output = (Shape)type.GetProperty("OutputShape")!.GetValue(null)!;
        using (NewDisposeScope())
        {
            module.eval();
            module.forward(randn(input.WithBatch(2))).shape.Should().Equal(output.WithBatch(2));
            ((IRegularizedModule)module).RegularizationLoss().item<float>().Should().BeGreaterThanOrEqualTo(0);
        }
        module.parameters().Sum(p => p.numel()).Should().Be((long)type.GetField("TrainableParameters")!.GetValue(null)!);
        return module;
    }

    // ---- Generator crashes ---------------------------------------------------------------------------------------

    [Fact]
    public void Class_names_that_differ_only_in_case_get_distinct_files()
    {
        var run = Accepted("""
            namespace A { [Network, Input(4)] [Dense(2)] public partial class Net { } [Network, Input(4)] [Dense(3)] public partial class NET { } }
            namespace models { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            namespace Models { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            """);
        run.GeneratedSources.Select(s => s.HintName).Should().HaveCount(4).And.OnlyHaveUniqueItems();
        using var assembly = run.Load();
        Check(assembly, "A.NET").named_children().Single().name.Should().Be("dense_1");
    }

    [Fact]
    public void A_class_with_both_Network_and_Variant_is_ND0012()
    {
        var error = Rejected("""
            [Network, Input(4)] [Dense(2)] public partial class Base { }
            [Network, Variant(typeof(Base)), Input(4)] [Dense(2)] public partial class Both { }
            """, "ND0012");
        error.GetMessage().Should().Contain("both [Network] and [Variant]");
    }

    [Fact]
    public void A_keyword_namespace_and_a_keyword_class_name_are_generated()
    {
        var run = Accepted("""
            namespace @class.Models { [Network, Input(4)] [Dense(2)] public partial class @class { } }
            """);
        run.GeneratedSources.Single().HintName.Should().Be("class.Models.class.g.cs");
        using var assembly = run.Load();
        Check(assembly, "class.Models.class");
    }

    // ---- Internal failures ---------------------------------------------------------------------------------------

    [Fact]
    public void A_block_used_through_a_constructor_without_a_parameter_its_body_needs_is_ND0017()
    {
        var error = Rejected("""
            [Dense("a")] public sealed class BAttribute : BlockAttribute { public BAttribute(int a) { } public BAttribute(bool b) { } }
            [Network, Input(4)] [B(true)] public partial class Net { }
            """, "ND0017", "B(true)");
        error.GetMessage().Should().StartWith("Block B is used through a constructor without 'a'");
    }

    [Fact]
    public void A_string_parameter_defaulting_to_null_has_no_value_and_is_ND0017() => Rejected("""
        [Dense("s")] public sealed class BAttribute : BlockAttribute { public BAttribute(string s = null!) { } }
        [Network, Input(4)] [B] public partial class Net { }
        """, "ND0017", "B");

    [Fact]
    public void A_params_array_block_parameter_is_ND0016() => Rejected("""
        [Dense(2)] public sealed class BAttribute : BlockAttribute { public BAttribute(params int[] sizes) { } }
        [Network, Input(4)] [B(1, 2, 3)] public partial class Net { }
        """, "ND0016", "sizes");

    // ---- Accepted, but the generated code did not compile ------------------------------------------------------

    [Fact]
    public void One_block_name_in_two_namespaces_gets_two_nested_classes()
    {
        var run = Accepted("""
            namespace A { [Dense("units")] public sealed class ResAttribute : NetDsl.BlockAttribute { public ResAttribute(int units) { } } }
            namespace B { [NetDsl.ReLU] public sealed class ResAttribute : NetDsl.BlockAttribute { } }
            namespace N { [Network, Input(4)] [A.Res(3)] [B.Res] public partial class Net { } }
            """);
        var source = run.GeneratedSources.Single().SourceText.ToString();
        source.Should().Contain("public sealed class Res :").And.Contain("public sealed class Res_2 :");
        using var assembly = run.Load();
        Check(assembly, "N.Net").named_children().Select(c => c.name).Should().Equal("res_1", "res_2");
    }

    [Fact]
    public void A_block_using_another_block_of_the_same_name_is_no_recursion()
    {
        var run = Accepted("""
            namespace A { [B.Stage("f"), NetDsl.ReLU] public sealed class StageAttribute : NetDsl.BlockAttribute { public StageAttribute(int f) { } } }
            namespace B { [NetDsl.Dense("f", Name = "fc")] public sealed class Stage : NetDsl.BlockAttribute { public Stage(int f) { } public Stage(string f) { } } }
            namespace N { [Network, Input(4)] [A.Stage(3)] public partial class Net { } }
            """);
        using var assembly = run.Load();
        Check(assembly, "N.Net").state_dict().Keys.Should().Equal("stage_1.stage_1.fc.weight", "stage_1.stage_1.fc.bias");
    }

    [Fact]
    public void Alternatives_of_different_kinds_are_ND0019() => Rejected("""
        [Conv2D(4, 3, Name = "a", When = "c")] [MaxPooling2D(Name = "a", When = "!c")]
        public sealed class BAttribute : BlockAttribute { public BAttribute(bool c) { } }
        [Network, Input(3, 8, 8)] [B(true)] [Flatten] [Dense(2)] public partial class Net { }
        """, "ND0019", "MaxPooling2D(Name = \"a\", When = \"!c\")");

    [Fact]
    public void Double_block_parameters_are_doubles_in_expressions_and_in_the_code()
    {
        var run = Accepted("""
            [Dense("units"), Dropout("rate / 2"), Dropout("rate", Name = "second", When = "rate > 0.25")]
            public sealed class HeadAttribute : BlockAttribute { public HeadAttribute(int units, double rate = 0.5) { } public HeadAttribute(int units, float rate) { } }
            [Network, Input(8)] [Head(4)] [Head(2, 0.2f)] public partial class Net { }
            """);
        var source = run.GeneratedSources.Single().SourceText.ToString();
        // Lowered: rate / 2 is computed as a double (0.5 / 2 = 0.25, not 0), and "rate > 0.25" decides where "second" exists.
        source.Should().Contain("Dropout(0.25)").And.Contain("second = global::TorchSharp.torch.nn.Dropout(0.5)");
        source.Split("new global::TorchSharp.Modules.Dropout").Length.Should().Be(1, "dropouts are created through torch.nn.Dropout");
        source.Split("torch.nn.Dropout(").Length.Should().Be(4, "Head(4) has two dropouts, Head(2, 0.2f) one");
        using var assembly = run.Load();
        Check(assembly, "Net");
    }

    [Fact]
    public void A_double_where_an_int_is_needed_is_ND0009() => Rejected("""
        [Dense("size")] public sealed class BAttribute : BlockAttribute { public BAttribute(double size) { } }
        [Network, Input(4)] [B(2.5)] public partial class Net { }
        """, "ND0009");

    [Theory]
    [InlineData("[BatchNorm(Name = \"bn\")] [ReLU(Name = \"act\", From = \"bn\")] [Dense(2)]")]
    [InlineData("[BatchNorm(Name = \"bn\")] [ReLU(Name = \"act\")] [Dense(2, From = \"act\")]")]
    [InlineData("[Dense(3, Name = \"b\", From = \"input\")] [BatchNorm(Name = \"bn\", From = \"fc\")] [ReLU(Name = \"act\")] [Concatenate(\"act\", \"b\")] [Dense(2)]")]
    public void Moving_BatchNorm_after_the_activation_keeps_what_every_name_reads(string layers)
    {
        // Found by the graph fuzzer: the swap once left names pointing at the old places (ND0023, or a silently
        // different network). Now the variant is the same graph with BN and activation swapped: same counts, no warning.
        var run = Accepted($$"""
            [Network, Input(4)] [Dense(8, UseBias = false, Name = "fc")] {{layers}} public partial class Base { }
            [Variant(typeof(Base), BatchNorm = BatchNormPlacement.AfterActivation)] public partial class After { }
            """);
        run.AnalyzerDiagnostics.Where(d => d.Id == "ND0103").Should().BeEmpty();
        using var assembly = run.Load();
        assembly.Type("After").GetField("TrainableParameters")!.GetValue(null).Should().Be(assembly.Type("Base").GetField("TrainableParameters")!.GetValue(null));
        Check(assembly, "After");
    }

    [Fact]
    public void A_layer_named_like_a_block_parameter_compiles_and_keeps_its_name()
    {
        // Once CS0102/CS0029 in the generated block class; lowering leaves no parameter in the code at all.
        var run = Accepted("""
            [Conv2D("expand", 1, Name = "expand"), ReLU(Name = "strides"), Conv2D(4, 3, "strides", Pad = 1, Name = "input")]
            public sealed class BAttribute : BlockAttribute { public BAttribute(int expand, int strides) { } }
            [Network, Input(2, 8, 8)] [B(6, 2, Name = "expand")] [Flatten] public partial class Net { }
            """);
        using var assembly = run.Load();
        assembly.Type("Net").GetProperty("OutputShape")!.GetValue(null).Should().Be(Shape.Vector(4 * 4 * 4));
        Check(assembly, "Net");
    }

    [Fact]
    public void Block_parameters_named_like_the_emitters_locals_compile_and_mean_what_they_say()
    {
        var run = Accepted("""
            [Dense("name + shape + x + input + inputShape + device + terms", Name = "dense")] [ReLU(When = "x > 1")]
            public sealed class BAttribute : BlockAttribute { public BAttribute(int name, int shape, int x, int input, int inputShape, int device, int terms) { } }
            [Network, Input(4)] [B(1, 1, 2, 1, 1, 1, 1)] public partial class Net { }
            """);
        using var assembly = run.Load();
        var type = assembly.Type("Net");
        type.GetProperty("OutputShape")!.GetValue(null).Should().Be(Shape.Vector(8));
        Check(assembly, "Net");
    }

    [Fact]
    public void A_type_error_in_a_layer_that_no_use_turns_on_is_still_ND0009()
    {
        // Inference never evaluates Dropout("flag") (the inner block's only use is under a false condition), but the
        // block class is generated with it, so its type must be checked from the parameter types alone.
        Rejected("""
            [Dense(4), Dropout("flag")] public sealed class InnerAttribute : BlockAttribute { public InnerAttribute(bool flag) { } }
            [Inner(false, When = "!flag && flag"), ReLU] public sealed class BAttribute : BlockAttribute { public BAttribute(bool flag) { } }
            [Network, Input(13)] [B(false)] [Dense(2)] public partial class Net { }
            """, "ND0009", "flag").GetMessage().Should().Be("Expression 'flag': rate must be a number, not bool");
        Rejected("""
            [Dense("units + 1 / 0")] public sealed class InnerAttribute : BlockAttribute { public InnerAttribute(int units) { } }
            [Inner(2, When = "flag")] public sealed class BAttribute : BlockAttribute { public BAttribute(bool flag) { } }
            [Network, Input(13)] [B(false)] [Dense(2)] public partial class Net { }
            """, "ND0009", "1 / 0").GetMessage().Should().Be("Expression 'units + 1 / 0': division by zero");
        Rejected("""
            [ReLU(When = "inputChannels")] public sealed class BAttribute : BlockAttribute { }
            [Network, Input(8)] [B] public partial class Net { }
            """, "ND0009", "inputChannels").GetMessage().Should().Be("Expression 'inputChannels': When must be a bool expression");
    }

    [Fact]
    public void A_block_parameter_named_inputChannels_is_ND0016() => Rejected("""
        [Dense("inputChannels")] public sealed class BAttribute : BlockAttribute { public BAttribute(int inputChannels) { } }
        [Network, Input(4)] [B(7)] public partial class Net { }
        """, "ND0016", "inputChannels");

    [Fact]
    public void Layer_names_equal_to_generated_members_types_and_TorchSharp_members_keep_their_module_names()
    {
        string[] names = { "Net", "Summary", "InputShape", "OutputShape", "TrainableParameters", "NonTrainableParameters", "MultiplyAdds", "forward",
            "RegularizationLoss", "nn", "Shape", "Regularizer", "Linear", "Tensor", "Device", "InputShapeException", "torch", "TorchSharp",
            "NetDsl", "System", "List", "train", "training", "to", "parameters", "@class", "B", "x" };
        var layers = string.Concat(names.Select(n => $"[Dense(4, Name = \"{n.TrimStart('@')}\")]"));
        var run = Accepted($$"""
            [Dense(4, Name = "B"), Dense(4, Name = "Shape"), Dense("units", Name = "units")] public sealed class BAttribute : BlockAttribute { public BAttribute(int units) { } }
            namespace Models { [Network, Input(4)] {{layers}} [B(4)] public partial class Net { } }
            """);
        using var assembly = run.Load();
        var module = Check(assembly, "Models.Net");
        module.named_children().Select(c => c.name).Should().Equal(names.Select(n => n.TrimStart('@')).Append("b_1"));
        module.state_dict().Keys.Should().Contain("b_1.B.weight").And.Contain("b_1.units.weight").And.Contain("class.weight");
    }

    [Fact]
    public void An_identity_activation_on_the_chain_emits_no_self_assignment()
    {
        // [Activation(Activation.None)] in a chain was emitted as x = x; (warning CS1717, an error under -warnaserror).
        var run = Accepted("""
            [Activation("act"), Dense(3, Name = "after")] public sealed class GateAttribute : BlockAttribute { public GateAttribute(Activation act) { } }
            [Network, Input(4)] [Dense(4), Activation(Activation.None), Gate(Activation.None), Gate(Activation.ReLU), Activation(Activation.None)] public partial class Net { }
            """);
        run.GeneratedSources.Single().SourceText.ToString().Should().NotContain("x = x;");
        using var assembly = run.Load();
        Check(assembly, "Net");
    }

    [Fact]
    public void Keys_come_through_blocks_and_repeats_and_a_layer_may_be_named_like_the_key_table()
    {
        var run = Accepted("""
            [Dense(4, Name = "inner", Key = "fc.{2 * at + 1}"), Dense(4, Name = "other", Key = "fc.{2 * at + 2}")]
            public sealed class PairAttribute : BlockAttribute { public PairAttribute(object at) { } }
            [Network, Input(4)] [Pair("repeatIndex", Name = "stage", Key = "", Repeat = "2"), Dense(2, Name = "StateDictKeys", Key = "classifier.1")]
            public partial class Net { }
            """);
        using var assembly = run.Load();
        var module = Check(assembly, "Net");
        Weights.StateDict(module).Select(e => e.Key).Should().Equal(
            "fc.1.weight", "fc.1.bias", "fc.2.weight", "fc.2.bias", "fc.3.weight", "fc.3.bias", "fc.4.weight", "fc.4.bias", "classifier.1.weight", "classifier.1.bias");
    }

    [Fact]
    public void A_block_may_hold_itself_under_a_When_and_a_recursion_that_never_ends_is_ND0010()
    {
        var run = Accepted("""
            [Dense("width", Name = "fc"), Tower("depth - 1", "width * 2", Name = "inner", When = "depth > 0")]
            public sealed class TowerAttribute : BlockAttribute { public TowerAttribute(object depth, object width) { } }
            [Network, Input(4)] [Tower(3, 2, Name = "tower")] public partial class Net { }
            """);
        using var assembly = run.Load();
        Check(assembly, "Net").state_dict().Keys.Should().Contain("tower.inner.inner.inner.fc.weight").And.NotContain("tower.inner.inner.inner.inner.fc.weight");
        var error = Rejected("""
            [Dense(2, Name = "fc"), Tower("depth + 1", Name = "inner", When = "depth > 0")]
            public sealed class TowerAttribute : BlockAttribute { public TowerAttribute(object depth) { } }
            [Network, Input(4)] [Tower(1, Name = "tower")] public partial class Net { }
            """, "ND0010", "Tower(\"depth + 1\", Name = \"inner\", When = \"depth > 0\")");
        error.GetMessage().Should().Contain("32 levels deep").And.Contain("never turns false");
    }

    [Fact]
    public void Activations_beyond_64_bits_of_bytes_give_a_saturated_memory_estimate_not_a_crash()
    {
        // 2^31 × 2^31 values per sample: the counts fit 64 bits, four bytes each do not (the estimate once threw).
        var run = Accepted("""[Network, Input(1, 2147483647, 2147483647)] [ZeroPadding2D(1)] public partial class Net { }""");
        run.GeneratedSources.Single().SourceText.ToString().Should().Contain($"InferenceActivationBytes = {long.MaxValue}");
    }

    [Theory]
    [InlineData("""[Dense(4, Name = "a", Key = "fc..1")]""", "fc..1")]
    [InlineData("""[Dense(4, Name = "a", Key = "fc.{1")]""", "{")]
    [InlineData("""[Dense(4, Name = "a", Key = "fc-1")]""", "-")]
    [InlineData("""[Dense(4, Name = "a", Key = "")]""", "")]
    [InlineData("""[Dense(4, Name = "a", Key = "fc"), Dense(4, Name = "b", Key = "fc")]""", "fc")]
    [InlineData("""[Dense(4, Name = "a", Key = "fc{repeatIndex - 1}", Repeat = "2")]""", "fc{repeatIndex - 1}")]
    [InlineData("""[Dense(4, Name = "a", Key = "fc", Repeat = "2")]""", "fc")]
    public void A_key_that_is_no_valid_or_unique_name_is_ND0025_at_the_key(string layers, string pointsAt) =>
        Rejected($$"""[Network, Input(4)] {{layers}} public partial class Net { }""", "ND0025", pointsAt);

    [Fact]
    public void Non_finite_numbers_are_ND0002()
    {
        Rejected("[Network, Input(4)] [Dense(2, KernelL2 = double.PositiveInfinity)] public partial class Net { }", "ND0002", "double.PositiveInfinity");
        Rejected("[Network, Input(4)] [Dense(2, KernelL1 = double.NaN)] public partial class Net { }", "ND0002", "double.NaN");
        Rejected("[Network, Input(4)] [BatchNorm(Epsilon = double.PositiveInfinity)] public partial class Net { }", "ND0002", "double.PositiveInfinity");
        Rejected("[Network, Input(4)] [Dropout(double.NaN)] public partial class Net { }", "ND0002", "double.NaN");
        Rejected("[Network, Input(4), DefaultRegularizer(L2 = double.PositiveInfinity)] [Dense(2)] public partial class Net { }", "ND0002");
    }

    [Fact]
    public void Tiny_numbers_are_emitted_exactly()
    {
        var run = Accepted("[Network, Input(4)] [Dense(2, KernelL2 = 1e-15), BatchNorm(Epsilon = 1e-14, Momentum = 0.3)] public partial class Net { }");
        var source = run.GeneratedSources.Single().SourceText.ToString();
        source.Should().Contain("1E-15").And.Contain("eps: 1E-14").And.Contain("momentum: 0.7");
    }

    [Fact]
    public void An_int_overflowing_expression_is_folded_to_a_long_and_a_long_overflow_is_ND0009()
    {
        var run = Accepted("""
            [Dense("2147483647 + 1 - 2147483640")] public sealed class BAttribute : BlockAttribute { }
            [Network, Input(4)] [B] public partial class Net { }
            """);
        run.GeneratedSources.Single().SourceText.ToString().Should().Contain("Linear(4, 8)");
        Rejected("""
            [Dense("9223372036854775807 + units")] public sealed class BAttribute : BlockAttribute { public BAttribute(int units) { } }
            [Network, Input(4)] [B(1)] public partial class Net { }
            """, "ND0009").GetMessage().Should().Contain("overflows");
    }

    [Theory]
    [InlineData("public static partial class Net { }", "is static")]
    [InlineData("public partial class Net : System.Exception { }", "cannot have a base class")]
    [InlineData("public partial record Net { }", "is a record")]
    [InlineData("public class Net { }", "must be declared 'partial'")]
    [InlineData("public partial class Net<T> { }", "is generic")]
    [InlineData("public partial class Net(int size) { }", "primary constructor")]
    public void Class_shapes_the_generator_cannot_extend_are_ND0012_and_get_no_code(string declaration, string message)
    {
        var run = GeneratorRun.Of(Usings + "[Network, Input(4)] [Dense(2)] " + declaration);
        run.Violations().Should().BeEmpty();
        run.NetDslErrors.Should().ContainSingle(d => d.Id == "ND0012").Which.GetMessage().Should().Contain(message);
        run.GeneratedSources.Should().BeEmpty();
    }

    [Theory]
    [InlineData("public partial interface IOuter { [Network, Input(4)] [Dense(2)] public partial class Net { } }", "not a class, struct or record")]
    [InlineData("public class Outer { [Network, Input(4)] [Dense(2)] public partial class Net { } }", "must be declared 'partial' too")]
    [InlineData("public partial class Outer<T> { [Network, Input(4)] [Dense(2)] public partial class Net { } }", "generic type")]
    public void Enclosing_types_the_generator_cannot_extend_are_ND0012(string source, string message)
    {
        var run = GeneratorRun.Of(Usings + source);
        run.Violations().Should().BeEmpty();
        run.NetDslErrors.Should().ContainSingle(d => d.Id == "ND0012").Which.GetMessage().Should().Contain(message);
    }

    [Fact]
    public void Networks_nested_in_partial_structs_and_records_are_generated()
    {
        var run = Accepted("""
            public readonly partial struct S { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            public partial record R { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            public partial record struct RS { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            public static partial class Holder { [Network, Input(4)] [Dense(2)] public partial class Net { } }
            """);
        using var assembly = run.Load();
        Check(assembly, "S+Net");
        Check(assembly, "RS+Net");
    }

    [Fact]
    public void A_block_class_without_the_Attribute_suffix_is_not_captured_by_its_nested_module_class()
    {
        var run = Accepted("""
            [ReLU] public sealed class Act : BlockAttribute { }
            [Network, Input(4)] [Dense(3), Act] public partial class Net { }
            """);
        run.GeneratedSources.Single().SourceText.ToString().Should().Contain("public sealed class Act_2 :");
        using var assembly = run.Load();
        Check(assembly, "Net");
    }

    [Theory]
    [InlineData("public static int Summary = 1;", "'Summary'")]
    [InlineData("public void forward() { }", "'forward'")]
    [InlineData("private int dense_1;", "'dense_1'")]
    [InlineData("public Net() : base() { }", "a constructor that does not call this(device)")]
    [InlineData("public Net(TorchSharp.torch.Device device) : this() { }", "a constructor taking a Device")]
    public void User_members_that_clash_with_generated_ones_are_ND0015(string member, string what)
    {
        var run = GeneratorRun.Of(Usings + "[Network, Input(4)] [Dense(2)] public partial class Net { " + member + " }");
        run.Violations().Should().BeEmpty();
        run.NetDslErrors.Should().Contain(d => d.Id == "ND0015").Which.GetMessage().Should().Contain(what);
    }

    [Fact]
    public void User_members_that_do_not_clash_keep_working()
    {
        var run = Accepted("""
            [Network, Input(4)] [Dense(2)]
            public partial class Net
            {
                public Net(int seed) : this(device: null) { Seed = seed; }
                public int Seed { get; }
                public static string Describe() => Summary;
                public TorchSharp.torch.Tensor First(TorchSharp.torch.Tensor x) => this.dense_1.forward(x);
                protected override void Dispose(bool disposing) => base.Dispose(disposing);
            }
            """, usesGeneratedMembers: true);
        using var assembly = run.Load();
        Check(assembly, "Net");
    }

    // ---- Silently wrong ------------------------------------------------------------------------------------------

    [Fact]
    public void A_two_variant_cycle_is_ND0013_on_both()
    {
        var run = GeneratorRun.Of(Usings + """
            [Variant(typeof(B), BatchNorm = BatchNormPlacement.Removed)] public partial class A { }
            [Variant(typeof(A), BatchNorm = BatchNormPlacement.Removed)] public partial class B { }
            """);
        run.Violations().Should().BeEmpty();
        run.NetDslErrors.Where(d => d.Id == "ND0013").Select(d => d.GetMessage()).Should().BeEquivalentTo(
            "Variant 'A': the chain of bases returns to 'A' (A → B → A)", "Variant 'B': the chain of bases returns to 'B' (B → A → B)");
    }

    [Fact]
    public void A_variant_of_a_type_that_is_no_class_is_ND0013() =>
        Rejected("[Variant(typeof(int[]), BatchNorm = BatchNormPlacement.Removed)] public partial class V { }", "ND0013")
            .GetMessage().Should().Be("Variant 'V': 'int[]' is not a network class");

    [Fact]
    public void Sizes_beyond_64_bits_are_ND0018() =>
        Rejected("[Network, Input(3, int.MaxValue, int.MaxValue)] [Conv2D(int.MaxValue, 1)] public partial class Net { }", "ND0018", "Conv2D(int.MaxValue, 1)");

    [Fact]
    public void An_output_whose_values_per_sample_exceed_64_bits_is_ND0018_at_its_layer() =>
        // Each side fits (12 · (2³¹ − 1) + 4), the 2 × 2.6e10 × 2.6e10 values of one sample do not; a later layer shrinks it.
        Rejected("[Network, Input(2, 13, 13)] [Conv2DTranspose(2, 2, int.MaxValue, OutputPadding = 1)] [GlobalAveragePooling2D] public partial class Net { }",
            "ND0018", "Conv2DTranspose(2, 2, int.MaxValue, OutputPadding = 1)");

    [Fact]
    public void A_network_level_expression_stride_with_same_padding_keeps_its_extra_padding()
    {
        var run = Accepted("[Network, Input(1, 4, 4)] [Conv2D(4, 3, \"2\", Padding = Padding.Same)] public partial class Net { }");
        using var assembly = run.Load();
        assembly.Type("Net").GetProperty("OutputShape")!.GetValue(null).Should().Be(Shape.Image(4, 2, 2));
        Check(assembly, "Net");
    }

    [Fact]
    public void A_BatchNorm_in_a_block_follows_the_rank_of_each_use()
    {
        var run = Accepted("""
            [BatchNorm(Name = "bn"), ReLU] public sealed class NormAttribute : BlockAttribute { }
            [Network, Input(2, 6, 6)] [Norm] [Flatten] [Norm] [Dense(3)] public partial class Mixed { }
            [Network, Input(6)] [Norm] [Dense(3)] public partial class Flat { }
            """);
        var sources = run.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        // Each use is lowered with its own input shape: one block class per rank, no choice left to run time.
        sources["Mixed.g.cs"].Should().Contain("global::TorchSharp.Modules.BatchNorm2d bn").And.Contain("global::TorchSharp.Modules.BatchNorm1d bn")
            .And.NotContain("IsImage");
        sources["Flat.g.cs"].Should().Contain("global::TorchSharp.Modules.BatchNorm1d bn");
        using var assembly = run.Load();
        Check(assembly, "Mixed");
        Check(assembly, "Flat");
    }

    [Fact]
    public void Enum_arguments_outside_their_type_are_ND0027()
    {
        Rejected("[Network, Input(1, 8, 8)] [Conv2D(2, 3, Padding = (Padding)7)] [Flatten] public partial class Net { }", "ND0027", "(Padding)7");
        Rejected("""
            [Network, Input(4)] [Dense(2)] public partial class Base { }
            [Variant(typeof(Base), BatchNorm = (BatchNormPlacement)9)] public partial class V { }
            """, "ND0027", "(BatchNormPlacement)9");
        Rejected("[Network, Input(4), DefaultRegularizer(L2 = 0.1, Layers = (RegularizedLayers)0)] [Dense(2)] public partial class Net { }", "ND0027");
    }

    [Fact]
    public void The_analyzer_reports_an_emitter_failure_at_the_network_attribute()
    {
        // A lowered network with a layer kind no emitter knows makes the emitter fail: the analyzer must say so where
        // the editor shows it, not only the generator.
        var compilation = TestCompilation.Create(Usings + "[Network, Input(10)] [Dense(4)] public partial class Net { }");
        var model = NetDsl.Generators.Parsing.NetworkParser.Parse(compilation.GetTypeByMetadataName("Net")!, compilation, default);
        var analyzed = NetDsl.Generators.NetDslGenerator.Analyze(model);
        var broken = analyzed with { Inference = GeneratorRun.WithUnknownKind(analyzed.Inference) };
        var failure = NetDsl.Generators.NetDslAnalyzer.DiagnosticsOf(broken).Should().ContainSingle(d => d.Id == "ND0099").Which;
        compilation.SyntaxTrees.Single().GetText().ToString(new Microsoft.CodeAnalysis.Text.TextSpan(failure.Span!.Start, failure.Span.Length))
            .Should().Be("Network");
    }

    [Fact]
    public void A_user_enum_block_parameter_chooses_layers_and_compares_by_member()
    {
        // A family written once: the kind of unit is a user enum, compared in When; the activation an enum parameter.
        var run = Accepted("""
            public enum Unit { Basic, Bottleneck }
            [Conv2D("width", 1, UseBias = false, Name = "reduce", When = "unit == Unit.Bottleneck")]
            [Conv2D("width", 3, Pad = 1, UseBias = false, Name = "conv")]
            [BatchNorm(Name = "bn"), Activation("act", Name = "act")]
            [Conv2D("unit == Unit.Bottleneck ? width * 4 : width", 1, Name = "expand", When = "unit != Unit.Basic")]
            public sealed class UnitAttribute : BlockAttribute
            {
                public UnitAttribute(int width, Unit unit = Unit.Basic, Activation act = Activation.ReLU) { }
            }
            [Network, Input(8, 6, 6)]
            [Unit(8, Name = "basic")]
            [Unit(4, Unit.Bottleneck, Activation.HardSwish, Name = "bottleneck")]
            public partial class Units { }
            """);
        using var assembly = run.Load();
        var module = Check(assembly, "Units");
        module.named_modules().Select(m => m.name).Should().Contain(new[] { "basic.conv", "bottleneck.reduce", "bottleneck.expand" })
            .And.NotContain(new[] { "basic.reduce", "basic.expand" });
        var summary = (string)assembly.Type("Units").GetField("Summary")!.GetValue(null)!;
        summary.Should().Contain("basic.act (Activation, ReLU)").And.Contain("bottleneck.act (Activation, HardSwish)").And.Contain("[N, 16, 6, 6]");
    }

    [Fact]
    public void Properties_take_expressions_of_their_type()
    {
        var run = Accepted("""
            [Conv2D("filters", 3, Pad = "dilation", Dilation = "dilation", Groups = "groups", UseBias = "!norm", Padding = "padding")]
            [BatchNorm(Epsilon = "eps", When = "norm")]
            [MaxPooling2D(3, 2, Pad = "dilation > 1 ? 1 : 0", CeilMode = "ceil")]
            public sealed class StageAttribute : BlockAttribute
            {
                public StageAttribute(int filters, int groups, int dilation, bool norm, double eps, bool ceil, Padding padding) { }
            }
            [Network, Input(4, 17, 17)]
            [Stage(8, 2, 2, true, 1e-5, true, Padding.Valid, Name = "a")]
            [Stage(8, 4, 1, false, 0.1, false, Padding.Valid, Name = "b")]
            public partial class Staged { }
            """);
        using var assembly = run.Load();
        var module = Check(assembly, "Staged");
        var state = module.state_dict();
        state["a.conv2d_1.weight"].shape.Should().Equal(8, 2, 3, 3);
        state.ContainsKey("a.conv2d_1.bias").Should().BeFalse();
        state["b.conv2d_1.weight"].shape.Should().Equal(8, 2, 3, 3);
        state.ContainsKey("b.conv2d_1.bias").Should().BeTrue();
        // a: 17 → conv (pad 2, dilation 2) 17 → pool 3/2 with pad 1 and ceil 9; b: 9 → conv (pad 1) 9 → pool 3/2 4.
        assembly.Type("Staged").GetProperty("OutputShape")!.GetValue(null).Should().Be(Shape.Image(8, 4, 4));
    }

    [Fact]
    public void SeparableConv2D_regularizes_its_depthwise_and_pointwise_kernels_and_its_bias()
    {
        var run = Accepted("""
            [Network, Input(3, 8, 8)]
            [SeparableConv2D(4, 3, DepthwiseL2 = 0.1, PointwiseL1 = 0.01, BiasL2 = 0.5, Name = "sep")]
            public partial class Sep { }
            [Network, Input(3, 8, 8), DefaultRegularizer(L2 = 0.02)]
            [SeparableConv2D(4, 3, Name = "sep")]
            public partial class SepDefault { }
            """);
        using var assembly = run.Load();
        using var scope = NewDisposeScope();
        var own = Check(assembly, "Sep");
        var state = own.state_dict();
        double Sum(Tensor t, bool square) => (square ? t.square() : t.abs()).sum().item<float>();
        var expected = 0.1 * Sum(state["sep.depthwise.weight"], true) + 0.01 * Sum(state["sep.pointwise.weight"], false) + 0.5 * Sum(state["sep.pointwise.bias"], true);
        ((IRegularizedModule)own).RegularizationLoss().item<float>().Should().BeApproximately((float)expected, (float)expected * 1e-5f);

        var byDefault = Check(assembly, "SepDefault");
        state = byDefault.state_dict();
        expected = 0.02 * (Sum(state["sep.depthwise.weight"], true) + Sum(state["sep.pointwise.weight"], true));
        ((IRegularizedModule)byDefault).RegularizationLoss().item<float>().Should().BeApproximately((float)expected, (float)expected * 1e-5f);
    }

    [Fact]
    public void A_block_of_three_inputs_named_like_generated_locals_compiles_and_runs()
    {
        // Inputs called x and h: forward's chain variable moves out of their way.
        var run = Accepted("""
            [BlockInputs("x", "h", "input")]
            [Conv2D(4, 1, Name = "a")]
            [Conv2D(4, 1, From = "h", Name = "b")]
            [Add("a", "b", "input", Name = "sum"), ReLU(Name = "out")]
            public sealed class Tri : BlockAttribute { public Tri(int unused = 0) { } }
            [Network, Input(4, 6, 6)]
            [Conv2D(4, 3, Pad = 1, Name = "c1")]
            [Conv2D(4, 3, Pad = 1, Name = "c2")]
            [Tri(From = "c1, c2, input", Name = "tri")]
            [Tri(From = "tri, tri, c1", Name = "tri2")]
            public partial class Three { }
            """);
        using var assembly = run.Load();
        var module = Check(assembly, "Three");
        module.named_modules().Select(m => m.name).Should().Contain(new[] { "tri.a", "tri.b", "tri2.a", "tri2.b" });
        var summary = (string)assembly.Type("Three").GetField("Summary")!.GetValue(null)!;
        summary.Should().Contain("tri.b (Conv2D)").And.Contain("tri.sum (Add)");
        run.GeneratedSources.Single().SourceText.ToString().Should().Contain("forward(global::TorchSharp.torch.Tensor x, global::TorchSharp.torch.Tensor h, global::TorchSharp.torch.Tensor input)");
    }

    [Fact]
    public void A_layer_named_InputShape_that_a_merge_reads_gets_a_local_that_does_not_hide_the_property()
    {
        var run = Accepted("""
            [Network, Input(4)]
            [ReLU(Name = "InputShape")]
            [Dense(4, Name = "a")]
            [Add("InputShape", "a")]
            public partial class Net { }
            """);
        using var assembly = run.Load();
        Check(assembly, "Net");
    }

    [Theory]
    [InlineData("[Dense(4, Name = \"System\")] public partial class Net { private static readonly int Offset = System.Math.Max(1, 2); public static int M() => System.Math.Max(1, Offset); }", "System")]
    [InlineData("[Dense(4, Name = \"TorchSharp\")] public partial class Net { public static long M() => TorchSharp.torch.ones(1).numel(); }", "TorchSharp")]
    [InlineData("[Dense(4, Name = \"Math\")] public partial class Net { public static int M() => Math.Max(1, 2); }", "Math")]
    public void A_layer_named_like_a_namespace_or_type_the_class_uses_keeps_its_module_name_but_not_the_field_name(string layers, string layer)
    {
        var run = Accepted("using System;\n[Network, Input(8)]\n" + layers);
        using var assembly = run.Load();
        var module = Check(assembly, "Net");
        module.named_children().Single().name.Should().Be(layer, "the module name and state-dict key stay the layer's name");
    }

    [Fact]
    public void A_layer_named_NetDsl_where_the_attributes_write_NetDsl_qualified_compiles()
    {
        var run = Accepted("""
            [NetDsl.Network(BatchNormDefaults = NetDsl.BatchNormDefaults.Torch), NetDsl.Input(1, 6, 6)]
            [NetDsl.Conv2D(4, 3, Padding = NetDsl.Padding.Same, Name = "NetDsl")]
            [NetDsl.Flatten]
            public partial class Qualified { }
            """);
        using var assembly = run.Load();
        Check(assembly, "Qualified").named_children().First().name.Should().Be("NetDsl");
    }
}
