using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// What a user sees in an editor while a network is wrong: one precise error per fault, at the line they wrote, every
/// independent error in one pass, no C# error anywhere beside it, and what a code fix needs on the diagnostic.
/// </summary>
public sealed class EditorExperienceTests
{
    private const string Usings = "using NetDsl;\nnamespace Test;\n";

    /// <summary>A second file that uses every member a network has, as user code does.</summary>
    private static string User(string network, bool keyed = false) => Usings + $$"""
        public static class Use
        {
            public static object Everything()
            {
                NetDsl.Shape input = {{network}}.InputShape, output = {{network}}.OutputShape;
                long counts = {{network}}.TrainableParameters + {{network}}.NonTrainableParameters + {{network}}.MultiplyAdds
                    + {{network}}.ParameterBytes + {{network}}.InferenceActivationBytes + {{network}}.TrainingActivationBytes;
                string summary = {{network}}.Summary;
                var model = new {{network}}();
                TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> module = model;
                NetDsl.IRegularizedModule regularized = model;
                var loss = model.RegularizationLoss();
                var y = model.forward(TorchSharp.torch.zeros(1));
                {{(keyed ? $"var keys = {network}.StateDictKeys; NetDsl.IStateDictKeys table = model;" : string.Empty)}}
                return (input, output, counts, summary, module, regularized, loss, y);
            }
        }
        """;

    public static IEnumerable<object[]> BrokenNetworks() => new[]
    {
        new object[] { "[Network, Input(1, 4, 4)] [Conv2D(4, 3)] [Conv2D(4, 3)] [Flatten] [Dense(2)] public partial class Net { }", false },
        new object[] { "[Network, Input(3, 8, 8)] [Conv2D(4, 3)] [Dense(10)] public partial class Net { }", false },
        new object[] { "[Network] [Dense(4)] public partial class Net { }", false },
        new object[] { "[Network, Input(4)] [Dense(0)] public partial class Net { }", false },
        new object[] { "[Network, Input(4)] [Dense(4, Key = \"fc\")] [Dense(4, Key = \"fc\")] public partial class Net { }", true },
        new object[] { "[Network, Input(4)] [Dense(4, Key = \"fc\")] [Dropout(2.0)] public partial class Net { }", true },
        new object[] { "[Network, Input(4)] [Dense(\"width\")] public partial class Net { }", false },
    };

    [Theory]
    [MemberData(nameof(BrokenNetworks))]
    public void A_network_with_errors_keeps_every_member_so_the_ND_error_is_the_only_error(string network, bool keyed)
    {
        var run = GeneratorRun.Of(("Model.cs", Usings + network), ("Use.cs", User("Net", keyed)));
        run.NetDslErrors.Should().NotBeEmpty();
        run.OutputErrors.Should().BeEmpty("user code that uses the network must not fail while its attributes are wrong");
        run.Violations().Should().BeEmpty();
    }

    [Fact]
    public void A_valid_network_has_exactly_the_members_the_stub_has()
    {
        var valid = GeneratorRun.Of(("Model.cs", Usings + "[Network, Input(4)] [Dense(4, Key = \"fc\")] public partial class Net { }"), ("Use.cs", User("Net", keyed: true)));
        valid.NetDslErrors.Should().BeEmpty();
        valid.OutputErrors.Should().BeEmpty();
    }

    [Fact]
    public void A_class_that_is_not_partial_gets_no_generated_code_so_ND0012_is_the_only_error()
    {
        var run = GeneratorRun.Of(Usings + "[Network, Input(4)] [Dense(2)] public class Net { }");
        run.GeneratedSources.Should().BeEmpty();
        run.OutputErrors.Should().BeEmpty("a generated partial part would add CS0260");
        var error = run.NetDslErrors.Should().ContainSingle().Which;
        error.Id.Should().Be("ND0012");
        error.Properties["Fix"].Should().Be("AddPartial");
        Text(error).Should().Be("Net");
    }

    [Fact]
    public void Every_independent_error_of_a_network_is_reported_in_one_pass()
    {
        // A window that does not fit, then a Dense fed a feature map: both are faults; the second is certain
        // although the first left the spatial size unknown, since the rank is known.
        var run = GeneratorRun.Of(Usings + """
            [Network, Input(1, 4, 4)]
            [Conv2D(4, 5)]
            [Dense(10)]
            public partial class Net { }
            """);
        run.NetDslErrors.Select(d => d.Id).Should().BeEquivalentTo(new[] { "ND0005", "ND0007" });
        run.NetDslErrors.Select(Text).Should().BeEquivalentTo(new[] { "Conv2D(4, 5)", "Dense(10)" });
        run.Violations().Should().BeEmpty();
    }

