using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Parsing;

/// <summary>Turns a class annotated with [Network] or [Variant] into a <see cref="NetworkModel"/>. Writes no code.</summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = "NetDsl.NetworkAttribute";
    public const string VariantAttributeName = "NetDsl.VariantAttribute";
    private const string InputAttributeName = "NetDsl.InputAttribute";
    private const string RegularizerAttributeName = "NetDsl.DefaultRegularizerAttribute";
    private const string LayerBaseName = "NetDsl.LayerAttribute";
    private const string BlockBaseName = "NetDsl.BlockAttribute";

    public static bool IsNetworkOrVariant(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => IsNamed(a.AttributeClass, NetworkAttributeName) || IsNamed(a.AttributeClass, VariantAttributeName));

    public static NetworkModel Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        try
        {
            return new Parser(cancellationToken).ParseRoot(type);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return Failed(type, e);
        }
    }

    /// <summary>The model of a network whose parsing failed unexpectedly: it carries the internal-error diagnostic.</summary>
    public static NetworkModel Failed(INamedTypeSymbol type, Exception e) =>
        new(Namespace(type), type.Name, EquatableArray<string>.Empty, IdentifierSpan(type), EquatableArray<long>.Empty, null,
            EquatableArray<LayerSpec>.Empty, EquatableArray<BlockDefinition>.Empty, 0, null, false, null, true,
            new[] { new DiagnosticInfo("ND0099", IdentifierSpan(type), new[] { type.Name, e.GetType().Name + ": " + e.Message }.ToEquatableArray()) }.ToEquatableArray());

    private static bool IsNamed(INamedTypeSymbol? type, string fullName) => type is not null && type.ToDisplayString() == fullName;

    private static bool DerivesFrom(INamedTypeSymbol? type, string fullName)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == fullName)
            {
                return true;
            }
        }
        return false;
    }

    private static string? Namespace(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;

    private static SourceSpan? IdentifierSpan(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is ClassDeclarationSyntax declaration)
            {
                return SpanOf(declaration.SyntaxTree, declaration.Identifier.Span);
            }
        }
        return null;
    }

    internal static SourceSpan SpanOf(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var lines = tree.GetLineSpan(span);
        return new SourceSpan(tree.FilePath, span.Start, span.Length, lines.StartLinePosition.Line, lines.StartLinePosition.Character,
            lines.EndLinePosition.Line, lines.EndLinePosition.Character);
    }

    private static string SnakeCase(string name)
    {
        var output = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])))
            {
                output.Append('_');
            }
            output.Append(char.ToLowerInvariant(c));
        }
        return output.ToString();
    }

    /// <summary>The stem of derived names: conv2d_1, batch_norm_2, bottleneck_3.</summary>
    internal static string KindStem(LayerKind kind, string? blockName) => kind switch
    {
        LayerKind.Conv2D => "conv2d",
        LayerKind.DepthwiseConv2D => "depthwise_conv2d",
        LayerKind.Dense => "dense",
        LayerKind.BatchNorm => "batch_norm",
        LayerKind.ReLU => "relu",
        LayerKind.ReLU6 => "relu6",
        LayerKind.Dropout => "dropout",
        LayerKind.Flatten => "flatten",
        LayerKind.GlobalAveragePooling2D => "global_average_pooling2d",
        LayerKind.ZeroPadding2D => "zero_padding2d",
        LayerKind.MaxPooling2D => "max_pooling2d",
        LayerKind.AveragePooling2D => "average_pooling2d",
        LayerKind.Add => "add",
        _ => SnakeCase(blockName ?? "block"),
    };

    private static string BlockName(INamedTypeSymbol type) =>
        type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;

    private sealed class Parser
    {
        private readonly CancellationToken cancellationToken;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly Dictionary<string, BlockDefinition?> blocks = new();
        private bool compilerErrors;

        public Parser(CancellationToken cancellationToken) => this.cancellationToken = cancellationToken;

        public NetworkModel ParseRoot(INamedTypeSymbol type)
        {
            var containing = new List<string>();
            CheckDeclaration(type);
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                CheckDeclaration(outer);
                containing.Insert(0, (outer.IsStatic ? "static " : string.Empty) + "partial " + (outer.IsRecord ? "record " : string.Empty) +
                    (outer.TypeKind == TypeKind.Struct ? "struct " : outer.IsRecord ? string.Empty : "class ") + outer.Name);
            }

            var core = ParseCore(type, new HashSet<string>(), isRoot: true);
            var blockList = blocks.Values.Where(b => b is not null).Select(b => b!).OrderBy(b => b.TypeName, StringComparer.Ordinal);
            return new NetworkModel(Namespace(type), type.Name, containing.ToEquatableArray(), IdentifierSpan(type),
                core.Input, core.InputSpan, core.Layers, blockList.ToEquatableArray(), core.Placement, core.Regularizer,
                core.TorchBatchNorm, core.BaseName, compilerErrors || core.BaseHasErrors, diagnostics.ToEquatableArray())
            {
                GlorotUniform = core.GlorotUniform,
            };
        }

        private void CheckDeclaration(INamedTypeSymbol type)
        {
            var span = IdentifierSpan(type);
            if (type.IsGenericType)
            {
                diagnostics.Add(new DiagnosticInfo("ND0012", span, new[] { type.Name, "is generic: networks must be non-generic classes" }.ToEquatableArray()));
            }
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(new DiagnosticInfo("ND0012", span, new[] { type.Name, "must be declared 'partial' so the generator can add the module code" }.ToEquatableArray()));
                    compilerErrors = true;
                    break;
                }
            }
        }

        private sealed record Core(EquatableArray<long> Input, SourceSpan? InputSpan, EquatableArray<LayerSpec> Layers, int Placement,
            RegularizerDefaults? Regularizer, bool TorchBatchNorm, string? BaseName, bool BaseHasErrors)
        {
            public bool GlorotUniform { get; init; }
        }

        private Core ParseCore(INamedTypeSymbol type, HashSet<string> visiting, bool isRoot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attributes = type.GetAttributes();
            var regularizer = attributes.Where(a => IsNamed(a.AttributeClass, RegularizerAttributeName)).Select(ParseRegularizer).FirstOrDefault();
            var variant = attributes.FirstOrDefault(a => IsNamed(a.AttributeClass, VariantAttributeName));
            if (variant is not null)
            {
                return ParseVariant(type, variant, regularizer, visiting, isRoot);
            }

            var network = attributes.First(a => IsNamed(a.AttributeClass, NetworkAttributeName));
            var torchBatchNorm = network.NamedArguments.Any(n => n.Key == "BatchNormDefaults" && n.Value.Value is int v && v == 1);
            var glorot = network.NamedArguments.Any(n => n.Key == "Initialization" && n.Value.Value is int v && v == 1);
            var inputAttribute = attributes.FirstOrDefault(a => IsNamed(a.AttributeClass, InputAttributeName));
            var input = EquatableArray<long>.Empty;
            SourceSpan? inputSpan = null;
            if (inputAttribute is null)
            {
                if (isRoot)
                {
                    diagnostics.Add(new DiagnosticInfo("ND0001", AttributeSpan(network) ?? IdentifierSpan(type), new[] { type.Name }.ToEquatableArray()));
                }
            }
            else
            {
                inputSpan = AttributeSpan(inputAttribute);
                if (inputAttribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error) || inputAttribute.AttributeConstructor is null)
                {
                    compilerErrors = true;
                }
                else
                {
                    input = inputAttribute.ConstructorArguments.Select(a => System.Convert.ToInt64(a.Value)).ToEquatableArray();
                }
            }
            var layers = ParseLayers(attributes);
            return new Core(input, inputSpan, layers, 0, regularizer, torchBatchNorm, null, false) { GlorotUniform = glorot };
        }

        private Core ParseVariant(INamedTypeSymbol type, AttributeData variant, RegularizerDefaults? regularizer, HashSet<string> visiting, bool isRoot)
        {
            var span = AttributeSpan(variant) ?? IdentifierSpan(type);
            var placement = variant.NamedArguments.Where(n => n.Key == "BatchNorm").Select(n => n.Value.Value is int v ? v : 0).FirstOrDefault();
            var baseType = variant.ConstructorArguments.Length == 1 ? variant.ConstructorArguments[0].Value as INamedTypeSymbol : null;
            if (baseType is null || baseType.TypeKind == TypeKind.Error)
            {
                compilerErrors = true;
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }
            var ownInput = type.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, InputAttributeName));
            if (isRoot && placement == 0 && regularizer is null && ownInput is null)
            {
                diagnostics.Add(new DiagnosticInfo("ND0102", span, new[] { type.Name }.ToEquatableArray()));
            }
            var key = baseType.ToDisplayString();
            if (!visiting.Add(type.ToDisplayString()) || visiting.Contains(key))
            {
                diagnostics.Add(new DiagnosticInfo("ND0013", span, new[] { type.Name, $"the chain of bases returns to '{baseType.Name}'" }.ToEquatableArray()));
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }
            if (!IsNetworkOrVariant(baseType))
            {
                diagnostics.Add(new DiagnosticInfo("ND0013", span, new[] { type.Name, $"'{baseType.Name}' has neither [Network] nor [Variant]" }.ToEquatableArray()));
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }

            // The base reports its own diagnostics; here they only mark the variant as not generatable.
            var before = diagnostics.Count;
            var core = ParseCore(baseType, visiting, isRoot: false);
            var baseHasErrors = core.BaseHasErrors || core.Input.Count == 0 || diagnostics.Skip(before).Any(d => d.Id != "ND0102" && d.Id != "ND0101");
            diagnostics.RemoveRange(before, diagnostics.Count - before);
            if (ownInput is not null)
            {
                // A variant may run the same layers on another input size: [Variant(typeof(MobileNetV2)), Input(3, 32, 32)].
                if (ownInput.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error) || ownInput.AttributeConstructor is null)
                {
                    compilerErrors = true;
                }
                else
                {
                    core = core with
                    {
                        Input = ownInput.ConstructorArguments.Select(a => System.Convert.ToInt64(a.Value)).ToEquatableArray(),
                        InputSpan = AttributeSpan(ownInput),
                    };
                }
            }
            return core with
            {
                Placement = placement != 0 ? placement : core.Placement,
                Regularizer = regularizer ?? core.Regularizer,
                BaseName = baseType.Name,
                BaseHasErrors = baseHasErrors,
            };
        }

        private RegularizerDefaults ParseRegularizer(AttributeData attribute)
        {
            double l1 = 0, l2 = 0;
            var layers = 3;
            var biases = false;
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "L1": l1 = System.Convert.ToDouble(named.Value.Value); break;
                    case "L2": l2 = System.Convert.ToDouble(named.Value.Value); break;
                    case "Layers": layers = System.Convert.ToInt32(named.Value.Value); break;
                    case "Biases": biases = named.Value.Value is true; break;
                }
            }
            var span = AttributeSpan(attribute);
            if (l1 < 0 || l2 < 0 || double.IsNaN(l1) || double.IsNaN(l2))
            {
                diagnostics.Add(new DiagnosticInfo("ND0002", span, new[] { "DefaultRegularizer", $"λ must be ≥ 0, got L1 = {l1}, L2 = {l2}" }.ToEquatableArray()));
            }
            return new RegularizerDefaults(l1, l2, (layers & 1) != 0, (layers & 2) != 0, biases, span);
        }

        private EquatableArray<LayerSpec> ParseLayers(IEnumerable<AttributeData> attributes)
        {
            var result = new List<LayerSpec>();
            var counters = new Dictionary<string, int>();
            foreach (var attribute in attributes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var layer = ParseLayer(attribute, counters);
                if (layer is not null)
                {
                    result.Add(layer);
                }
            }
            return result.ToEquatableArray();
        }

        private LayerSpec? ParseLayer(AttributeData attribute, Dictionary<string, int> counters)
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null || attributeClass.TypeKind == TypeKind.Error)
            {
                return null;
            }
            if (!DerivesFrom(attributeClass, LayerBaseName))
            {
                return null;
            }
            var span = AttributeSpan(attribute);
            if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error))
            {
                compilerErrors = true;
                return null;
            }

            LayerKind kind;
            string? blockType = null;
            string? blockName = null;
            if (DerivesFrom(attributeClass, BlockBaseName))
            {
                kind = LayerKind.Block;
                blockType = attributeClass.ToDisplayString();
                blockName = BlockName(attributeClass);
                ParseBlockDefinition(attributeClass);
            }
            else
            {
                var shortName = attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length);
                if (attributeClass.ContainingNamespace?.ToDisplayString() != "NetDsl" || !Enum.TryParse(shortName, out kind) || kind == LayerKind.Block)
                {
                    diagnostics.Add(new DiagnosticInfo("ND0012", span, new[] { attributeClass.Name, "derives from LayerAttribute directly: a reusable block must derive from BlockAttribute" }.ToEquatableArray()));
                    return null;
                }
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var arguments = new List<Argument>();
            var parameters = attribute.AttributeConstructor.Parameters;
            for (var i = 0; i < parameters.Length && i < attribute.ConstructorArguments.Length; i++)
            {
                var value = ToValue(attribute.ConstructorArguments[i], FindArgument(syntax, parameters[i].Name, i));
                if (value is not null)
                {
                    arguments.Add(new Argument(parameters[i].Name, value));
                }
            }
            string? name = null;
            ArgumentValue? when = null;
            SourceSpan? nameSpan = null;
            foreach (var named in attribute.NamedArguments)
            {
                var argumentSyntax = NamedArgumentSyntax(syntax, named.Key);
                if (named.Key == "Name")
                {
                    name = named.Value.Value as string;
                    nameSpan = argumentSyntax is null ? null : SpanOf(argumentSyntax.SyntaxTree, argumentSyntax.Span);
                    continue;
                }
                var value = ToValue(named.Value, argumentSyntax);
                if (named.Key == "When")
                {
                    when = value;
                    continue;
                }
                if (value is not null)
                {
                    arguments.Add(new Argument(char.ToLowerInvariant(named.Key[0]) + named.Key.Substring(1), value));
                }
            }

            var stem = KindStem(kind, blockName);
            counters.TryGetValue(stem, out var count);
            counters[stem] = count + 1;
            if (name is null)
            {
                name = stem + "_" + (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (!SyntaxFacts.IsValidIdentifier(name) || name.StartsWith("@", StringComparison.Ordinal))
            {
                diagnostics.Add(new DiagnosticInfo("ND0014", nameSpan ?? span, new[] { name }.ToEquatableArray()));
            }
            return new LayerSpec(kind, name, when, arguments.ToEquatableArray(), blockType, span);
        }

        private void ParseBlockDefinition(INamedTypeSymbol blockClass)
        {
            var key = blockClass.ToDisplayString();
            if (blocks.ContainsKey(key))
            {
                return;
            }
            blocks[key] = null; // marks "in progress" so that a recursive block does not loop here

            var parameters = new Dictionary<string, BlockParameter>();
            var order = new List<string>();
            foreach (var constructor in blockClass.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public))
            {
                foreach (var parameter in constructor.Parameters)
                {
                    var type = parameter.Type.SpecialType switch
                    {
                        SpecialType.System_Boolean => ParameterType.Bool,
                        SpecialType.System_Double or SpecialType.System_Single => ParameterType.Double,
                        SpecialType.System_String => (ParameterType?)null,
                        _ => ParameterType.Int,
                    };
                    var defaultValue = parameter.HasExplicitDefaultValue ? ConvertConstant(parameter.ExplicitDefaultValue, null) : null;
                    if (!parameters.TryGetValue(parameter.Name, out var existing))
                    {
                        order.Add(parameter.Name);
                        parameters[parameter.Name] = new BlockParameter(parameter.Name, type ?? ParameterType.Int, defaultValue);
                    }
                    else if (type is not null && existing.Type != type)
                    {
                        parameters[parameter.Name] = existing with { Type = type.Value };
                    }
                }
            }
            var body = ParseLayers(blockClass.GetAttributes());
            SourceSpan? span = null;
            foreach (var reference in blockClass.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is ClassDeclarationSyntax declaration)
                {
                    span = SpanOf(declaration.SyntaxTree, declaration.Identifier.Span);
                    break;
                }
            }
            blocks[key] = new BlockDefinition(key, BlockName(blockClass), order.Select(n => parameters[n]).ToEquatableArray(), body, span);
        }

        private SourceSpan? AttributeSpan(AttributeData attribute)
        {
            var reference = attribute.ApplicationSyntaxReference;
            return reference is null ? null : SpanOf(reference.SyntaxTree, reference.Span);
        }

        private static AttributeArgumentSyntax? FindArgument(AttributeSyntax? syntax, string name, int position)
        {
            if (syntax?.ArgumentList is null)
            {
                return null;
            }
            var arguments = syntax.ArgumentList.Arguments;
            var byName = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name);
            if (byName is not null)
            {
                return byName;
            }
            var positional = arguments.Where(a => a.NameColon is null && a.NameEquals is null).ToList();
            return position < positional.Count ? positional[position] : null;
        }

        private static AttributeArgumentSyntax? NamedArgumentSyntax(AttributeSyntax? syntax, string name) =>
            syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private ArgumentValue? ToValue(TypedConstant constant, AttributeArgumentSyntax? syntax)
        {
            if (constant.Kind == TypedConstantKind.Error)
            {
                compilerErrors = true;
                return null;
            }
            SourceSpan? span = null;
            if (syntax is not null)
            {
                if (constant.Value is string && syntax.Expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    // Point into the string, so expression errors can be reported at their exact characters.
                    var offset = literal.Token.Text.StartsWith("@", StringComparison.Ordinal) ? 2 : 1;
                    span = SpanOf(syntax.SyntaxTree, new Microsoft.CodeAnalysis.Text.TextSpan(literal.SpanStart + offset, Math.Max(literal.Token.ValueText.Length, 0)));
                }
                else
                {
                    span = SpanOf(syntax.SyntaxTree, syntax.Expression.Span);
                }
            }
            return ConvertConstant(constant.Value, span);
        }

        private static ArgumentValue? ConvertConstant(object? value, SourceSpan? span) => value switch
        {
            string text => ArgumentValue.OfExpression(text, span),
            bool b => ArgumentValue.OfBool(b, span),
            double d => ArgumentValue.OfDouble(d, span),
            float f => ArgumentValue.OfDouble(f, span),
            int i => ArgumentValue.OfInt(i, span),
            long l => ArgumentValue.OfInt(l, span),
            short s => ArgumentValue.OfInt(s, span),
            byte b => ArgumentValue.OfInt(b, span),
            _ => null,
        };
    }
}
