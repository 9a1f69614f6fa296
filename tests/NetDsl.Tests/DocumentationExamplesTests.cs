using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every ```csharp example in README.md and docs/ (docs/getting-started.md included) compiles as the Program.cs of a
/// fresh `dotnet new console` project would: an executable with top-level statements, the SDK's implicit usings and
/// warning level, the SDK's code analyzers (the CA rules) at their default settings, and NetDsl's generator and
/// analyzer. It gets no error, no warning and no message (info-level diagnostic) from any of them, except the NetDsl
/// errors it says it shows with a "// error NDxxxx" comment.
/// An example that is a whole Program.cs says so in an HTML comment right before it, "&lt;!-- example Program.cs --&gt;",
/// which readers do not see: it is compiled exactly as written, and also built by `dotnet build` in a real console
/// project (<see cref="Program_examples_build_clean_in_a_console_project"/>). Any other example is a fragment that may use
/// NetDsl, its namespaces and the sample models without a using; what it uses without declaring it (the images of a
/// batch, say) is declared in an HTML comment right before it, "&lt;!-- example prelude: ... --&gt;".
/// </summary>
public sealed partial class DocumentationExamplesTests
{
    /// <summary>What a fragment may use without writing it (System and the rest come from the implicit usings).</summary>
    private const string Usings = """
        using NetDsl;
        using NetDsl.Data;
        using NetDsl.Onnx;
        using NetDsl.Reporting;
        using NetDsl.Samples.Models;
        using NetDsl.Training;
        using static TorchSharp.torch;

        """;

    private static string Root([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    public static IEnumerable<object[]> Examples()
    {
        var root = Root();
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").OrderBy(f => f, StringComparer.Ordinal));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var index = 0;
            foreach (Match match in Block().Matches(text))
            {
                index++;
                var name = Path.GetRelativePath(root, file).Replace('\\', '/') + " #" + index;
                yield return new object[] { name, match.Groups["program"].Success, match.Groups["prelude"].Value, match.Groups["code"].Value };
            }
        }
    }

    [GeneratedRegex(@"(?:<!-- example (?:(?<program>Program\.cs)|prelude:(?<prelude>[\s\S]*?))\s*-->\s*)?```csharp\n(?<code>[\s\S]*?)```")]
    private static partial Regex Block();

    [GeneratedRegex(@"error (ND\d{4})")]
    private static partial Regex ExpectedError();

    [Fact]
    public void The_quick_start_and_the_getting_started_programs_are_whole_programs()
    {
        var programs = Examples().Where(e => (bool)e[1]).Select(e => (string)e[0]).ToList();
        programs.Should().Contain("README.md #1");
        programs.Count(p => p.StartsWith("docs/getting-started.md", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles(string example, bool program, string prelude, string code)
    {
        var source = program ? code : AsProgram(prelude, code);
        var extra = program ? Array.Empty<Assembly>()
            : new[] { typeof(NetDsl.Samples.Models.MobileNetV2).Assembly, typeof(NetDsl.Onnx.OnnxNetwork).Assembly, typeof(Microsoft.ML.OnnxRuntime.SessionOptions).Assembly };
        var run = GeneratorRun.Of(TestCompilation.CreateConsoleProgram(source, extra));
        run.Violations().Should().BeEmpty(example);
        run.NetDslErrors.Select(d => d.Id).Should().BeEquivalentTo(ExpectedError().Matches(code).Select(m => m.Groups[1].Value), example);
        run.OutputErrors.Should().BeEmpty(example);

        var noise = run.Output.GetDiagnostics()
            .Concat(run.AnalyzerDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Error))
            .Concat(SdkAnalyzerDiagnostics(run.Output))
            .Where(d => d.Severity is DiagnosticSeverity.Info or DiagnosticSeverity.Warning)
            .Select(d => d.ToString());
        noise.Should().BeEmpty($"{example} would show these in a new console project:\n{source}");
    }

    /// <summary>
    /// The whole-program examples, each the Program.cs of a real console project (the project file of
    /// `dotnet new console`, with NetDsl, TorchSharp and the generator referenced), built by `dotnet build`: the build
    /// reports nothing but the NetDsl errors an example says it shows, not even a message (read from the compiler's
    /// SARIF log, which has every diagnostic of the compiler and the analyzers, info-level ones included).
    /// </summary>
    [Fact]
    public void Program_examples_build_clean_in_a_console_project()
    {
        var programs = Examples().Where(e => (bool)e[1]).Select(e => (Name: (string)e[0], Code: (string)e[3])).ToList();
        var folder = Path.Combine(Path.GetTempPath(), "netdsl-doc-programs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var solution = new StringBuilder("<Solution>\n");
            for (var i = 0; i < programs.Count; i++)
            {
                var project = Path.Combine(folder, "Example" + i);
                Directory.CreateDirectory(project);
                File.WriteAllText(Path.Combine(project, "Program.cs"), programs[i].Code);
                File.WriteAllText(Path.Combine(project, $"Example{i}.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <OutputType>Exe</OutputType>
                        <TargetFramework>net10.0</TargetFramework>
                        <ImplicitUsings>enable</ImplicitUsings>
                        <Nullable>enable</Nullable>
                        <ErrorLog>$(MSBuildProjectDirectory)/build.sarif,version=2.1</ErrorLog>
                      </PropertyGroup>
                    {TestCompilation.ProjectReferences}
                    </Project>
                    """);
                solution.Append($"  <Project Path=\"Example{i}/Example{i}.csproj\" />\n");
            }
            File.WriteAllText(Path.Combine(folder, "Examples.slnx"), solution.Append("</Solution>\n").ToString());

            var output = TestCompilation.DotnetBuild(folder, "Examples.slnx");

            // MSBuild's and NuGet's own warnings are not in the compiler's log.
            output.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).Should().BeEmpty("build output was:\n" + output);
            for (var i = 0; i < programs.Count; i++)
            {
                var log = Path.Combine(folder, "Example" + i, "build.sarif");
                File.Exists(log).Should().BeTrue($"{programs[i].Name} was compiled; build output was:\n{output}");
                var reported = SarifResults(log);
                var expected = ExpectedError().Matches(programs[i].Code).Select(m => "error " + m.Groups[1].Value);
                reported.Select(r => r.Split(':')[0]).Should().BeEquivalentTo(expected, $"{programs[i].Name} reported:\n{string.Join("\n", reported)}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"level ID: message (line)" for each error, warning and note in a SARIF 2.1 log.</summary>
    private static List<string> SarifResults(string path)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(path));
        var results = new List<string>();
        foreach (var run in log.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var list))
            {
                continue;
            }
            foreach (var result in list.EnumerateArray())
            {
                var level = result.TryGetProperty("level", out var l) ? l.GetString() : "warning";
                if (level is "error" or "warning" or "note")
                {
                    results.Add($"{level} {result.GetProperty("ruleId").GetString()}: {result.GetProperty("message").GetProperty("text").GetString()} ({result})");
                }
            }
        }
        return results;
    }

    /// <summary>
    /// The .NET SDK's code analyzers (Microsoft.CodeAnalysis.NetAnalyzers, the CA rules), from the SDK that built the
    /// tests, as a console project's build runs them: each rule at its default, and the rules newer than the project's
    /// analysis level off (the SDK's analysislevel_10_default.globalconfig turns off CA1516 only).
    /// </summary>
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> SdkAnalyzers = new(() =>
    {
        var folder = typeof(DocumentationExamplesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetAnalyzersDirectory").Value!;
        var loader = new AnalyzerLoader();
        var analyzers = new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" }
            .SelectMany(file => new AnalyzerFileReference(Path.Combine(folder, file), loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
        analyzers.SelectMany(a => a.SupportedDiagnostics).Should().Contain(d => d.Id == "CA1050", "the SDK's analyzers were loaded from " + folder);
        return analyzers;
    });

    private static ImmutableArray<Diagnostic> SdkAnalyzerDiagnostics(Compilation compilation)
    {
        var options = compilation.Options.WithSpecificDiagnosticOptions(compilation.Options.SpecificDiagnosticOptions.SetItem("CA1516", ReportDiagnostic.Suppress));
        var exceptions = new List<Exception>();
        var diagnostics = compilation.WithOptions(options)
            .WithAnalyzers(SdkAnalyzers.Value, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties()),
                onAnalyzerException: (e, _, _) => { lock (exceptions) { exceptions.Add(e); } }, concurrentAnalysis: false, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result;
        exceptions.Should().BeEmpty();
        return diagnostics;
    }

    /// <summary>The build properties the SDK hands the analyzers of a net10.0 console project (its GeneratedMSBuildEditorConfig).</summary>
    private sealed class BuildProperties : AnalyzerConfigOptionsProvider
    {
        private static readonly Options Global = new(new Dictionary<string, string>
        {
            ["build_property.TargetFramework"] = "net10.0",
            ["build_property.TargetFrameworkIdentifier"] = ".NETCoreApp",
            ["build_property.TargetFrameworkVersion"] = "v10.0",
            ["build_property._SupportedPlatformList"] = "Linux,macOS,Windows",
            ["build_property.RootNamespace"] = "ConsoleProgram",
            ["build_property.EffectiveAnalysisLevelStyle"] = "10.0",
        });

        private static readonly Options None = new(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GlobalOptions => Global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => None;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    /// <summary>A fragment as one file: its usings (less those already there), then its statements (after the prelude), then its declarations.</summary>
    private static string AsProgram(string prelude, string code)
    {
        var unit = CSharpSyntaxTree.ParseText(code, TestCompilation.ParseOptions).GetCompilationUnitRoot();
        var program = new StringBuilder(Usings);
        foreach (var directive in unit.Usings.Select(u => u.ToFullString().Trim()).Where(u => !Usings.Contains(u, StringComparison.Ordinal)))
        {
            program.AppendLine(directive);
        }
        program.AppendLine(prelude.Trim());
        foreach (var statement in unit.Members.OfType<GlobalStatementSyntax>())
        {
            program.AppendLine(statement.ToFullString());
        }
        if (!unit.Members.OfType<GlobalStatementSyntax>().Any() && prelude.Trim().Length == 0)
        {
            program.AppendLine("return;");
        }
        foreach (var declaration in unit.Members.Where(m => m is not GlobalStatementSyntax))
        {
            program.AppendLine(declaration.ToFullString());
        }
        return program.ToString();
    }
}
