using System.Linq;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generators;
using NetDsl.Generators.Model;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The incremental pipeline caches, and the generator turns its own failures into diagnostics.</summary>
public sealed class IncrementalTests
{
    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = TestCompilation.Create(TestCompilation.SampleModels());
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new NetDslGenerator().AsSourceGenerator() },
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 1; }", TestCompilation.ParseOptions));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        foreach (var step in new[] { NetDslGenerator.ParseStep, NetDslGenerator.InferStep, NetDslGenerator.EmitStep })
        {
            result.TrackedSteps.Should().ContainKey(step);
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            reasons.Should().NotBeEmpty();
            reasons.Should().OnlyContain(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged, $"step {step}");
        }
        result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Should().OnlyContain(o => o.Reason == IncrementalStepRunReason.Cached || o.Reason == IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_a_network_regenerates_only_that_network()
    {
        const string a = "using NetDsl; [Network, Input(10)] [Dense(4)] public partial class A { }";
        const string b = "using NetDsl; [Network, Input(10)] [Dense(5)] public partial class B { }";
        var compilation = TestCompilation.Create(("A.cs", a), ("B.cs", b));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new NetDslGenerator().AsSourceGenerator() },
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        var oldTree = compilation.SyntaxTrees.First(t => t.FilePath == "A.cs");
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(a.Replace("Dense(4)", "Dense(6)"), TestCompilation.ParseOptions, "A.cs")));
        var emit = driver.GetRunResult().Results.Single().TrackedSteps[NetDslGenerator.EmitStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        emit.Should().Contain(IncrementalStepRunReason.Modified).And.Contain(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        var files = driver.GetRunResult().Results.Single().TrackedSteps[NetDslGenerator.OutputStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        files.Should().HaveCount(2).And.ContainSingle(r => r == IncrementalStepRunReason.Modified, "only A's file is added again");
        // An editor re-checks the whole compilation per keystroke: B's source output is not run again.
        driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason)
            .Should().HaveCount(2).And.ContainSingle(r => r == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void An_emitter_failure_becomes_ND0099_and_a_compilable_stub()
    {
        var compilation = TestCompilation.Create("using NetDsl; [Network, Input(10)] [Dense(4)] public partial class Net { }");
        var type = compilation.GetTypeByMetadataName("Net")!;
        var model = NetDsl.Generators.Parsing.NetworkParser.Parse(type, compilation, default);
        var analyzed = NetDslGenerator.Analyze(model);
        // A lowered network with a layer kind no emitter knows makes the emitter fail.
        var broken = GeneratorRun.WithUnknownKind(analyzed.Inference);
        var file = GeneratedFile.From(analyzed.Model, broken);
        file.Failure.Should().NotBeNull();
        file.Source.Should().Contain("partial class Net").And.Contain("has NetDsl errors");
        var withStub = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(file.Source!, TestCompilation.ParseOptions));
        withStub.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
    }

    [Fact]
    public void Generator_and_analyzer_run_the_same_checks()
    {
        // The analyzer reports what the shared parser and inference find; the generator then emits only a stub.
        const string source = "using NetDsl; [Network, Input(3, 8, 8)] [Conv2D(4, 9)] public partial class Net { }";
        var compilation = TestCompilation.Create(source);
        var model = NetDsl.Generators.Parsing.NetworkParser.Parse(compilation.GetTypeByMetadataName("Net")!, compilation, default);
        var fromPipeline = NetDslGenerator.Analyze(model).Inference.Diagnostics.Select(d => d.Id).ToList();
        var (output, result) = TestCompilation.Generate(compilation);
        var fromAnalyzer = TestCompilation.AnalyzerDiagnostics(output).Select(d => d.Id).ToList();
        fromAnalyzer.Should().Equal(fromPipeline).And.Equal("ND0005");
        result.GeneratedTrees.Single().ToString().Should().Contain("has NetDsl errors");
    }
}
