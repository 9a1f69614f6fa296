using System.Linq;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The generated code of every seed model and of the graph samples (ResNet, Inception, U-Net, SE blocks), reviewed in diffs as committed snapshots.</summary>
public sealed class GeneratedSourceSnapshotTests
{
    private static readonly GeneratorDriverRunResult Result = TestCompilation.Generate(TestCompilation.Create(TestCompilation.SampleModels())).Result;

    [Theory]
    [InlineData("MobileNetV2")]
    [InlineData("MobileNetV2ImageNet")]
    [InlineData("MobileNetV2L1")]
    [InlineData("MobileNetV2L2")]
    [InlineData("MobileNetV2L2NoBatchNorm")]
    [InlineData("MobileNetV2BatchNormAfter")]
    [InlineData("MnistMlpBatchNorm")]
    [InlineData("MnistMlp")]
    [InlineData("MnistDropoutMlp")]
    [InlineData("MnistBatchNormMlp")]
    [InlineData("SmallResNet")]
    [InlineData("SmallInception")]
    [InlineData("SmallUNet")]
    [InlineData("SmallSEResNet")]
    public void Generated_source_matches_snapshot(string network)
    {
        var file = Result.Results.Single().GeneratedSources.Single(s => s.HintName == $"NetDsl.Samples.Models.{network}.g.cs");
        Snapshot.Match(network, file.SourceText.ToString());
    }

    [Fact]
    public void Generated_code_compiles_without_diagnostics()
    {
        var (output, result) = TestCompilation.Generate(TestCompilation.Create(TestCompilation.SampleModels()));
        result.Diagnostics.Should().BeEmpty();
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Should().BeEmpty();
        TestCompilation.AnalyzerDiagnostics(output).Should().BeEmpty("the seed models are valid");
    }

    [Fact]
    public void Snapshot_diff_shows_the_changed_lines()
    {
        var diff = Snapshot.Diff("a\nb\nc\nd", "a\nb\nX\nd");
        diff.Should().Contain("- c").And.Contain("+ X").And.Contain("2: b");
    }
}
