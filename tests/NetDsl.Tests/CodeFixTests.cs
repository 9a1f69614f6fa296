using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using NetDsl.CodeFixes;
using NetDsl.Generators;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Each code fix as the IDE applies it: NetDsl's analyzer reports the diagnostic (checked at its span), the fix is
/// applied through a Roslyn workspace, once per diagnostic and as fix all in the document, project and solution, and
/// the fixed code has no diagnostic at all — no NetDsl one and no compiler error — and generates a network whose code
/// compiles.
/// </summary>
public sealed class CodeFixTests
{
    /// <summary>
    /// The reference assemblies are the running runtime's own (as <see cref="TestCompilation"/> compiles): a
    /// <see cref="ReferenceAssemblies"/> without a package resolves to nothing, so the test library never asks NuGet
    /// for a targeting pack, and the project gets the trusted platform assemblies and NetDsl itself.
    /// </summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Contains("Microsoft.NETCore.App", StringComparison.Ordinal))
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    private sealed class Test : CSharpCodeFixTest<NetDslAnalyzer, NetDslCodeFixProvider, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(References.Value);
        }
    }

    private static async Task Verify(string source, string fixedSource, string? key = null, string? title = null,
        CodeFixTestBehaviors behaviors = CodeFixTestBehaviors.None)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = key, CodeFixTestBehaviors = behaviors };
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }
        await test.RunAsync(CancellationToken.None);
        GeneratesCompilingCode(("Model.cs", fixedSource));
    }

    /// <summary>The generator's code for the fixed source compiles: the fix made a network NetDsl builds.</summary>
    private static void GeneratesCompilingCode(params (string Path, string Source)[] files)
    {
        var (output, _) = TestCompilation.Generate(TestCompilation.Create(files));
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
        TestCompilation.AnalyzerDiagnostics(output).Should().BeEmpty();
    }

    // ---- ND0007: InsertFlatten, InsertGlobalAveragePooling ---------------------------------------------------

    [Fact]
    public Task Dense_on_a_feature_map_gets_a_Flatten_on_the_line_above() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3)]
        [{|ND0007:Dense(10)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3)]
        [Flatten]
        [Dense(10)]
        public partial class Net { }
        """,
        "NetDsl.InsertFlatten", "Insert [Flatten] before Dense");

    [Fact]
    public Task Flatten_goes_into_the_list_that_holds_the_layer() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3), {|ND0007:Dense(10)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3), Flatten, Dense(10)]
        public partial class Net { }
        """,
        "NetDsl.InsertFlatten");

    [Fact]
    public Task Flatten_keeps_the_indentation_of_a_nested_network() => Verify(
        """
        using NetDsl;
        namespace Test
        {
            public partial class Models
            {
                [Network, Input(3, 8, 8)] [Conv2D(4, 3)]
                [{|ND0007:Dense(10)|}]
                public partial class Net { }
            }
        }
        """,
        """
        using NetDsl;
        namespace Test
        {
            public partial class Models
            {
                [Network, Input(3, 8, 8)] [Conv2D(4, 3)]
                [Flatten]
                [Dense(10)]
                public partial class Net { }
            }
        }
        """,
        "NetDsl.InsertFlatten");

    [Fact]
    public Task Dense_on_a_feature_map_can_get_global_average_pooling_instead() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3)]
        [{|ND0007:Dense(10)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(4, 3)]
        [GlobalAveragePooling2D]
        [Dense(10)]
        public partial class Net { }
        """,
        "NetDsl.InsertGlobalAveragePooling", "Insert [GlobalAveragePooling2D] before Dense");

    [Fact]
    public Task Fix_all_inserts_Flatten_in_every_network_of_the_document() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)] [Conv2D(4, 3)] [{|ND0007:Dense(10)|}]
        public partial class A { }

        [Network, Input(1, 6, 6)]
        [MaxPooling2D(2)]
        [{|ND0007:Dense(2)|}]
        public partial class B { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)] [Conv2D(4, 3)] [Flatten] [Dense(10)]
        public partial class A { }

        [Network, Input(1, 6, 6)]
        [MaxPooling2D(2)]
        [Flatten]
        [Dense(2)]
        public partial class B { }
        """,
        "NetDsl.InsertFlatten");

    // ---- ND0101: UseBiasFalse --------------------------------------------------------------------------------

    [Fact]
    public Task Bias_before_BatchNorm_gets_UseBias_false() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)]
        [{|ND0101:Dense(4)|}, BatchNorm]
        [Dense(2)]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)]
        [Dense(4, UseBias = false), BatchNorm]
        [Dense(2)]
        public partial class Net { }
        """,
        title: "Set UseBias = false");

    [Fact]
    public Task Fix_all_sets_UseBias_false_replacing_an_explicit_true() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [{|ND0101:Conv2D(8, 3, UseBias = true, Name = "conv1")|}]
        [BatchNorm]
        [{|ND0101:Conv2D(8, 3)|}, BatchNorm]
        [GlobalAveragePooling2D]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [Conv2D(8, 3, UseBias = false, Name = "conv1")]
        [BatchNorm]
        [Conv2D(8, 3, UseBias = false), BatchNorm]
        [GlobalAveragePooling2D]
        public partial class Net { }
        """);

    // ---- ND0012: AddPartial ----------------------------------------------------------------------------------

    [Fact]
    public Task A_network_class_that_is_not_partial_gets_partial_after_its_modifiers() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)] [Dense(4)]
        public sealed class {|ND0012:Net|} { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)] [Dense(4)]
        public sealed partial class Net { }
        """,
        title: "Make 'Net' partial");

    [Fact]
    public Task Fix_all_makes_every_network_class_partial_without_modifiers_too() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)] [Dense(4)]
        class {|ND0012:A|} { }

        [Network, Input(10)]
        [Dense(4)]
        internal class {|ND0012:B|} { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(10)] [Dense(4)]
        partial class A { }

        [Network, Input(10)]
        [Dense(4)]
        internal partial class B { }
        """);

    [Fact]
    public Task A_network_nested_in_a_class_that_is_not_partial_makes_that_class_partial() => Verify(
        """
        using NetDsl;
        namespace Test;

        public static class {|ND0012:Models|}
        {
            [Network, Input(10)] [Dense(4)]
            public partial class Net { }
        }
        """,
        """
        using NetDsl;
        namespace Test;

        public static partial class Models
        {
            [Network, Input(10)] [Dense(4)]
            public partial class Net { }
        }
        """,
        title: "Make 'Models' partial",
        // Reported while the analyzer checks Net, at Models: a non-local diagnostic (see the block's ND0008 below).
        behaviors: CodeFixTestBehaviors.SkipLocalDiagnosticCheck);

    // ---- ND0008, ND0009, ND0021: ReplaceName ---------------------------------------------------------------------------

    [Fact]
    public Task A_misspelt_input_name_is_replaced_by_the_nearest_one() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(4)]
        [Dense(4, Name = "hidden")]
        [Dense(4, From = "{|ND0021:hiden|}")]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(4)]
        [Dense(4, Name = "hidden")]
        [Dense(4, From = "hidden")]
        public partial class Net { }
        """,
        title: "Replace 'hiden' with 'hidden'");

    [Fact]
    public Task A_misspelt_merge_input_is_replaced_inside_its_string() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(4)]
        [Dense(4, Name = "hidden")]
        [Dense(4, Name = "other", From = "input")]
        [Add("{|ND0021:hiden|}", "other")]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(4)]
        [Dense(4, Name = "hidden")]
        [Dense(4, Name = "other", From = "input")]
        [Add("hidden", "other")]
        public partial class Net { }
        """);

    [Fact]
    public Task A_misspelt_parameter_in_an_expression_is_replaced_leaving_the_rest() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Conv2D("{|ND0008:inputChanels|} * factor", 1)]
        public sealed class WideAttribute : BlockAttribute { public WideAttribute(int factor) { } }

        [Network, Input(3, 8, 8)] [Wide(2)] [GlobalAveragePooling2D]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Conv2D("inputChannels * factor", 1)]
        public sealed class WideAttribute : BlockAttribute { public WideAttribute(int factor) { } }

        [Network, Input(3, 8, 8)] [Wide(2)] [GlobalAveragePooling2D]
        public partial class Net { }
        """,
        title: "Replace 'inputChanels' with 'inputChannels'",
        // A block's own error is reported while the analyzer checks a network that uses it, at a location in the block's
        // declaration: a non-local diagnostic, which the IDE offers the fix for once it has analysed the whole project.
        behaviors: CodeFixTestBehaviors.SkipLocalDiagnosticCheck);

    [Fact]
    public Task A_misspelt_enum_member_in_an_expression_is_replaced_by_the_nearest_member() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Dense(4, Activation = "{|ND0009:Activation.Relu|}")]
        public sealed class HeadAttribute : BlockAttribute { }

        [Network, Input(8)] [Head]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Dense(4, Activation = "Activation.ReLU")]
        public sealed class HeadAttribute : BlockAttribute { }

        [Network, Input(8)] [Head]
        public partial class Net { }
        """,
        title: "Replace 'Activation.Relu' with 'Activation.ReLU'",
        behaviors: CodeFixTestBehaviors.SkipLocalDiagnosticCheck);

    // ---- ND0004, ND0005: PaddingSame -------------------------------------------------------------------------

    [Fact]
    public Task A_kernel_larger_than_its_input_gets_same_padding() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [{|ND0005:Conv2D(4, 3)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [Conv2D(4, 3, Padding = Padding.Same)]
        public partial class Net { }
        """,
        title: "Set Padding = Padding.Same");

    [Fact]
    public Task Same_padding_takes_the_place_of_an_explicit_pad() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [{|ND0005:Conv2D(4, 5, Pad = 1, Name = "wide")|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [Conv2D(4, 5, Padding = Padding.Same, Name = "wide")]
        public partial class Net { }
        """);

    [Fact]
    public Task A_pool_that_shrinks_the_image_to_nothing_gets_same_padding() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [MaxPooling2D(4)]
        [{|ND0004:MaxPooling2D(4, Name = "pool")|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 8, 8)]
        [MaxPooling2D(4)]
        [MaxPooling2D(4, Name = "pool", Padding = Padding.Same)]
        public partial class Net { }
        """);

    [Fact]
    public Task Fix_all_sets_same_padding_and_adds_one_using_where_the_file_has_none() => Verify(
        """
        namespace Test;

        [NetDsl.Network, NetDsl.Input(1, 4, 4)]
        [NetDsl.Conv2D(4, 3)]
        [{|ND0005:NetDsl.Conv2D(4, 3)|}]
        public partial class A { }

        [NetDsl.Network, NetDsl.Input(3, 8, 8)]
        [NetDsl.MaxPooling2D(4), {|ND0004:NetDsl.MaxPooling2D(4)|}]
        public partial class B { }
        """,
        """
        using NetDsl;

        namespace Test;

        [NetDsl.Network, NetDsl.Input(1, 4, 4)]
        [NetDsl.Conv2D(4, 3)]
        [NetDsl.Conv2D(4, 3, Padding = Padding.Same)]
        public partial class A { }

        [NetDsl.Network, NetDsl.Input(3, 8, 8)]
        [NetDsl.MaxPooling2D(4), NetDsl.MaxPooling2D(4, Padding = Padding.Same)]
        public partial class B { }
        """);

    [Fact]
    public Task Same_padding_is_written_in_full_where_another_Padding_is_in_scope() => Verify(
        """
        using NetDsl;
        namespace Test;

        public enum Padding { Inside, Outside }

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [{|ND0005:Conv2D(4, 3)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        public enum Padding { Inside, Outside }

        [Network, Input(1, 4, 4)]
        [Conv2D(4, 3)]
        [Conv2D(4, 3, Padding = global::NetDsl.Padding.Same)]
        public partial class Net { }
        """);

    // ---- ND0003: RemoveShortcut, ProjectShortcut -----------------------------------------------------------

    private const string Residual = """
        using NetDsl;
        namespace Test;

        [Conv2D("filters", 1, Name = "conv")]
        [{|#1:Add|}]
        public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }

        [Network, Input(8, 16, 16)]
        [{|#0:Residual(12)|}]
        public partial class Net { }
        """;

    /// <summary>ND0003 on the block's use, with the block's [Add] as its additional location (Layer = "1").</summary>
    private static DiagnosticResult Nd0003 => new DiagnosticResult("ND0003", DiagnosticSeverity.Error).WithLocation(0).WithLocation(1);

    private static async Task VerifyShortcut(string source, string fixedSource, string key, string? title = null)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = key };
        test.ExpectedDiagnostics.Add(Nd0003);
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }
        await test.RunAsync(CancellationToken.None);
        GeneratesCompilingCode(("Model.cs", fixedSource));
    }

    [Fact]
    public Task A_shortcut_whose_shapes_differ_can_be_removed() => VerifyShortcut(
        Residual,
        """
        using NetDsl;
        namespace Test;

        [Conv2D("filters", 1, Name = "conv")]
        public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }

        [Network, Input(8, 16, 16)]
        [Residual(12)]
        public partial class Net { }
        """,
        "NetDsl.RemoveShortcut", "Remove the shortcut [Add]");

    [Fact]
    public Task A_shortcut_whose_shapes_differ_can_be_projected_by_a_1x1_convolution() => VerifyShortcut(
        Residual,
        """
        using NetDsl;
        namespace Test;

        [Conv2D("filters", 1, Name = "conv")]
        [Conv2D("filters", 1, UseBias = false, From = "input", Name = "shortcut")]
        [Add("conv", "shortcut")]
        public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }

        [Network, Input(8, 16, 16)]
        [Residual(12)]
        public partial class Net { }
        """,
        "NetDsl.ProjectShortcut");

    [Fact]
    public Task A_strided_shortcut_is_projected_with_the_stride() => VerifyShortcut(
        """
        using NetDsl;
        namespace Test;

        [Conv2D(8, 3, "strides", Name = "conv", Padding = Padding.Same), {|#1:Add|}]
        public sealed class DownAttribute : BlockAttribute { public DownAttribute(int strides) { } }

        [Network, Input(8, 16, 16)]
        [{|#0:Down(2)|}]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Conv2D(8, 3, "strides", Name = "conv", Padding = Padding.Same), Conv2D("inputChannels", 1, "strides", UseBias = false, From = "input", Name = "shortcut"), Add("conv", "shortcut")]
        public sealed class DownAttribute : BlockAttribute { public DownAttribute(int strides) { } }

        [Network, Input(8, 16, 16)]
        [Down(2)]
        public partial class Net { }
        """,
        "NetDsl.ProjectShortcut");

    [Fact]
    public async Task A_shortcut_in_a_block_of_another_file_is_removed_there_once_for_all_its_uses()
    {
        const string block = """
            using NetDsl;
            namespace Test;

            [Conv2D("filters", 1, Name = "conv")] [{|#2:Add|}]
            public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }
            """;
        const string networks = """
            using NetDsl;
            namespace Test;

            [Network, Input(8, 16, 16)] [{|#0:Residual(12)|}] public partial class A { }
            [Network, Input(4, 16, 16)] [{|#1:Residual(8)|}] public partial class B { }
            """;
        var fixedBlock = """
            using NetDsl;
            namespace Test;

            [Conv2D("filters", 1, Name = "conv")]
            public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }
            """;
        var fixedNetworks = networks.Replace("{|#0:", "", StringComparison.Ordinal).Replace("{|#1:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal);
        var test = new Test { CodeActionEquivalenceKey = "NetDsl.RemoveShortcut" };
        test.TestState.Sources.Add(("Blocks.cs", block));
        test.TestState.Sources.Add(("Networks.cs", networks));
        test.FixedState.Sources.Add(("Blocks.cs", fixedBlock));
        test.FixedState.Sources.Add(("Networks.cs", fixedNetworks));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("ND0003", DiagnosticSeverity.Error).WithLocation(0).WithLocation(2));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("ND0003", DiagnosticSeverity.Error).WithLocation(1).WithLocation(2));
        await test.RunAsync(CancellationToken.None);
        GeneratesCompilingCode(("Blocks.cs", fixedBlock), ("Networks.cs", fixedNetworks));
    }

    // ---- ND0104: ReorderInput --------------------------------------------------------------------------------

    [Fact]
    public Task An_input_written_height_width_channels_is_reordered() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, {|ND0104:Input(224, 224, 3)|}]
        [Conv2D(8, 3, 2)]
        [GlobalAveragePooling2D]
        [Dense(10)]
        public partial class Net { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 224, 224)]
        [Conv2D(8, 3, 2)]
        [GlobalAveragePooling2D]
        [Dense(10)]
        public partial class Net { }
        """,
        title: "Write the input channels first: Input(3, 224, 224)");

    [Fact]
    public Task Fix_all_reorders_every_input_of_the_document() => Verify(
        """
        using NetDsl;
        namespace Test;

        [Network, {|ND0104:Input(32, 32, 3)|}] [Conv2D(8, 3)] [GlobalAveragePooling2D]
        public partial class A { }

        [Network]
        [{|ND0104:Input(64, 48, 3)|}]
        [Conv2D(8, 3)] [GlobalAveragePooling2D]
        public partial class B { }
        """,
        """
        using NetDsl;
        namespace Test;

        [Network, Input(3, 32, 32)] [Conv2D(8, 3)] [GlobalAveragePooling2D]
        public partial class A { }

        [Network]
        [Input(3, 64, 48)]
        [Conv2D(8, 3)] [GlobalAveragePooling2D]
        public partial class B { }
        """);

    // ---- no fix ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_diagnostic_without_a_fix_offers_none()
    {
        const string source = """
            using NetDsl;
            namespace Test;

            [{|ND0001:Network|}] [Dense(10)]
            public partial class Net { }
            """;
        await new Test { TestCode = source, FixedCode = source }.RunAsync(CancellationToken.None);
    }
}