    [Fact]
    public void A_layer_after_a_failed_one_reports_nothing_that_only_follows_from_the_first_error()
    {
        // The second and third convolutions would not fit a 0×0 map, but that map only exists because of the first error.
        var run = GeneratorRun.Of(Usings + """
            [Network, Input(1, 4, 4)]
            [Conv2D(4, 5)]
            [Conv2D(4, 3)]
            [MaxPooling2D(2)]
            [Flatten]
            [Dense(10)]
            public partial class Net { }
            """);
        var error = run.NetDslErrors.Should().ContainSingle().Which;
        error.Id.Should().Be("ND0005");
        Text(error).Should().Be("Conv2D(4, 5)");
    }

    [Fact]
    public void Errors_in_independent_branches_are_all_reported()
    {
        var run = GeneratorRun.Of(Usings + """
            [Network, Input(3, 4, 4)]
            [Conv2D(4, 5, Name = "a")]
            [Conv2D(4, 7, From = "input", Name = "b")]
            [Concatenate("a", "b")]
            [Flatten]
            [Dense(2)]
            public partial class Net { }
            """);
        run.NetDslErrors.Select(d => d.Id).Should().Equal("ND0005", "ND0005");
        run.NetDslErrors.Select(Text).Should().BeEquivalentTo(new[] { "Conv2D(4, 5, Name = \"a\")", "Conv2D(4, 7, From = \"input\", Name = \"b\")" });
    }

    private const string Blocks = """
        [Conv2D("filters", 3, Padding = Padding.Same, UseBias = false), BatchNorm, Activation(Activation.ReLU)]
        [Conv2D("filters", 3, Padding = Padding.Same, UseBias = false), BatchNorm]
        [Add]
        public sealed class PlainAttribute : BlockAttribute { public PlainAttribute(int filters) { } }

        [Plain(8)]
        [Plain(12)]
        [Plain(8)]
        public sealed class StageAttribute : BlockAttribute { }
        """;

    [Fact]
    public void An_error_inside_a_block_is_reported_at_the_usage_the_user_wrote_with_the_layer_and_outer_usages_as_additional_locations()
    {
        var run = GeneratorRun.Of(Usings + Blocks + """

            [Network, Input(8, 8, 8)] [Stage] [GlobalAveragePooling2D] [Dense(2)] public partial class Net { }
            """);
        // [Plain(12)] changes the channels, so its Add fails; what follows it reads an output inference could not
        // finish, and reports nothing that would only follow from this error.
        var first = run.NetDslErrors.Should().ContainSingle().Which;
        first.Id.Should().Be("ND0003");
        Text(first).Should().Be("Plain(12)");
        first.GetMessage().Should().StartWith("stage_1.plain_2.add_1: Add needs equal shapes");
        first.AdditionalLocations.Select(l => l.SourceTree!.GetText().ToString(l.SourceSpan)).Should().Equal("Add", "Stage");
        first.Properties["Layer"].Should().Be("1", "the failing [Add] is the first additional location");
        first.Properties["Fix"].Should().Be("RemoveShortcut,ProjectShortcut");
        // Written as the block writes its channels: another use of Plain has other filters.
        first.Properties["Filters"].Should().Be("filters");
        first.Properties["Strides"].Should().Be("1");
    }

