using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parsing;
using NetDsl.Generators.Shapes;
using NetDsl.Generators.Transforms;

namespace NetDsl.Generators;

/// <summary>
/// The incremental pipeline only: [Network]/[Variant] classes → parsed models → shape inference → TorchSharp source.
/// Shape errors are reported by <see cref="NetDslAnalyzer"/>, which runs the same parser and inference.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetDslGenerator : IIncrementalGenerator
{
    internal const string ParseStep = "Parse";
    internal const string InferStep = "Infer";
    internal const string EmitStep = "Emit";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider.ForAttributeWithMetadataName(
            NetworkParser.NetworkAttributeName,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct));
        var variants = context.SyntaxProvider.ForAttributeWithMetadataName(
            NetworkParser.VariantAttributeName,
            static (node, _) => node is ClassDeclarationSyntax,
            static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct));

        Register(context, networks.WithTrackingName(ParseStep));
        Register(context, variants.WithTrackingName(ParseStep));
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<NetworkModel> models)
    {
        var inferred = models
            .Select(static (model, _) => Analyze(model))
            .WithTrackingName(InferStep);
        var sources = inferred
            .Select(static (analyzed, _) => GeneratedFile.From(analyzed.Model, analyzed.Inference))
            .WithTrackingName(EmitStep);
        context.RegisterSourceOutput(sources, static (spc, file) =>
        {
            if (file.Failure is not null)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, file.ClassName, file.Failure));
            }
            spc.AddSource(file.HintName, file.Source);
        });
    }

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
            var failure = new DiagnosticInfo("ND0099", model.ClassSpan, new[] { model.ClassName, e.GetType().Name + ": " + e.Message }.ToEquatableArray());
            var empty = new InferenceResult(default, default, EquatableArray<LayerRow>.Empty, EquatableArray<Shape>.Empty, 0, 0, 0,
                model.Diagnostics.Add(failure));
            return new AnalyzedNetwork(model, empty);
        }
    }
}

/// <summary>A parsed network with its inference result (value-equal, cacheable).</summary>
internal sealed record AnalyzedNetwork(NetworkModel Model, InferenceResult Inference);

/// <summary>One generated file; <see cref="Failure"/> is set when the emitter failed (a stub is emitted instead).</summary>
internal sealed record GeneratedFile(string HintName, string ClassName, string Source, string? Failure)
{
    public static GeneratedFile From(NetworkModel model, InferenceResult inference)
    {
        var hint = (model.Namespace is null ? string.Empty : model.Namespace + ".") +
                   string.Concat(System.Linq.Enumerable.Select(model.ContainingTypes, t => t.Substring(t.LastIndexOf(' ') + 1) + ".")) +
                   model.ClassName + ".g.cs";
        try
        {
            return new GeneratedFile(hint, model.ClassName, TorchSharpEmitter.Emit(model, inference), null);
        }
        catch (Exception e)
        {
            var stub = TorchSharpEmitter.Emit(model with { HasCompilerErrors = true }, inference);
            return new GeneratedFile(hint, model.ClassName, stub, e.GetType().Name + ": " + e.Message);
        }
    }
}
