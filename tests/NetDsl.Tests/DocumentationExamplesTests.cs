using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Every ```csharp example in README.md and docs/ compiles, with the generator and the analyzer, against NetDsl and
/// the sample models; an example that shows an error says so with a "// error NDxxxx" comment and gets exactly
/// those NetDsl errors. What an example uses without declaring it (the images of a batch, say) is declared in an
/// HTML comment right before it, "&lt;!-- example prelude: ... --&gt;", which readers do not see.
/// </summary>
public sealed partial class DocumentationExamplesTests
{
    private const string Usings = """
        using System;
        using NetDsl;
        using NetDsl.Data;
        using NetDsl.Reporting;
        using NetDsl.Samples.Models;
        using NetDsl.Training;
        using static TorchSharp.torch;
        using DeviceType = TorchSharp.DeviceType;
        using torch = TorchSharp.torch;

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
                yield return new object[] { name, match.Groups["prelude"].Value, match.Groups["code"].Value };
            }
        }
    }

    [GeneratedRegex(@"(?:<!-- example prelude:(?<prelude>[\s\S]*?)-->\s*)?```csharp\n(?<code>[\s\S]*?)```")]
    private static partial Regex Block();

    [GeneratedRegex(@"error (ND\d{4})")]
    private static partial Regex ExpectedError();

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles(string example, string prelude, string code)
    {
        var run = GeneratorRun.Of(TestCompilation.CreateProgram(AsProgram(prelude, code), typeof(NetDsl.Samples.Models.MobileNetV2).Assembly));
        run.Violations().Should().BeEmpty(example);
        run.NetDslErrors.Select(d => d.Id).Should().BeEquivalentTo(ExpectedError().Matches(code).Select(m => m.Groups[1].Value), example);
        run.OutputErrors.Should().BeEmpty(example);
    }

    /// <summary>The example as one file: its usings, then its statements (after the prelude), then its declarations.</summary>
    private static string AsProgram(string prelude, string code)
    {
        var unit = CSharpSyntaxTree.ParseText(code, TestCompilation.ParseOptions).GetCompilationUnitRoot();
        var program = new StringBuilder(Usings);
        foreach (var directive in unit.Usings)
        {
            program.AppendLine(directive.ToFullString().Trim());
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
