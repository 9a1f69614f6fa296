using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using NetDsl.Generators;
using Xunit;

namespace NetDsl.Tests;

/// <summary>`dotnet build` and the analyzer (what the editor shows) report the same NetDsl diagnostics.</summary>
public sealed class BuildParityTests
{
    private const string Source = """
        using NetDsl;
        namespace Parity;

        [Conv2D("filters", 1, Name = "conv")] [Add(Name = "shortcut")]
        public sealed class ResidualAttribute : BlockAttribute { public ResidualAttribute(int filters) { } }

        [Network, Input(8, 16, 16)] [Residual(8)] [Residual(12)] public partial class AddMismatch { }
        [Network, Input(10)] [Dense(4), BatchNorm] public partial class WastedBias { }
        [Network, Input(4)] [Dense(4, Name = "lost")] [Dense(2, From = "input")] public partial class Unused { }
        [Network] [Dense(4)] public partial class NoInput { }
        """;

    [Fact]
    public void Build_and_analyzer_report_identical_diagnostics()
    {
        var output = Build(Source);
        // The build writes each message followed by its help link: "(…/docs/diagnostics.md#nd0003)".
        output.Should().Contain("/docs/diagnostics.md#nd0003)", "the help link reaches the build output");
        var fromBuild = Regex.Matches(output, @"Model\.cs\((\d+),(\d+)\): (error|warning) (ND\d{4}): (.*?)(?: \(https://[^ ]*#nd\d{4}\))? \[[^\]]*Parity\.csproj\]\r?$", RegexOptions.Multiline)
            .Select(m => $"{m.Groups[1].Value},{m.Groups[2].Value} {m.Groups[4].Value} {m.Groups[5].Value}")
            .Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();

        // The build prints errors and warnings; suggestions (Info, such as ND0101) show in the editor only.
        var fromAnalyzer = TestCompilation.Analyze(Source)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d =>
            {
                var position = d.Location.GetLineSpan().StartLinePosition;
                return $"{position.Line + 1},{position.Character + 1} {d.Id} {d.GetMessage()}";
            })
            .OrderBy(s => s, StringComparer.Ordinal).ToList();

        fromAnalyzer.Select(s => s.Split(' ')[1]).Should().BeEquivalentTo(new[] { "ND0001", "ND0003", "ND0103" });
        fromBuild.Should().Equal(fromAnalyzer, "build output was:\n" + output);
    }

    /// <summary>
    /// docs/diagnostics.md, "C# errors beside ND errors": wrong arguments of an attribute are a C# error in a declaration,
    /// and the command-line compiler runs no analyzer once such an error exists, so `dotnet build` shows the C# error
    /// alone, not even the ND error of another network; the analyzer, run as an editor runs it, still reports that one.
    /// An error in a statement stops no analyzer: the build shows it beside the ND error.
    /// </summary>
    [Fact]
    public void A_CSharp_error_in_an_attribute_leaves_the_ND_errors_to_the_editor()
    {
        const string networks = """
            [Network, Input(1, 28, 28)] [Conv2D(16, 3), ReLU] [Dense(10)] public partial class Unflattened { }
            [Network, Input(1, 28, 28)] [Conv2D(16), ReLU] [GlobalAveragePooling2D, Dense(10)] public partial class NoKernel { }

            """;
        var declarationError = "using NetDsl;\nnamespace Parity;\n\n" + networks;
        Errors(Build(declarationError)).Should().Equal(new[] { "CS1729" }, "the build runs no analyzer after a declaration error");
        var (output, _) = TestCompilation.Generate(TestCompilation.Create(declarationError));
        output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Should().Equal("CS1729");
        TestCompilation.AnalyzerDiagnostics(output).Select(d => d.Id).Should().Equal(new[] { "ND0007" }, "the editor runs the analyzer all the same");

        var statementError = "using NetDsl;\nnamespace Parity;\n\n" + networks.Replace("[Conv2D(16)", "[Conv2D(16, 3)", StringComparison.Ordinal)
            + "public static class Use { public static object Run() => undefinedName; }\n";
        Errors(Build(statementError)).Should().BeEquivalentTo("CS0103", "ND0007");
    }

    private static List<string> Errors(string buildOutput) =>
        Regex.Matches(buildOutput, @"Model\.cs\(\d+,\d+\): error (\w+):").Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>`dotnet build` of a project whose one file is <paramref name="source"/>, with NetDsl and its generator; its output.</summary>
    private static string Build(string source)
    {
        var folder = Path.Combine(Path.GetTempPath(), "netdsl-parity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Model.cs"), source);
            File.WriteAllText(Path.Combine(folder, "Parity.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                {TestCompilation.ProjectReferences}
                </Project>
                """);
            return TestCompilation.DotnetBuild(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
