using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;
using NetDsl.Generators.Shapes;
using NetDsl.Generators.Transforms;
using NetDsl.Generators.Diagnostics;

namespace NetDsl.Generators;

/// <summary>
/// The incremental pipeline only: [Network]/[Variant] classes → parsed models → shape inference → TorchSharp source.
/// Every diagnostic, including an internal failure, is reported by <see cref="NetDslAnalyzer"/>, which runs the same
/// stages (a generator's own diagnostics never reach the editor).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetDslGenerator : IIncrementalGenerator
{
    internal const string ParseStep = "Parse";
    internal const string InferStep = "Infer";
    internal const string EmitStep = "Emit";
    internal const string OutputStep = "Files";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider.ForAttributeWithMetadataName(
            NetworkParser.NetworkAttributeName,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct));
        var variants = context.SyntaxProvider.ForAttributeWithMetadataName(
            NetworkParser.VariantAttributeName,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct));

        var fromNetworks = Stages(networks.WithTrackingName(ParseStep)).Collect();
        var fromVariants = Stages(variants.WithTrackingName(ParseStep)).Collect();
        // One list of files: a class may reach both pipelines, or one pipeline twice (an attribute on two partial
        // parts), and Roslyn compares hint names without case, so names are made unique over the whole project.
        // Back to one value per file, so that an edit re-adds only the file that changed: the others stay cached, and
        // so do their generated syntax trees in the compilation (an editor re-checks a 50-network project per keystroke).
        var files = fromNetworks.Combine(fromVariants)
            .SelectMany(static (pair, _) => GeneratedFile.Unique(pair.Left.AddRange(pair.Right)))
            .WithTrackingName(OutputStep);
        context.RegisterSourceOutput(files, static (spc, item) => spc.AddSource(item.Hint, item.File.Source!));
    }

    private static IncrementalValuesProvider<GeneratedFile> Stages(IncrementalValuesProvider<NetworkModel> models) =>
        models
            .Select(static (model, _) => Analyze(model))
            .WithTrackingName(InferStep)
            .Select(static (analyzed, _) => GeneratedFile.From(analyzed.Model, analyzed.Inference))
            .WithTrackingName(EmitStep);

    /// <summary>Variant transform and shape inference; never throws.</summary>
    internal static AnalyzedNetwork Analyze(NetworkModel model)
    {
        try
        {
            var transformed = VariantTransform.Apply(model);
            return new AnalyzedNetwork(transformed, ShapeInference.Infer(transformed));
        }
        catch (Exception e)
        {
            var failure = Rules.InternalError.At(model.AttributeSpan ?? model.ClassSpan, model.ClassName, e.GetType().Name + ": " + e.Message);
            var empty = new InferenceResult(default, default, EquatableArray<LayerRow>.Empty, 0, 0, 0,
                model.Diagnostics.Add(failure));
            return new AnalyzedNetwork(model, empty);
        }
    }
}

/// <summary>A parsed network with its inference result (value-equal, cacheable).</summary>
internal sealed record AnalyzedNetwork(NetworkModel Model, InferenceResult Inference);

/// <summary>
/// One generated file: <see cref="Source"/> is null when nothing may be emitted (the class shape is refused);
/// <see cref="Failure"/> is set when the emitter failed and a stub was emitted instead.
/// </summary>
internal sealed record GeneratedFile(string FullName, string HintStem, string? Source, string? Failure)
{
    public static GeneratedFile From(NetworkModel model, InferenceResult inference)
    {
        var stem = HintStemOf(model.FullName);
        try
        {
            return new GeneratedFile(model.FullName, stem, TorchSharpEmitter.Emit(model, inference), null);
        }
        catch (Exception e)
        {
            string? stub;
            try
            {
                stub = TorchSharpEmitter.Emit(model with { HasCompilerErrors = true }, inference);
            }
            catch (Exception)
            {
                stub = null;
            }
            return new GeneratedFile(model.FullName, stem, stub, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>The type's name with every character a hint name cannot hold replaced: global::@class.Models.Net → class.Models.Net.</summary>
    internal static string HintStemOf(string fullName)
    {
        var name = fullName.StartsWith("global::", StringComparison.Ordinal) ? fullName.Substring("global::".Length) : fullName;
        var stem = new StringBuilder();
        foreach (var c in name)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '.')
            {
                stem.Append(c);
            }
            else if (c != '@')
            {
                stem.Append('_').Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return stem.ToString();
    }

    /// <summary>
    /// The files to add, one per type, with hint names unique without regard to case: the first of names equal
    /// ignoring case (in ordinal order of the full names) keeps its stem, the others get a number.
    /// </summary>
    public static ImmutableArray<(string Hint, GeneratedFile File)> Unique(ImmutableArray<GeneratedFile> files)
    {
        var result = ImmutableArray.CreateBuilder<(string, GeneratedFile)>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files.OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            if (file.Source is null || !seen.Add(file.FullName))
            {
                continue;
            }
            var hint = file.HintStem + ".g.cs";
            for (var n = 2; !used.Add(hint); n++)
            {
                hint = file.HintStem + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
            }
            result.Add((hint, file));
        }
        return result.ToImmutable();
    }
}