    [Fact]
    public void An_editor_analysing_only_the_block_file_gets_the_error_located_there()
    {
        // Roslyn's document analysis (what an editor runs for an open file) reports the diagnostics of the symbol
        // actions of the types declared in that document: the block's error must come from the block's action.
        var compilation = TestCompilation.Create(("Blocks.cs", Usings + Blocks), ("Net.cs", Usings + "[Network, Input(8, 8, 8)] [Stage] [GlobalAveragePooling2D] [Dense(2)] public partial class Net { }"));
        var withAnalyzers = compilation.WithAnalyzers(System.Collections.Immutable.ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new NetDslAnalyzer()));
        System.Collections.Immutable.ImmutableArray<Diagnostic> Document(string path)
        {
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
            return withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), null, System.Threading.CancellationToken.None).Result;
        }
        var inBlocks = Document("Blocks.cs");
        inBlocks.Should().ContainSingle(d => d.Id == "ND0003").Which.Location.SourceTree!.FilePath.Should().Be("Blocks.cs");
        Document("Net.cs").Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty("the network's file holds no error of its own");
    }

    [Fact]
    public void A_base_network_that_fails_reports_once_and_not_again_for_each_variant()
    {
        var run = GeneratorRun.Of(Usings + Blocks + """

            [Network, Input(8, 8, 8)] [Stage] [GlobalAveragePooling2D] [Dense(2)] public partial class Net { }
            [Variant(typeof(Net), BatchNorm = BatchNormPlacement.None)] public partial class NoBatchNorm { }
            [Variant(typeof(Net), BatchNorm = BatchNormPlacement.AfterActivation)] public partial class After { }
            """);
        run.NetDslErrors.Select(Text).Should().Equal("Plain(12)");
    }

    [Fact]
    public void A_variant_that_alone_fails_is_reported_on_its_own_attribute()
    {
        var run = GeneratorRun.Of(Usings + """
            [Network, Input(3, 8, 8)] [Conv2D(4, 5)] [Conv2D(4, 3)] [Flatten] [Dense(2)] public partial class Base { }
            [Variant(typeof(Base)), Input(3, 6, 6)] public partial class Small { }
            [Variant(typeof(Base), BatchNorm = BatchNormPlacement.None)] public partial class Same { }
            """);
        run.NetDslErrors.Should().ContainSingle().Which.Should().Match<Diagnostic>(d => Text(d) == "Input(3, 6, 6)" && d.GetMessage().StartsWith("Small (variant of Base)", StringComparison.Ordinal));
    }

    [Fact]
    public void Dense_fed_a_feature_map_offers_flatten_and_global_pooling()
    {
        var error = GeneratorRun.Of(Usings + "[Network, Input(3, 8, 8)] [Conv2D(4, 3)] [Dense(10)] public partial class Net { }").NetDslErrors.Single();
        error.Properties["Fix"].Should().Be("InsertFlatten,InsertGlobalAveragePooling");
        error.Properties["Pooling"].Should().Be("GlobalAveragePooling2D");
        error.Properties["Layer"].Should().Be("0");
    }

    [Fact]
    public void A_window_that_does_not_fit_names_its_minimum_input_and_offers_padding_same()
    {
        var error = GeneratorRun.Of(Usings + "[Network, Input(3, 2, 9)] [MaxPooling2D(3)] [Flatten] public partial class Net { }").NetDslErrors.Single();
        error.Id.Should().Be("ND0004");
        error.GetMessage().Should().Contain("the 3×3 window needs an input of at least 3×3").And.Contain("Padding = Padding.Same");
        error.Properties["Fix"].Should().Be("PaddingSame");
    }

    [Fact]
    public void An_unknown_name_offers_the_nearest_one()
    {
        var error = GeneratorRun.Of(Usings + """
            [Conv2D("inputChanels * 2", 1)] public sealed class WideAttribute : BlockAttribute { }
            [Network, Input(4, 8, 8)] [Wide] [Flatten] public partial class Net { }
            """).NetDslErrors.Single();
        error.Id.Should().Be("ND0008");
        Text(error).Should().Be("inputChanels");
        error.Properties["Fix"].Should().Be("ReplaceName");
        error.Properties["Replacement"].Should().Be("inputChannels");
    }

    [Fact]
    public void A_wasted_bias_is_a_suggestion_with_a_fix_and_does_not_break_a_warnings_as_errors_build()
    {
        var run = GeneratorRun.Of(Usings + "[Network, Input(10)] [Dense(4), BatchNorm] [Dense(2)] public partial class Net { }");
        var note = run.AnalyzerDiagnostics.Should().ContainSingle(d => d.Id == "ND0101").Which;
        note.Severity.Should().Be(DiagnosticSeverity.Info);
        note.Properties["Fix"].Should().Be("UseBiasFalse");
        run.AnalyzerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Should().BeEmpty();
    }

    [Fact]
    public void An_input_written_height_width_channels_gets_a_hint_and_the_reordered_input()
    {
        var note = GeneratorRun.Of(Usings + "[Network, Input(224, 224, 3)] [GlobalAveragePooling2D] [Dense(2)] public partial class Net { }")
            .AnalyzerDiagnostics.Should().ContainSingle(d => d.Id == "ND0104").Which;
        note.GetMessage().Should().Contain("did you mean [Input(3, 224, 224)]");
        note.Properties["Input"].Should().Be("3, 224, 224");
        Text(note).Should().Be("Input(224, 224, 3)");
    }

    [Fact]
    public void Every_rule_links_to_its_entry_in_the_diagnostics_documentation()
    {
        foreach (var rule in new NetDslAnalyzer().SupportedDiagnostics)
        {
            rule.HelpLinkUri.Should().EndWith("/docs/diagnostics.md#" + rule.Id.ToLowerInvariant()).And.StartWith("https://");
        }
        var documented = System.IO.File.ReadAllLines(System.IO.Path.Combine(Root(), "docs", "diagnostics.md"))
            .Where(l => l.StartsWith("## ND", StringComparison.Ordinal)).Select(l => l.Substring(3).Trim()).ToList();
        documented.Should().BeEquivalentTo(new NetDslAnalyzer().SupportedDiagnostics.Select(r => r.Id), "each heading is exactly the ID, so the help link's anchor finds it");
    }

    private static string Root([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(here)!, "..", ".."));

    private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);
}
