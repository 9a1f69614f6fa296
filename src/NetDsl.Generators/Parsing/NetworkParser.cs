using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Model;
using NetDsl.Generators.Layers;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Diagnostics;

namespace NetDsl.Generators.Parsing;

/// <summary>Turns a class annotated with [Network] or [Variant] into a <see cref="NetworkModel"/>. Writes no code.</summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = "NetDsl.NetworkAttribute";
    public const string VariantAttributeName = "NetDsl.VariantAttribute";
    private const string InputAttributeName = "NetDsl.InputAttribute";
    private const string BlockInputsAttributeName = "NetDsl.BlockInputsAttribute";
    private const string RegularizerAttributeName = "NetDsl.DefaultRegularizerAttribute";
    private const string LayerBaseName = "NetDsl.LayerAttribute";
    private const string BlockBaseName = "NetDsl.BlockAttribute";

    public static bool IsNetworkOrVariant(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => IsNamed(a.AttributeClass, NetworkAttributeName) || IsNamed(a.AttributeClass, VariantAttributeName));

    private const string ModuleMetadataName = "TorchSharp.torch+nn+Module`2";
    private const string DeviceMetadataName = "TorchSharp.torch+Device";

    /// <summary>The members every generated network class declares, with what each is (for the clash message).</summary>
    internal static readonly (string Name, string What)[] NetworkMembers =
    {
        ("InputShape", "the input shape"),
        ("OutputShape", "the output shape"),
        ("TrainableParameters", "the trainable parameter count"),
        ("NonTrainableParameters", "the non-trainable parameter count"),
        ("MultiplyAdds", "the multiply-add count"),
        ("ParameterBytes", "the parameter memory"),
        ("InferenceActivationBytes", "the inference activation memory"),
        ("TrainingActivationBytes", "the training activation memory"),
        ("Summary", "the Keras-like summary"),
        ("forward", "the module's forward"),
        ("RegularizationLoss", "the regularization loss"),
        ("StateDictKeys", "the state-dict key table"),
    };

    public static NetworkModel Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        try
        {
            return new Parser(compilation, cancellationToken).ParseRoot(type);
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
    public static NetworkModel Failed(INamedTypeSymbol type, Exception e)
    {
        var span = NetworkAttributeSpan(type) ?? IdentifierSpan(type);
        return new(Namespace(type), type.Name, EquatableArray<string>.Empty, IdentifierSpan(type), EquatableArray<long>.Empty, null,
            EquatableArray<LayerSpec>.Empty, EquatableArray<BlockDefinition>.Empty, 0, null, false, null, true,
            new[] { Rules.InternalError.At(span, type.Name, e.GetType().Name + ": " + e.Message) }.ToEquatableArray())
        {
            FullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            AttributeSpan = span,
            Refused = true,
        };
    }

    private static SourceSpan? NetworkAttributeSpan(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if ((IsNamed(attribute.AttributeClass, NetworkAttributeName) || IsNamed(attribute.AttributeClass, VariantAttributeName)) &&
                attribute.ApplicationSyntaxReference is { } reference)
            {
                return SpanOf(reference.SyntaxTree, reference.Span);
            }
        }
        return null;
    }

    /// <summary>Trees this generator wrote: what the user declares is read from the other trees only.</summary>
    internal static bool IsGenerated(SyntaxTree tree) =>
        tree.FilePath.Replace('\\', '/').Contains("NetDsl.Generators.NetDslGenerator/");

    /// <summary>Whether the type is a block: an attribute class deriving from BlockAttribute.</summary>
    public static bool IsBlock(INamedTypeSymbol type) => DerivesFrom(type.BaseType, BlockBaseName);

    /// <summary>The network a [Variant(typeof(Base))] names, or null.</summary>
    public static INamedTypeSymbol? VariantBase(INamedTypeSymbol type) =>
        type.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, VariantAttributeName)) is { ConstructorArguments.Length: > 0 } variant
            ? variant.ConstructorArguments[0].Value as INamedTypeSymbol
            : null;

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

    /// <summary>The stem of derived names: conv2d_1, batch_norm_2, bottleneck_3.</summary>
    internal static string KindStem(LayerKind? kind, string? blockName) => kind?.Stem ?? Naming.SnakeCase(blockName ?? "block");

    private static string BlockName(INamedTypeSymbol type) =>
        type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;

    private sealed class Parser
    {
        private readonly Compilation compilation;
        private readonly CancellationToken cancellationToken;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly Dictionary<string, BlockDefinition?> blocks = new();
        private readonly Dictionary<string, EnumDefinition> enums = new(StringComparer.Ordinal);
        private bool compilerErrors;
        private bool refused;

        public Parser(Compilation compilation, CancellationToken cancellationToken)
        {
            this.compilation = compilation;
            this.cancellationToken = cancellationToken;
        }

        private void Refuse(SourceSpan? span, string name, string why, string? fix = null)
        {
            var diagnostic = Rules.InvalidNetworkClass.At(span, name, why);
            diagnostics.Add(fix is null ? diagnostic : diagnostic.Offer(fix));
            refused = true;
        }

        public NetworkModel ParseRoot(INamedTypeSymbol type)
        {
            var attributes = type.GetAttributes();
            var isNetwork = attributes.Any(a => IsNamed(a.AttributeClass, NetworkAttributeName));
            var isVariant = attributes.Any(a => IsNamed(a.AttributeClass, VariantAttributeName));
            var attributeSpan = NetworkAttributeSpan(type) ?? IdentifierSpan(type);
            if (isNetwork && isVariant)
            {
                Refuse(attributeSpan, type.Name, "has both [Network] and [Variant]: a class is either a network or a variant of one");
            }
            CheckDeclaration(type, nested: false);
            var containing = new List<string>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, CheckContainingType(outer, type));
            }
            var memberNames = ModuleMemberNames();
            var reserved = UserNames(type);
            var shadowed = QualifierNames(type);
            if (isVariant)
            {
                CheckVariantChain(type);
            }

            // The enums layer arguments take (Padding, Activation, …): expressions may name their members.
            foreach (var enumType in LayerCatalog.All.SelectMany(k => k.Arguments).Select(a => a.EnumType).Where(t => t is not null).Distinct())
            {
                if (compilation.GetTypeByMetadataName(enumType!) is { TypeKind: TypeKind.Enum } symbol)
                {
                    EnumOf(symbol);
                }
            }
            var core = ParseCore(type, new HashSet<string>(), isRoot: true);
            CheckUserMembers(type, core.Layers);
            var blockList = blocks.Values.Where(b => b is not null).Select(b => b!).OrderBy(b => b.TypeName, StringComparer.Ordinal);
            return new NetworkModel(Namespace(type), type.Name, containing.ToEquatableArray(), IdentifierSpan(type),
                core.Input, core.InputSpan, core.Layers, blockList.ToEquatableArray(), core.Placement, core.Regularizer,
                core.TorchBatchNorm, core.BaseName, compilerErrors || core.BaseHasErrors, diagnostics.ToEquatableArray())
            {
                GlorotUniform = core.GlorotUniform,
                Lets = core.Lets,
                Enums = enums.Values.OrderBy(e => e.FullName, StringComparer.Ordinal).ToEquatableArray(),
                FullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                AttributeSpan = attributeSpan,
                Refused = refused,
                ReservedNames = reserved.Concat(memberNames).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
                ModuleMemberNames = memberNames.OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
                QualifierNames = shadowed.OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
            };
        }

        /// <summary>
        /// Namespaces and types the class's own code (its members and its attribute arguments) reaches by a simple name
        /// in an expression (<c>System.Math.Max</c>, <c>NetDsl.Padding.Same</c>, <c>Math.Max</c>): a generated field of that
        /// name would hide them there, so no layer field may take it.
        /// </summary>
        private HashSet<string> QualifierNames(INamedTypeSymbol type)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (IsGenerated(reference.SyntaxTree))
                {
                    continue;
                }
                SemanticModel? semantics = null;
                foreach (var access in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<MemberAccessExpressionSyntax>())
                {
                    if (access.Expression is IdentifierNameSyntax { Identifier.ValueText: var name } identifier && !names.Contains(name))
                    {
                        semantics ??= compilation.GetSemanticModel(reference.SyntaxTree);
                        if (semantics.GetSymbolInfo(identifier, cancellationToken).Symbol is INamespaceSymbol or INamedTypeSymbol)
                        {
                            names.Add(name);
                        }
                    }
                }
            }
            return names;
        }

        /// <summary>The network class itself: a non-generic, non-static partial class with no base class of its own.</summary>
        private void CheckDeclaration(INamedTypeSymbol type, bool nested)
        {
            var span = IdentifierSpan(type);
            if (type.IsRecord || type.TypeKind != TypeKind.Class)
            {
                Refuse(span, type.Name, $"is a {(type.IsRecord ? "record" : type.TypeKind.ToString().ToLowerInvariant())}: a network must be a partial class");
                return;
            }
            if (type.TypeParameters.Length > 0)
            {
                Refuse(span, type.Name, "is generic: networks must be non-generic classes");
            }
            if (type.IsStatic)
            {
                Refuse(span, type.Name, "is static: a network is a module that is instantiated, so it cannot be static");
            }
            if (type.BaseType is { } baseType && baseType.SpecialType != SpecialType.System_Object && !IsModuleOfTensors(baseType))
            {
                Refuse(span, type.Name, $"derives from '{baseType.ToDisplayString()}': the generator makes it a TorchSharp Module<Tensor, Tensor>, so it cannot have a base class of its own");
            }
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !IsGenerated(declaration.SyntaxTree))
                {
                    if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        Refuse(span, type.Name, "must be declared 'partial' so the generator can add the module code", "AddPartial");
                        break;
                    }
                    if (declaration.ParameterList is not null)
                    {
                        Refuse(span, type.Name, "has a primary constructor: the generator writes the constructor that builds the layers");
                        break;
                    }
                }
            }
        }

        /// <summary>An enclosing type: the generated part repeats its declaration, so it must be a partial, non-generic class, struct or record.</summary>
        private string CheckContainingType(INamedTypeSymbol outer, INamedTypeSymbol network)
        {
            var span = IdentifierSpan(network);
            var declaration = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>()
                .FirstOrDefault(d => !IsGenerated(d.SyntaxTree));
            if (declaration is null || declaration is InterfaceDeclarationSyntax || outer.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                Refuse(span, network.Name, $"is nested in '{outer.Name}', which is not a class, struct or record: the generator cannot add a part to it");
                return "partial class " + CSharpNames.Escape(outer.Name);
            }
            if (outer.IsGenericType)
            {
                Refuse(span, network.Name, $"is nested in the generic type '{outer.ToDisplayString()}': networks must not depend on type parameters");
            }
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                // Reported on the enclosing type's name: that is the declaration to change.
                Refuse(IdentifierSpan(outer) ?? span, network.Name, $"is nested in '{outer.Name}', which must be declared 'partial' too", "AddPartial");
            }
            var modifiers = new List<string>();
            foreach (var kind in new[] { SyntaxKind.StaticKeyword, SyntaxKind.ReadOnlyKeyword, SyntaxKind.RefKeyword })
            {
                if (declaration.Modifiers.Any(kind))
                {
                    modifiers.Add(SyntaxFacts.GetText(kind));
                }
            }
            modifiers.Add("partial");
            var keyword = declaration switch
            {
                RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                StructDeclarationSyntax => "struct",
                _ => "class",
            };
            return string.Join(" ", modifiers) + " " + keyword + " " + CSharpNames.Escape(outer.Name);
        }

        private bool IsModuleOfTensors(INamedTypeSymbol type) =>
            SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, compilation.GetTypeByMetadataName(ModuleMetadataName)) &&
            type.TypeArguments.All(t => t.ToDisplayString() == "TorchSharp.torch.Tensor");

        /// <summary>Public and protected members of TorchSharp's Module&lt;Tensor, Tensor&gt; and its bases.</summary>
        private List<string> ModuleMemberNames()
        {
            var names = new List<string>();
            for (INamedTypeSymbol? t = compilation.GetTypeByMetadataName(ModuleMetadataName); t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member.CanBeReferencedByName && member.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Internal or Accessibility.NotApplicable))
                    {
                        names.Add(member.Name);
                    }
                }
            }
            return names;
        }

        /// <summary>Every name the user's part of the class declares or mentions: what the emitter invents must not capture any.</summary>
        private HashSet<string> UserNames(INamedTypeSymbol type)
        {
            var names = new HashSet<string>(StringComparer.Ordinal) { type.Name };
            // [Bottleneck(...)] binds to BottleneckAttribute even where a nested class Bottleneck exists (C# prefers the
            // attribute class), so the names of such attribute uses capture nothing and stay free for block classes.
            var attributeNames = new HashSet<(SyntaxTree, int)>();
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax && attribute.AttributeClass is { } attributeClass)
                {
                    var written = syntax.Name is QualifiedNameSyntax qualified ? qualified.Right : syntax.Name as SimpleNameSyntax;
                    if (written is not null && attributeClass.Name == written.Identifier.ValueText + "Attribute")
                    {
                        attributeNames.Add((syntax.SyntaxTree, written.Identifier.SpanStart));
                    }
                }
            }
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (IsGenerated(reference.SyntaxTree))
                {
                    continue;
                }
                foreach (var token in reference.GetSyntax(cancellationToken).DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && !attributeNames.Contains((reference.SyntaxTree, token.SpanStart)))
                    {
                        names.Add(token.ValueText);
                    }
                }
            }
            return names;
        }

        /// <summary>Members the user declares that the generated part would declare again (or whose constructor would not build the layers).</summary>
        private void CheckUserMembers(INamedTypeSymbol type, EquatableArray<LayerSpec> layers)
        {
            var generated = NetworkMembers.ToDictionary(m => m.Name, m => m.What, StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                if (!generated.ContainsKey(layer.Name))
                {
                    generated[layer.Name] = $"the module field of layer '{layer.Name}'";
                }
            }
            var device = compilation.GetTypeByMetadataName(DeviceMetadataName);
            foreach (var member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared || !member.DeclaringSyntaxReferences.Any(r => !IsGenerated(r.SyntaxTree)))
                {
                    continue;
                }
                var syntax = member.DeclaringSyntaxReferences.First(r => !IsGenerated(r.SyntaxTree)).GetSyntax(cancellationToken);
                var span = SpanOf(syntax.SyntaxTree, IdentifierOf(syntax).Span);
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
                {
                    if (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, device))
                    {
                        Clash(span, type.Name, "a constructor taking a Device", "the constructor that builds the layers");
                    }
                    else if (syntax is ConstructorDeclarationSyntax { Initializer: null } or ConstructorDeclarationSyntax { Initializer.ThisOrBaseKeyword.RawKind: (int)SyntaxKind.BaseKeyword })
                    {
                        Clash(span, type.Name, "a constructor that does not call this(device)", "the constructor that builds the layers; chain yours to it with ': this(device)'");
                    }
                    continue;
                }
                if (generated.TryGetValue(member.Name, out var what))
                {
                    Clash(span, type.Name, $"'{member.Name}'", what);
                }
            }
        }

        private static SyntaxToken IdentifierOf(SyntaxNode syntax) => syntax switch
        {
            MethodDeclarationSyntax m => m.Identifier,
            ConstructorDeclarationSyntax c => c.Identifier,
            PropertyDeclarationSyntax p => p.Identifier,
            EventDeclarationSyntax e => e.Identifier,
            BaseTypeDeclarationSyntax t => t.Identifier,
            VariableDeclaratorSyntax v => v.Identifier,
            DelegateDeclarationSyntax d => d.Identifier,
            _ => syntax.GetFirstToken(),
        };

        private void Clash(SourceSpan span, string network, string member, string what)
        {
            diagnostics.Add(Rules.GeneratedMemberClash.At(span, network, member, what));
            refused = true;
        }

        /// <summary>
        /// Follows the chain of variant bases from the root: a base that is not a class, or a chain that returns to a
        /// class already on it, is an error of the root itself (each class of a cycle reports it on its own attribute).
        /// </summary>
        private void CheckVariantChain(INamedTypeSymbol root)
        {
            var chain = new List<INamedTypeSymbol> { root };
            var current = root;
            while (current.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, VariantAttributeName)) is { } variant)
            {
                var span = AttributeSpan(variant) ?? IdentifierSpan(current);
                if (variant.ConstructorArguments.Length != 1 || variant.ConstructorArguments[0].Kind == TypedConstantKind.Error ||
                    variant.ConstructorArguments[0].Value is null)
                {
                    return; // a C# error
                }
                if (variant.ConstructorArguments[0].Value is not INamedTypeSymbol baseType || baseType.TypeKind != TypeKind.Class)
                {
                    if (current.Equals(root, SymbolEqualityComparer.Default))
                    {
                        var shown = (variant.ConstructorArguments[0].Value as ITypeSymbol)?.ToDisplayString() ?? "?";
                        diagnostics.Add(Rules.InvalidVariantBase.At(span, root.Name, $"'{shown}' is not a network class"));
                    }
                    return;
                }
                var index = chain.FindIndex(t => t.Equals(baseType, SymbolEqualityComparer.Default));
                if (index >= 0)
                {
                    var cycle = string.Join(" → ", chain.Skip(index).Select(t => t.Name).Concat(new[] { baseType.Name }));
                    if (index == 0)
                    {
                        var rootSpan = AttributeSpan(root.GetAttributes().First(a => IsNamed(a.AttributeClass, VariantAttributeName))) ?? IdentifierSpan(root);
                        diagnostics.Add(Rules.InvalidVariantBase.At(rootSpan, root.Name, $"the chain of bases returns to '{baseType.Name}' ({cycle})"));
                    }
                    compilerErrors = true;
                    return;
                }
                chain.Add(baseType);
                current = baseType;
            }
        }

        private sealed record Core(EquatableArray<long> Input, SourceSpan? InputSpan, EquatableArray<LayerSpec> Layers, int Placement,
            RegularizerDefaults? Regularizer, bool TorchBatchNorm, string? BaseName, bool BaseHasErrors)
        {
            public bool GlorotUniform { get; init; }

            public EquatableArray<LetDefinition> Lets { get; init; } = EquatableArray<LetDefinition>.Empty;
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
            CheckEnums(network);
            var torchBatchNorm = network.NamedArguments.Any(n => n.Key == "BatchNormDefaults" && n.Value.Value is int v && v == 1);
            var glorot = network.NamedArguments.Any(n => n.Key == "Initialization" && n.Value.Value is int v && v == 1);
            var inputAttribute = attributes.FirstOrDefault(a => IsNamed(a.AttributeClass, InputAttributeName));
            var input = EquatableArray<long>.Empty;
            SourceSpan? inputSpan = null;
            if (inputAttribute is null)
            {
                if (isRoot)
                {
                    diagnostics.Add(Rules.MissingInput.At(AttributeSpan(network) ?? IdentifierSpan(type), type.Name));
                }
            }
            else
            {
                inputSpan = AttributeSpan(inputAttribute);
                input = ParseInput(inputAttribute);
            }
            var layers = ParseLayers(attributes);
            return new Core(input, inputSpan, layers, 0, regularizer, torchBatchNorm, null, false) { GlorotUniform = glorot, Lets = ParseLets(type) };
        }

        private EquatableArray<long> ParseInput(AttributeData input)
        {
            if (input.AttributeConstructor is null || input.ConstructorArguments.Any(a => a.Kind is TypedConstantKind.Error or TypedConstantKind.Array || a.Value is not int))
            {
                compilerErrors = true;
                return EquatableArray<long>.Empty;
            }
            return input.ConstructorArguments.Select(a => (long)(int)a.Value!).ToEquatableArray();
        }

        private Core ParseVariant(INamedTypeSymbol type, AttributeData variant, RegularizerDefaults? regularizer, HashSet<string> visiting, bool isRoot)
        {
            var span = AttributeSpan(variant) ?? IdentifierSpan(type);
            CheckEnums(variant);
            var placement = variant.NamedArguments.Where(n => n.Key == "BatchNorm").Select(n => n.Value.Value is int v ? v : 0).FirstOrDefault();
            var baseType = variant.ConstructorArguments.Length == 1 && variant.ConstructorArguments[0].Kind != TypedConstantKind.Error
                ? variant.ConstructorArguments[0].Value as INamedTypeSymbol
                : null;
            if (baseType is null || baseType.TypeKind == TypeKind.Error || baseType.TypeKind != TypeKind.Class)
            {
                // A C# error, or a base that is not a class (reported by the chain check).
                compilerErrors = true;
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }
            var ownInput = type.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, InputAttributeName));
            if (isRoot && placement == 0 && regularizer is null && ownInput is null)
            {
                diagnostics.Add(Rules.VariantChangesNothing.At(span, type.Name));
            }
            var key = baseType.ToDisplayString();
            if (!visiting.Add(type.ToDisplayString()) || visiting.Contains(key))
            {
                // A cycle, reported by the chain check of each class on it.
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }
            if (!IsNetworkOrVariant(baseType))
            {
                diagnostics.Add(Rules.InvalidVariantBase.At(span, type.Name, $"'{baseType.Name}' has neither [Network] nor [Variant]"));
                return new Core(EquatableArray<long>.Empty, null, EquatableArray<LayerSpec>.Empty, placement, regularizer, false, null, true);
            }

            // The base reports its own diagnostics; here they only mark the variant as not generatable.
            var before = diagnostics.Count;
            var wasRefused = refused;
            var core = ParseCore(baseType, visiting, isRoot: false);
            refused = wasRefused;
            var baseHasErrors = core.BaseHasErrors || core.Input.Count == 0 || diagnostics.Skip(before).Any(d => Rules.IsError(d.Id));
            diagnostics.RemoveRange(before, diagnostics.Count - before);
            if (ownInput is not null)
            {
                // A variant may run the same layers on another input size: [Variant(typeof(MobileNetV2)), Input(3, 32, 32)].
                var input = ParseInput(ownInput);
                if (input.Count > 0)
                {
                    core = core with { Input = input, InputSpan = AttributeSpan(ownInput) };
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
            CheckEnums(attribute);
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "L1" when named.Value.Value is double d: l1 = d; break;
                    case "L2" when named.Value.Value is double d: l2 = d; break;
                    case "Layers" when named.Value.Value is int v: layers = v; break;
                    case "Biases": biases = named.Value.Value is true; break;
                }
            }
            var span = AttributeSpan(attribute);
            if (!(l1 >= 0) || !(l2 >= 0) || double.IsInfinity(l1) || double.IsInfinity(l2))
            {
                diagnostics.Add(Rules.ArgumentOutOfRange.At(span, "DefaultRegularizer", $"λ must be finite and ≥ 0, got L1 = {Format(l1)}, L2 = {Format(l2)}"));
            }
            return new RegularizerDefaults(l1, l2, (layers & 1) != 0, (layers & 2) != 0, biases, span);
        }

        private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>An enum argument must be one of its type's values (or, for a [Flags] enum, a non-empty set of them).</summary>
        private void CheckEnums(AttributeData attribute)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind != TypedConstantKind.Enum || named.Value.Type is not INamedTypeSymbol enumType || named.Value.Value is null)
                {
                    continue;
                }
                var value = System.Convert.ToInt64(named.Value.Value, System.Globalization.CultureInfo.InvariantCulture);
                var defined = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
                    .Select(f => System.Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                var flags = enumType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
                var allBits = defined.Aggregate(0L, (all, v) => all | v);
                var valid = flags ? value != 0 && (value & ~allBits) == 0 : defined.Contains(value);
                if (!valid)
                {
                    var argument = NamedArgumentSyntax(syntax, named.Key);
                    var span = argument is null ? AttributeSpan(attribute) : SpanOf(argument.SyntaxTree, argument.Expression.Span);
                    var owner = attribute.AttributeClass?.Name is { } n && n.EndsWith("Attribute", StringComparison.Ordinal) ? n.Substring(0, n.Length - 9) : attribute.AttributeClass?.Name ?? "?";
                    diagnostics.Add(Rules.NotAnEnumValue.At(span, owner, $"{named.Key} = {value} is not a {enumType.Name} value ({string.Join(", ", enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name))})"));
                }
            }
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

            LayerKind? kind = null;
            string? blockType = null;
            string? blockName = null;
            if (DerivesFrom(attributeClass, BlockBaseName))
            {
                blockType = attributeClass.ToDisplayString();
                blockName = BlockName(attributeClass);
                ParseBlockDefinition(attributeClass);
            }
            else
            {
                var builtIn = attributeClass.ContainingAssembly?.Name == "NetDsl" && attributeClass.ContainingNamespace?.ToDisplayString() == "NetDsl" &&
                    attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal);
                kind = builtIn ? LayerCatalog.Find(attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length)) : null;
                if (kind is null)
                {
                    diagnostics.Add(Rules.InvalidNetworkClass.At(span, attributeClass.Name, "derives from LayerAttribute directly: a reusable block must derive from BlockAttribute"));
                    return null;
                }
            }

            CheckEnums(attribute);
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var arguments = new List<Argument>();
            var inputs = new List<NameReference>();
            var parameters = attribute.AttributeConstructor.Parameters;
            for (var i = 0; i < parameters.Length && i < attribute.ConstructorArguments.Length; i++)
            {
                var constant = attribute.ConstructorArguments[i];
                if (constant.Kind == TypedConstantKind.Array && kind is not null)
                {
                    var items = Items(constant, syntax, parameters[i], i);
                    if (parameters[i].Name == kind.InputsArgument)
                    {
                        inputs.AddRange(items.Where(v => v.Kind == ValueKind.Expression).Select(v => new NameReference(v.Text!, v.Span)));
                    }
                    else
                    {
                        arguments.Add(new Argument(parameters[i].Name, ArgumentValue.OfList(items.ToEquatableArray(), SpanOfArgument(FindArgument(syntax, parameters[i].Name, i)))));
                    }
                    continue;
                }
                if (constant.Kind == TypedConstantKind.Type)
                {
                    var typeSyntax = FindArgument(syntax, parameters[i].Name, i);
                    if (ModuleType(constant, SpanOfArgument(typeSyntax) ?? span, kind?.Name ?? "Custom") is { } module)
                    {
                        arguments.Add(new Argument(parameters[i].Name, module));
                    }
                    continue;
                }
                var value = ToValue(constant, FindArgument(syntax, parameters[i].Name, i));
                if (value is not null)
                {
                    arguments.Add(new Argument(parameters[i].Name, value));
                }
            }
            string? name = null;
            ArgumentValue? when = null;
            ArgumentValue? repeat = null;
            ArgumentValue? key = null;
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
                if (named.Key == "Repeat")
                {
                    repeat = value;
                    continue;
                }
                if (named.Key == "Key")
                {
                    key = value ?? ArgumentValue.OfExpression(string.Empty, argumentSyntax is null ? span : SpanOf(argumentSyntax.SyntaxTree, argumentSyntax.Span));
                    continue;
                }
                if (named.Key == "From")
                {
                    if (value is { Kind: ValueKind.Expression, Text: { } from })
                    {
                        if (kind?.InputsArgument is not null)
                        {
                            diagnostics.Add(Rules.ConflictingArguments.At(value.Span ?? span, kind.Name, $"a merge names its inputs in its constructor ([{kind.Name}(\"a\", \"b\")]); From does not apply"));
                        }
                        else
                        {
                            // "a, b": one name per input of a block with several (each with its own span in the string).
                            var offset = 0;
                            foreach (var part in from.Split(','))
                            {
                                var trimmed = part.Trim();
                                var start = offset + part.IndexOf(trimmed, StringComparison.Ordinal);
                                inputs.Add(new NameReference(trimmed, from.Contains(",") ? Shapes.ShapeInference.Sub(value.Span, start, Math.Max(trimmed.Length, 1)) : value.Span));
                                offset += part.Length + 1;
                            }
                        }
                    }
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
                diagnostics.Add(Rules.InvalidName.At(nameSpan ?? span, name));
            }
            foreach (var argument in arguments)
            {
                if (argument.Value.Kind == ValueKind.Double && (double.IsNaN(argument.Value.Double) || double.IsInfinity(argument.Value.Double)))
                {
                    var shown = char.ToUpperInvariant(argument.Name[0]) + argument.Name.Substring(1);
                    diagnostics.Add(Rules.ArgumentOutOfRange.At(argument.Value.Span ?? span, name, $"{shown} must be a finite number, got {Format(argument.Value.Double)}"));
                }
            }
            return new LayerSpec(kind?.Name ?? LayerSpec.BlockKind, name, when, arguments.ToEquatableArray(), blockType, span) { Inputs = inputs.ToEquatableArray(), Repeat = repeat, Key = key };
        }

        private static readonly System.Text.RegularExpressions.Regex LetName = new(
            @"^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(\(\s*(?<parameters>[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)?\s*\))?\s*$");

        /// <summary>The [Let]s of a network or block class: "name" or "name(a, b)", and an expression.</summary>
        private EquatableArray<LetDefinition> ParseLets(INamedTypeSymbol type)
        {
            var lets = new List<LetDefinition>();
            foreach (var attribute in type.GetAttributes().Where(a => IsNamed(a.AttributeClass, "NetDsl.LetAttribute")))
            {
                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error))
                {
                    compilerErrors = true;
                    continue;
                }
                var header = attribute.ConstructorArguments[0].Value as string ?? string.Empty;
                var match = LetName.Match(header);
                var headerSpan = ToValue(attribute.ConstructorArguments[0], FindArgument(syntax, "name", 0))?.Span ?? AttributeSpan(attribute);
                var body = ToValue(attribute.ConstructorArguments[1], FindArgument(syntax, "expression", 1));
                if (!match.Success || body is not { Kind: ValueKind.Expression })
                {
                    diagnostics.Add(Rules.InvalidExpression.At(headerSpan, header, "a [Let] is named 'name' or 'name(a, b)', and its value is an expression string"));
                    continue;
                }
                var parameters = match.Groups["parameters"].Success
                    ? match.Groups["parameters"].Value.Split(',').Select(p => p.Trim()).ToEquatableArray()
                    : EquatableArray<string>.Empty;
                lets.Add(new LetDefinition(match.Groups["name"].Value, parameters, body, headerSpan));
            }
            return lets.ToEquatableArray();
        }

        /// <summary>
        /// The module type of a [Custom] layer: a non-abstract, non-generic class deriving from TorchSharp's
        /// Module&lt;Tensor, Tensor&gt;, with a public constructor taking the input Shape or nothing; else ND0024.
        /// </summary>
        private ArgumentValue? ModuleType(TypedConstant constant, SourceSpan? span, string kind)
        {
            if (constant.Value is not INamedTypeSymbol type || type.TypeKind == TypeKind.Error)
            {
                compilerErrors = true;
                return null;
            }
            string? problem = null;
            var isModule = false;
            for (var t = type.BaseType; t is not null; t = t.BaseType)
            {
                isModule |= t.OriginalDefinition.ToDisplayString() == "TorchSharp.torch.nn.Module<T, TResult>" &&
                    t.TypeArguments.All(a => a.ToDisplayString() == "TorchSharp.torch.Tensor");
            }
            var constructors = type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
            var takesShape = constructors.Any(c => c.Parameters.Length == 1 && c.Parameters[0].Type.ToDisplayString() == "NetDsl.Shape");
            var parameterless = constructors.Any(c => c.Parameters.All(p => p.HasExplicitDefaultValue));
            if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsGenericType || type.IsStatic)
            {
                problem = "must be a non-abstract, non-generic class";
            }
            else if (!isModule)
            {
                problem = "is not a TorchSharp Module<Tensor, Tensor>";
            }
            else if (!takesShape && !parameterless)
            {
                problem = "has no public constructor taking the input shape (NetDsl.Shape) or nothing";
            }
            else if (!IsAccessibleFromOutside(type))
            {
                problem = "is not accessible (make it internal or public)";
            }
            if (problem is not null)
            {
                diagnostics.Add(Rules.InvalidCustomModule.At(span, kind, type.ToDisplayString(), problem));
                return null;
            }
            return ArgumentValue.OfType(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), takesShape, span);
        }

        private static bool IsAccessibleFromOutside(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    return false;
                }
            }
            return true;
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
            var declaredType = new Dictionary<string, string>();
            var order = new List<string>();
            var blockName = BlockName(blockClass);
            foreach (var constructor in blockClass.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public))
            {
                foreach (var parameter in constructor.Parameters)
                {
                    var where = parameter.Locations.FirstOrDefault(l => l.IsInSource) is { SourceTree: { } tree } location ? SpanOf(tree, location.SourceSpan) : null;
                    if (Lowerer.ImplicitVariables.Contains(parameter.Name) || parameter.Name is "true" or "false" or Lowerer.RepeatIndex)
                    {
                        Unsupported(where, parameter.Name, blockName, $"'{parameter.Name}' is a reserved name in block expressions{(parameter.Name.StartsWith("input", StringComparison.Ordinal) ? " (the block's input size, available without declaring it)" : string.Empty)}");
                        continue;
                    }
                    // string and object constructors take expressions (object: constants too, in one overload for every
                    // combination); the parameter's type then comes from a typed constructor, else it is an int.
                    var isString = parameter.Type.SpecialType == SpecialType.System_String;
                    var isObject = parameter.Type.SpecialType == SpecialType.System_Object;
                    var enumType = !parameter.IsParams && parameter.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } named ? EnumOf(named) : null;
                    ParameterType? type = parameter.IsParams ? null : enumType is not null ? ParameterType.Enum : parameter.Type.SpecialType switch
                    {
                        SpecialType.System_Boolean => ParameterType.Bool,
                        SpecialType.System_Double or SpecialType.System_Single => ParameterType.Double,
                        SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
                            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 => ParameterType.Int,
                        _ => null,
                    };
                    if (type is null && !isString && !(isObject && !parameter.IsParams))
                    {
                        Unsupported(where, parameter.Name, blockName, $"has type {parameter.Type.ToDisplayString()}{(parameter.IsParams ? " (params)" : string.Empty)}: block parameters are int, long, bool, double or an enum (or string or object, for an expression over the enclosing block's parameters)");
                        continue;
                    }
                    ArgumentValue? defaultValue = null;
                    if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is not null)
                    {
                        if (isString)
                        {
                            Unsupported(where, parameter.Name, blockName, "is a string with a default: give the default on the int, bool or double constructor instead");
                            continue;
                        }
                        defaultValue = ConvertConstant(parameter.ExplicitDefaultValue, where);
                        if (enumType is not null && defaultValue is { Kind: ValueKind.Int } number)
                        {
                            defaultValue = EnumValue(enumType, number.Int, where);
                        }
                    }
                    if (type is not null)
                    {
                        if (declaredType.TryGetValue(parameter.Name, out var other) && other != parameter.Type.ToDisplayString() &&
                            parameters[parameter.Name].Type != type.Value)
                        {
                            Unsupported(where, parameter.Name, blockName, $"has type {parameter.Type.ToDisplayString()} here and {other} in another constructor");
                            continue;
                        }
                        declaredType[parameter.Name] = parameter.Type.ToDisplayString();
                    }
                    if (!parameters.TryGetValue(parameter.Name, out var existing))
                    {
                        order.Add(parameter.Name);
                        parameters[parameter.Name] = new BlockParameter(parameter.Name, type ?? ParameterType.Int, defaultValue) { EnumType = enumType?.FullName };
                    }
                    else
                    {
                        parameters[parameter.Name] = existing with
                        {
                            Type = type ?? existing.Type,
                            Default = existing.Default ?? defaultValue,
                            EnumType = type is null ? existing.EnumType : enumType?.FullName,
                        };
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
            var declared = blockClass.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, InputAttributeName));
            var contract = EquatableArray<long>.Empty;
            if (declared is not null)
            {
                contract = ParseInput(declared);
                if (contract.Any(d => d < 0))
                {
                    diagnostics.Add(Rules.InvalidBlockInputs.At(AttributeSpan(declared), blockName, $"a declared block input has sizes ≥ 1, or 0 for any size, got [{string.Join(", ", contract)}]"));
                    contract = EquatableArray<long>.Empty;
                }
            }
            var inputNames = EquatableArray<string>.Empty;
            if (blockClass.GetAttributes().FirstOrDefault(a => IsNamed(a.AttributeClass, BlockInputsAttributeName)) is { } inputsAttribute &&
                inputsAttribute.ConstructorArguments.FirstOrDefault() is { Kind: TypedConstantKind.Array } list)
            {
                var names = list.Values.Select(v => v.Value as string ?? string.Empty).ToList();
                var why = names.Count is < 2 or > 6 ? $"a block reads 2 to 6 named inputs, not {names.Count}"
                    : names.FirstOrDefault(n => !SyntaxFacts.IsValidIdentifier(n)) is { } bad ? $"'{bad}' is not an identifier"
                    : names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice ? $"'{twice.Key}' is named twice"
                    : names.FirstOrDefault(n => parameters.ContainsKey(n) || Lowerer.ImplicitVariables.Contains(n)) is { } clash ? $"'{clash}' is also a parameter's name"
                    : null;
                if (why is null)
                {
                    inputNames = names.ToEquatableArray();
                }
                else
                {
                    diagnostics.Add(Rules.InvalidBlockInputs.At(AttributeSpan(inputsAttribute), blockName, why));
                }
            }
            blocks[key] = new BlockDefinition(key, blockName, order.Select(n => parameters[n]).ToEquatableArray(), body, span)
            {
                DeclaredInput = contract,
                Lets = ParseLets(blockClass),
                InputNames = inputNames,
            };
        }

        private void Unsupported(SourceSpan? span, string parameter, string block, string why) =>
            diagnostics.Add(Rules.UnsupportedBlockParameter.At(span, parameter, block, why));

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

        /// <summary>
        /// The elements of a params array, each with the span of the argument that wrote it (an explicit
        /// <c>new[] { ... }</c> gets the span of the whole array).
        /// </summary>
        private List<ArgumentValue> Items(TypedConstant array, AttributeSyntax? syntax, IParameterSymbol parameter, int position)
        {
            var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameColon is null && a.NameEquals is null).ToList() ?? new List<AttributeArgumentSyntax>();
            var expanded = parameter.IsParams && !(position < positional.Count && positional[position].Expression is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax);
            var result = new List<ArgumentValue>();
            for (var k = 0; k < array.Values.Length; k++)
            {
                var itemSyntax = expanded ? (position + k < positional.Count ? positional[position + k] : null) : FindArgument(syntax, parameter.Name, position);
                var value = expanded ? ToValue(array.Values[k], itemSyntax) : ToValue(array.Values[k], null) is { } v ? v with { Span = SpanOfArgument(itemSyntax) } : null;
                if (value is not null)
                {
                    result.Add(value);
                }
            }
            return result;
        }

        private static SourceSpan? SpanOfArgument(AttributeArgumentSyntax? syntax) => syntax is null ? null : SpanOf(syntax.SyntaxTree, syntax.Expression.Span);

        private static AttributeArgumentSyntax? NamedArgumentSyntax(AttributeSyntax? syntax, string name) =>
            syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private ArgumentValue? ToValue(TypedConstant constant, AttributeArgumentSyntax? syntax)
        {
            if (constant.Kind == TypedConstantKind.Error)
            {
                compilerErrors = true;
                return null;
            }
            if (constant.Kind == TypedConstantKind.Array)
            {
                return null; // no layer takes an array; a block parameter of array type is refused where it is declared
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
            if (constant.Kind == TypedConstantKind.Enum && constant.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType &&
                ConvertConstant(constant.Value, span) is { Kind: ValueKind.Int } number)
            {
                return EnumValue(EnumOf(enumType), number.Int, span);
            }
            return ConvertConstant(constant.Value, span);
        }

        /// <summary>The enum's members, recorded so that expressions may name them.</summary>
        private EnumDefinition EnumOf(INamedTypeSymbol enumType)
        {
            var fullName = enumType.ToDisplayString();
            if (!enums.TryGetValue(fullName, out var definition))
            {
                var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue && f.ConstantValue is not null)
                    .Select(f => new EnumMember(f.Name, Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)));
                definition = new EnumDefinition(fullName, members.ToEquatableArray());
                enums[fullName] = definition;
            }
            return definition;
        }

        private static ArgumentValue EnumValue(EnumDefinition type, long value, SourceSpan? span)
        {
            var member = type.Members.FirstOrDefault(m => m.Value == value);
            var shortName = Parsing.EnumTypes.ShortName(type.FullName);
            return ArgumentValue.OfEnum(type.FullName, value, member is null ? $"({shortName}){value}" : shortName + "." + member.Name, span);
        }

        private static ArgumentValue? ConvertConstant(object? value, SourceSpan? span) => value switch
        {
            string text => ArgumentValue.OfExpression(text, span),
            bool b => ArgumentValue.OfBool(b, span),
            double d => ArgumentValue.OfDouble(d, span),
            float f => ArgumentValue.OfDouble(f, span),
            int i => ArgumentValue.OfInt(i, span),
            long l => ArgumentValue.OfInt(l, span),
            uint u => ArgumentValue.OfInt(u, span),
            short s => ArgumentValue.OfInt(s, span),
            ushort u => ArgumentValue.OfInt(u, span),
            byte b => ArgumentValue.OfInt(b, span),
            sbyte b => ArgumentValue.OfInt(b, span),
            _ => null,
        };
    }
}
