using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Diagnostics;

/// <summary>
/// Every diagnostic NetDsl reports, one named rule each, with sequential IDs (documented in docs/diagnostics.md,
/// where each rule's help link points). Stages report a rule with <see cref="At"/>, adding what a code fix
/// needs as properties (<see cref="DiagnosticInfo.With"/>).
/// </summary>
internal static class Rules
{
    private const string Category = "NetDsl";

    /// <summary>
    /// Where docs/diagnostics.md is published: the build property NetDslRepositoryUrl (Directory.Build.props) is
    /// written into this assembly's metadata, so a fork or a mirror changes one line.
    /// </summary>
    internal static readonly string DocumentationUrl = DocumentationUrlOf(typeof(Rules).Assembly);

    private static string DocumentationUrlOf(Assembly assembly)
    {
        foreach (var metadata in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (metadata.Key == "NetDslDiagnosticsUrl" && !string.IsNullOrEmpty(metadata.Value))
            {
                return metadata.Value!;
            }
        }
        return "docs/diagnostics.md";
    }

    internal static string HelpLink(string id) => DocumentationUrl + "#" + id.ToLowerInvariant();

    private static DiagnosticDescriptor Make(string id, DiagnosticSeverity severity, string title, string message) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description: "See docs/diagnostics.md#" + id.ToLowerInvariant() + ".",
            helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Error(string id, string title, string message) => Make(id, DiagnosticSeverity.Error, title, message);

    private static DiagnosticDescriptor Warning(string id, string title, string message) => Make(id, DiagnosticSeverity.Warning, title, message);

    private static DiagnosticDescriptor Suggestion(string id, string title, string message) => Make(id, DiagnosticSeverity.Info, title, message);

    public static readonly DiagnosticDescriptor MissingInput = Error("ND0001", "Network has no input shape",
        "Network '{0}' has no [Input(...)]: add its input shape, e.g. [Input(3, 224, 224)] or [Input(784)]");

    public static readonly DiagnosticDescriptor ArgumentOutOfRange = Error("ND0002", "Argument out of range",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor AddShapeMismatch = Error("ND0003", "Residual Add shapes differ",
        "{0}: Add needs equal shapes, but the output is {1} and the shortcut input is {2}{3}");

    public static readonly DiagnosticDescriptor SpatialCollapse = Error("ND0004", "Spatial size shrinks to nothing",
        "{0}: output would be {1}; the input {2} is too small for this layer{3}");

    public static readonly DiagnosticDescriptor KernelTooLarge = Error("ND0005", "Kernel larger than its input",
        "{0}: a {1} window does not fit the (padded) input {2}{3}");

    public static readonly DiagnosticDescriptor RegularizerWithoutWeight = Error("ND0006", "Regularizer on a missing weight",
        "{0}: {1} is set but the layer has no {2}");

    public static readonly DiagnosticDescriptor WrongInputRank = Error("ND0007", "Layer fed the wrong kind of input",
        "{0}: {1} expects {2} but gets {3}{4}");

    public static readonly DiagnosticDescriptor UnknownParameter = Error("ND0008", "Unknown block parameter",
        "'{0}' is not a parameter of block {1} (parameters: {2}){3}");

    public static readonly DiagnosticDescriptor InvalidExpression = Error("ND0009", "Invalid expression",
        "Expression '{0}': {1}");

    public static readonly DiagnosticDescriptor RecursiveBlock = Error("ND0010", "Recursive block",
        "Block {0} contains itself: {1}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("ND0011", "Duplicate layer name",
        "{0}: the name '{1}' {2}");

    public static readonly DiagnosticDescriptor InvalidNetworkClass = Error("ND0012", "Invalid network class",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidVariantBase = Error("ND0013", "Invalid variant base",
        "Variant '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidName = Error("ND0014", "Invalid layer name",
        "'{0}' is not a valid module name: use letters, digits and '_' and start with a letter or '_'");

    public static readonly DiagnosticDescriptor GeneratedMemberClash = Error("ND0015", "Member clashes with generated code",
        "'{0}' declares {1}, which NetDsl generates ({2}): rename or remove it");

    public static readonly DiagnosticDescriptor UnsupportedBlockParameter = Error("ND0016", "Unsupported block parameter",
        "Parameter '{0}' of block {1} {2}");

    public static readonly DiagnosticDescriptor MissingBlockArgument = Error("ND0017", "Block parameter without a value",
        "Block {0} is used through a constructor without '{1}', which its body uses in '{2}', and '{1}' has no default: use a constructor that takes it, or give it a default");

    public static readonly DiagnosticDescriptor SizeOverflow = Error("ND0018", "Size out of range",
        "{0}: a size or count of this {1} layer does not fit in 64 bits");

    public static readonly DiagnosticDescriptor AlternativesDiffer = Error("ND0019", "Alternatives of different kinds",
        "{0}: layers that share a name under exclusive conditions must be of the same kind, but this is {2} and the other is {1}");

    public static readonly DiagnosticDescriptor DeclaredShapeDiffers = Error("ND0020", "Declared input differs from the inferred one",
        "{0}: {1} declares the input {2}, but the input is {3}");

    public static readonly DiagnosticDescriptor UnknownOutput = Error("ND0021", "Unknown output name",
        "{0}: no output named '{1}' above this layer (the names it can read: {2}){3}");

    public static readonly DiagnosticDescriptor MergeMismatch = Error("ND0022", "Merge inputs do not fit",
        "{0}: {1} needs {2}, but {3}: {4}");

    public static readonly DiagnosticDescriptor ReadsLaterOutput = Error("ND0023", "Layer reads an output that is not above it",
        "{0}: '{1}' is {2}; a layer reads only the outputs written above it");

    public static readonly DiagnosticDescriptor InvalidCustomModule = Error("ND0024", "Custom module type unusable",
        "{0}: {1} {2}");

    public static readonly DiagnosticDescriptor InternalError = Error("ND0099", "NetDsl internal error",
        "NetDsl failed on '{0}': {1}. Please report this with the network's source.");

    public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Suggestion("ND0101", "Bias before BatchNorm is wasted",
        "{0}: its bias is followed by BatchNorm, which subtracts the mean and cancels it; set UseBias = false");

    public static readonly DiagnosticDescriptor VariantChangesNothing = Warning("ND0102", "Variant changes nothing",
        "Variant '{0}' changes no input, BatchNorm placement or regularizer: it equals its base network");

    public static readonly DiagnosticDescriptor InvalidKey = Error("ND0025", "Invalid state-dict key",
        "{0}: Key \"{1}\": {2}");

    public static readonly DiagnosticDescriptor UnusedOutput = Warning("ND0103", "Output never read",
        "{0}: its output {1} is never read: no later layer takes it as its input (by position, From or a merge); name it where it is needed, or remove it");

    public static readonly DiagnosticDescriptor WrongArgumentType = Error("ND0026", "Argument of the wrong type",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor NotAnEnumValue = Error("ND0027", "Not a value of its enum",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor ConflictingArguments = Error("ND0028", "Arguments that exclude each other",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor ArgumentDoesNotFitInput = Error("ND0029", "Argument does not fit the input",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor WrongInputCount = Error("ND0030", "Wrong number of inputs",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor InvalidBlockInputs = Error("ND0031", "Invalid block input declaration",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error("ND0032", "Invalid input shape",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor InvalidRepeat = Error("ND0033", "Invalid Repeat",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor InputLooksChannelsLast = Suggestion("ND0104", "Input looks height-width-channels",
        "{0}: [Input({1})] has {2} channels and a {3}×{4} image; NetDsl is channels first: did you mean [Input({5})]?");

    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        MissingInput, ArgumentOutOfRange, AddShapeMismatch, SpatialCollapse, KernelTooLarge, RegularizerWithoutWeight,
        WrongInputRank, UnknownParameter, InvalidExpression, RecursiveBlock, DuplicateName, InvalidNetworkClass,
        InvalidVariantBase, InvalidName, GeneratedMemberClash, UnsupportedBlockParameter, MissingBlockArgument, SizeOverflow,
        AlternativesDiffer, DeclaredShapeDiffers, UnknownOutput, MergeMismatch, ReadsLaterOutput, InvalidCustomModule, InternalError, InvalidKey, BiasBeforeBatchNorm,
        VariantChangesNothing, UnusedOutput, WrongArgumentType, NotAnEnumValue, ConflictingArguments, ArgumentDoesNotFitInput,
        WrongInputCount, InvalidBlockInputs, InvalidInputShape, InvalidRepeat, InputLooksChannelsLast);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = BuildIndex();

    private static Dictionary<string, DiagnosticDescriptor> BuildIndex()
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var descriptor in All)
        {
            index[descriptor.Id] = descriptor;
        }
        return index;
    }

    public static DiagnosticDescriptor Get(string id) => ById[id];

    public static bool IsError(string id) => Get(id).DefaultSeverity == DiagnosticSeverity.Error;

    /// <summary>The rule reported at <paramref name="span"/> with its message arguments.</summary>
    public static DiagnosticInfo At(this DiagnosticDescriptor rule, SourceSpan? span, params string[] arguments) =>
        new(rule.Id, span, arguments.ToEquatableArray());
}

