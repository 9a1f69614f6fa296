using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>
/// One sample's shape as the fuzzer tracks it (batch implicit): an image [C, H, W] (rank 3), a sequence [C, L]
/// (rank 2, the length kept in <see cref="Height"/>) or a vector [F] (rank 1).
/// </summary>
internal readonly record struct FuzzShape(int Rank, long Channels, long Height, long Width)
{
    public static FuzzShape Image(long channels, long height, long width) => new(3, channels, height, width);

    public static FuzzShape Sequence(long channels, long length) => new(2, channels, length, 0);

    public static FuzzShape Vector(long features) => new(1, features, 0, 0);

    public bool IsImage => Rank == 3;

    public bool IsSequence => Rank == 2;

    public bool IsFlat => Rank == 1;

    public long Length => Height;

    /// <summary>What the expressions' inputHeight and inputWidth read: an image's sides, 0 for a sequence or a vector.</summary>
    public long ImageHeight => IsImage ? Height : 0;

    public long ImageWidth => IsImage ? Width : 0;

    /// <summary>The sizes of a sample, channels (or features) first.</summary>
    public long[] Axes => Rank switch
    {
        3 => new[] { Channels, Height, Width },
        2 => new[] { Channels, Height },
        _ => new[] { Channels },
    };

    /// <summary>The last axis: the width of an image, the length of a sequence, the features of a vector.</summary>
    public long Last => Axes[^1];

    public long Size => Axes.Aggregate(1L, (a, d) => a * d);

    public long[] WithBatch(long batch) => Axes.Prepend(batch).ToArray();

    public static FuzzShape? FromAxes(long[] axes) => axes.Length switch
    {
        1 => Vector(axes[0]),
        2 => Sequence(axes[0], axes[1]),
        3 => Image(axes[0], axes[1], axes[2]),
        _ => null,
    };

    public override string ToString() => "[N, " + string.Join(", ", Axes) + "]";
}

internal enum FuzzKind
{
    Conv2D,
    DepthwiseConv2D,
    Dense,
    BatchNorm,
    ReLU,
    ReLU6,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    ZeroPadding2D,
    MaxPooling2D,
    AveragePooling2D,
    Add,
    Subtract,
    Multiply,
    Average,
    Maximum,
    Minimum,
    Concatenate,
    Reshape,
    Block,

    // The later vocabulary.
    Sigmoid,
    Tanh,
    SiLU,
    HardSigmoid,
    HardSwish,
    Mish,
    LeakyReLU,
    ELU,
    GELU,
    Softmax,
    PReLU,
    LayerNormalization,
    GroupNormalization,
    InstanceNormalization,
    SpatialDropout2D,
    AlphaDropout,
    Conv1D,
    Conv2DTranspose,
    SeparableConv2D,
    UpSampling2D,
    AdaptiveAveragePooling2D,
    Cropping2D,
    Permute,
    ChannelShuffle,
    GlobalMaxPooling2D,
    Custom,

    // The newest vocabulary: [Activation(value)] (Keras' Activation layer).
    ActivationLayer,

    // [Chunk(chunks, index)]: one of equal parts of the channels.
    Chunk,
}

/// <summary>A [Let] of a network or block class: a value ("name") or a function ("name(v, d)").</summary>
internal sealed class FuzzLet
{
    public FuzzLet(string name, IReadOnlyList<string> parameters, FuzzExpr body)
    {
        Name = name;
        Parameters = parameters;
        Body = body;
    }

    public string Name { get; }

    public IReadOnlyList<string> Parameters { get; }

    public FuzzExpr Body { get; }

    public bool IsFunction => Parameters.Count > 0;

    public string Header => IsFunction ? Name + "(" + string.Join(", ", Parameters) + ")" : Name;
}

/// <summary>A [Custom] module class of the program: its output per input, and its trainable parameters.</summary>
internal sealed class FuzzCustomModule
{
    public FuzzCustomModule(string name, int style, long parameters)
    {
        Name = name;
        Style = style;
        Parameters = parameters;
    }

    public string Name { get; }

    /// <summary>0: x·2 (shape kept, no parameters), 1: a learned per-channel scale (C parameters, built from the input Shape), 2: space-to-depth by 2.</summary>
    public int Style { get; }

    public long Parameters { get; }
}

/// <summary>A double as the source writes it (the text) and as C# reads it (the value).</summary>
internal readonly record struct FuzzNumber(double Value, string Text)
{
    public static FuzzNumber Of(string text, double value) => new(value, text);
}

/// <summary>An integer layer argument: a literal, or (inside a block) an expression string.</summary>
internal sealed class FuzzArg
{
    private FuzzArg(long literal, FuzzExpr? expression, bool compact)
    {
        Literal = literal;
        Expression = expression;
        Compact = compact;
    }

    public long Literal { get; }

    public FuzzExpr? Expression { get; }

    public bool Compact { get; }

    public bool IsString => Expression is not null;

    public static FuzzArg Of(long literal) => new(literal, null, false);

    public static FuzzArg Of(FuzzExpr expression, bool compact) => new(0, expression, compact);

    public long Value(IReadOnlyDictionary<string, FuzzValue>? variables)
    {
        if (Expression is null)
        {
            return Literal;
        }
        var value = Expression.Evaluate(variables ?? new Dictionary<string, FuzzValue>());
        return value.IsInt ? value.Number : throw new FuzzEvaluationException(value.Type + " where an int is needed");
    }

    public string Render() => Expression is null ? Literal.ToString(CultureInfo.InvariantCulture) : "\"" + Expression.Render(Compact) + "\"";
}

/// <summary>
/// A block argument at a usage: a literal (written as <see cref="Text"/> where C# source differs from the
/// expression language, e.g. 0.2f or 1 for a double), or an expression over the enclosing block's parameters.
/// </summary>
internal sealed class FuzzBlockArg
{
    public FuzzBlockArg(FuzzValue literal, FuzzExpr? expression = null, string? text = null)
    {
        LiteralValue = literal;
        Expression = expression;
        Text = text;
    }

    public FuzzValue LiteralValue { get; }

    public FuzzExpr? Expression { get; }

    public string? Text { get; }

    public FuzzValue Value(IReadOnlyDictionary<string, FuzzValue>? variables) =>
        Expression is null ? LiteralValue : Expression.Evaluate(variables ?? new Dictionary<string, FuzzValue>());

    /// <summary>As an argument of the typed constructor, or (quoted) of the all-string one.</summary>
    public string Render(bool asString) =>
        asString ? "\"" + (Expression?.Render() ?? LiteralValue.Literal) + "\"" : Text ?? LiteralValue.Literal;

    /// <summary>As an argument of the object constructor: an expression quoted, a constant as its C# literal.</summary>
    public string RenderObject() => Expression is not null ? "\"" + Expression.Render() + "\"" : Text ?? LiteralValue.Literal;
}

/// <summary>One layer or block usage as written in an attribute.</summary>
internal sealed class FuzzLayer
{
    public FuzzLayer(FuzzKind kind) => Kind = kind;

    public FuzzKind Kind { get; set; }

    public string? ExplicitName { get; set; }

    /// <summary>The module name NetDsl documents for this layer: explicit, or stem_n by kind within the scope.</summary>
    public string FinalName { get; set; } = string.Empty;

    public FuzzExpr? When { get; set; }

    public bool WhenCompact { get; set; }

    public string? WhenText => When?.Render(WhenCompact);

    public FuzzArg? Filters { get; set; }

    public FuzzArg? Strides { get; set; }

    public FuzzArg? Units { get; set; }

    public int Kernel { get; set; } = 1;

    public bool StridesOmitted { get; set; }

    /// <summary>0: Padding not written (valid), 1: Padding.Valid written, 2: Padding.Same.</summary>
    public int PaddingStyle { get; set; }

    public bool Same => PaddingStyle == 2;

    public int? DepthMultiplier { get; set; }

    public bool? UseBias { get; set; }

    public bool HasBias => UseBias != false;

    /// <summary>Per-layer λs by attribute property (KernelL1, DepthwiseL2, BiasL1, ...).</summary>
    public List<(string Property, FuzzNumber Value)> Regularizers { get; private set; } = new();

    public FuzzNumber? Epsilon { get; set; }

    public FuzzNumber? Momentum { get; set; }

    public FuzzNumber Rate { get; set; }

    /// <summary>A Dropout rate written as an expression string (a block's parameters, or constants anywhere).</summary>
    public FuzzExpr? RateExpression { get; set; }

    public bool RateCompact { get; set; }

    public int[] Pads { get; set; } = Array.Empty<int>();

    public int? PoolSize { get; set; }

    public int? PoolStrides { get; set; }

    public FuzzBlock? Block { get; set; }

    // ---- the later vocabulary ----

    /// <summary>A kernel written as an expression (the window layers' object overloads); null: <see cref="Kernel"/>.</summary>
    public FuzzArg? KernelArg { get; set; }

    /// <summary>3: Padding.Half (with 0 none written, 1 Valid, 2 Same).</summary>
    public bool Half => PaddingStyle == 3;

    public int? Pad { get; set; }

    public int? PadHeight { get; set; }

    public int? PadWidth { get; set; }

    public int? Dilation { get; set; }

    public int? Groups { get; set; }

    public int? KernelHeight { get; set; }

    public int? KernelWidth { get; set; }

    public int? StrideHeight { get; set; }

    public int? StrideWidth { get; set; }

    public bool? CeilMode { get; set; }

    public int? OutputPadding { get; set; }

    /// <summary>Keras' activation= shorthand on a weighted layer (an Activation member name), or null.</summary>
    public string? Activation { get; set; }

    public int? InFeatures { get; set; }

    public bool? Affine { get; set; }

    public bool? TrackRunningStats { get; set; }

    public FuzzNumber? Alpha { get; set; }

    public bool? Approximate { get; set; }

    public bool? Channelwise { get; set; }

    public FuzzNumber? Init { get; set; }

    /// <summary>UpSampling2D's factor; AdaptiveAveragePooling2D's sizes (one or two).</summary>
    public int[] Sizes { get; set; } = Array.Empty<int>();

    public bool? Bilinear { get; set; }

    public bool? AlignCorners { get; set; }

    public FuzzCustomModule? CustomModule { get; set; }

    /// <summary>Chunk's parts (it must divide the channels) and the one kept, literals or (in a block) expressions.</summary>
    public FuzzArg? Chunks { get; set; }

    public FuzzArg? ChunkIndex { get; set; }

    /// <summary>Custom's declared output, one argument per axis (literals or expressions).</summary>
    public List<FuzzArg> OutputShape { get; private set; } = new();

    /// <summary>Custom's declared trainable parameters (the Parameters property; written where not 0).</summary>
    public long CustomParameters { get; set; }

    /// <summary>From = "name": the output this layer reads instead of the previous one (never on a merge).</summary>
    public string? From { get; set; }

    /// <summary>A merge's input names, in order; an Add without any is the residual shortcut [Add].</summary>
    public List<string> Inputs { get; private set; } = new();

    /// <summary>Concatenate's Axis where written (1 or −1).</summary>
    public int? Axis { get; set; }

    /// <summary>Reshape's dimensions, e.g. (−1, 1, 1).</summary>
    public int[] Dimensions { get; set; } = Array.Empty<int>();

    /// <summary>Repeat = "n": n chained copies in one module; their arguments may read repeatIndex.</summary>
    public FuzzExpr? Repeat { get; set; }

    public bool RepeatCompact { get; set; }

    /// <summary>AveragePooling2D's CountIncludePad.</summary>
    public bool? CountIncludePad { get; set; }

    /// <summary>
    /// Size and option properties written as expression strings (Pad = "d", UseBias = "!norm", Padding = "pad",
    /// Activation = "act"; "activation" is [Activation]'s constructor argument), by property name. The simulator
    /// evaluates them per use in place of the literal field.
    /// </summary>
    public Dictionary<string, FuzzExpr> Options { get; private set; } = new(StringComparer.Ordinal);

    public bool OptionsCompact { get; set; }

    public bool IsMerge => Kind is FuzzKind.Subtract or FuzzKind.Multiply or FuzzKind.Average or FuzzKind.Maximum or FuzzKind.Minimum or FuzzKind.Concatenate ||
        Kind == FuzzKind.Add && Inputs.Count > 0;

    /// <summary>A use of a block of several inputs: <see cref="Inputs"/> holds the names its From lists, one per input.</summary>
    public bool IsMultiInputUse => Kind == FuzzKind.Block && Inputs.Count > 0;

    /// <summary>The names this layer reads: a merge's inputs, a several-input block use's, or its From.</summary>
    public IEnumerable<string> References => IsMerge || IsMultiInputUse ? Inputs : From is null ? Enumerable.Empty<string>() : new[] { From };

    public Dictionary<string, FuzzBlockArg> BlockArgs { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The usage calls the all-string constructor of the block.</summary>
    public bool BlockStringCtor { get; set; }

    /// <summary>The usage calls the object constructor of the block (constants and expression strings mixed).</summary>
    public bool BlockObjectCtor { get; set; }

    /// <summary>Constructor arguments written as name: value.</summary>
    public bool NamedArguments { get; set; }

    /// <summary>Written with the Attribute suffix, e.g. [Conv2DAttribute(...)].</summary>
    public bool Suffix { get; set; }

    public FuzzLayer Clone()
    {
        // MemberwiseClone shares the collections; the copy gets its own.
        var copy = (FuzzLayer)MemberwiseClone();
        copy.Regularizers = new List<(string, FuzzNumber)>(Regularizers);
        copy.BlockArgs = new Dictionary<string, FuzzBlockArg>(BlockArgs, StringComparer.Ordinal);
        copy.Inputs = new List<string>(Inputs);
        copy.OutputShape = new List<FuzzArg>(OutputShape);
        copy.Options = new Dictionary<string, FuzzExpr>(Options, StringComparer.Ordinal);
        return copy;
    }

    public static string Stem(FuzzKind kind, FuzzBlock? block) => kind switch
    {
        FuzzKind.Conv2D => "conv2d",
        FuzzKind.DepthwiseConv2D => "depthwise_conv2d",
        FuzzKind.Dense => "dense",
        FuzzKind.BatchNorm => "batch_norm",
        FuzzKind.ReLU => "relu",
        FuzzKind.ReLU6 => "relu6",
        FuzzKind.Dropout => "dropout",
        FuzzKind.Flatten => "flatten",
        FuzzKind.GlobalAveragePooling2D => "global_average_pooling2d",
        FuzzKind.ZeroPadding2D => "zero_padding2d",
        FuzzKind.MaxPooling2D => "max_pooling2d",
        FuzzKind.AveragePooling2D => "average_pooling2d",
        FuzzKind.Add => "add",
        FuzzKind.Subtract => "subtract",
        FuzzKind.Multiply => "multiply",
        FuzzKind.Average => "average",
        FuzzKind.Maximum => "maximum",
        FuzzKind.Minimum => "minimum",
        FuzzKind.Concatenate => "concatenate",
        FuzzKind.Reshape => "reshape",
        FuzzKind.Sigmoid => "sigmoid",
        FuzzKind.Tanh => "tanh",
        FuzzKind.SiLU => "silu",
        FuzzKind.HardSigmoid => "hard_sigmoid",
        FuzzKind.HardSwish => "hard_swish",
        FuzzKind.Mish => "mish",
        FuzzKind.LeakyReLU => "leaky_relu",
        FuzzKind.ELU => "elu",
        FuzzKind.GELU => "gelu",
        FuzzKind.Softmax => "softmax",
        FuzzKind.PReLU => "prelu",
        FuzzKind.LayerNormalization => "layer_norm",
        FuzzKind.GroupNormalization => "group_norm",
        FuzzKind.InstanceNormalization => "instance_norm",
        FuzzKind.SpatialDropout2D => "spatial_dropout2d",
        FuzzKind.AlphaDropout => "alpha_dropout",
        FuzzKind.Conv1D => "conv1d",
        FuzzKind.Conv2DTranspose => "conv2d_transpose",
        FuzzKind.SeparableConv2D => "separable_conv2d",
        FuzzKind.UpSampling2D => "up_sampling2d",
        FuzzKind.AdaptiveAveragePooling2D => "adaptive_average_pooling2d",
        FuzzKind.Cropping2D => "cropping2d",
        FuzzKind.Permute => "permute",
        FuzzKind.ChannelShuffle => "channel_shuffle",
        FuzzKind.GlobalMaxPooling2D => "global_max_pooling2d",
        FuzzKind.Custom => "custom",
        FuzzKind.ActivationLayer => "activation",
        FuzzKind.Chunk => "chunk",
        _ => block!.Stem,
    };

    /// <summary>The layer is a module: a kind with one, a block, or any repeated layer (the container of its copies).</summary>
    public bool OwnsModule => Kind is FuzzKind.Conv2D or FuzzKind.DepthwiseConv2D or FuzzKind.Dense or FuzzKind.BatchNorm or FuzzKind.Dropout or FuzzKind.Block or
        FuzzKind.PReLU or FuzzKind.LayerNormalization or FuzzKind.GroupNormalization or FuzzKind.InstanceNormalization or FuzzKind.SpatialDropout2D or
        FuzzKind.AlphaDropout or FuzzKind.Conv1D or FuzzKind.Conv2DTranspose or FuzzKind.SeparableConv2D or FuzzKind.Custom ||
        Repeat is not null;

    public bool IsWeighted => Kind is FuzzKind.Conv2D or FuzzKind.DepthwiseConv2D or FuzzKind.Dense or FuzzKind.Conv1D or FuzzKind.Conv2DTranspose;

    /// <summary>The kinds that take Keras' activation= shorthand.</summary>
    public bool TakesActivation => IsWeighted || Kind == FuzzKind.SeparableConv2D;

    /// <summary>The activations a variant's BatchNorm-after-activation moves BatchNorm past (every activation but Softmax).</summary>
    public static bool IsActivationKind(FuzzKind kind) => kind is FuzzKind.ReLU or FuzzKind.ReLU6 or FuzzKind.Sigmoid or FuzzKind.Tanh or FuzzKind.SiLU or
        FuzzKind.HardSigmoid or FuzzKind.HardSwish or FuzzKind.Mish or FuzzKind.LeakyReLU or FuzzKind.ELU or FuzzKind.GELU or FuzzKind.PReLU;

    /// <summary>Gives every layer of one scope its documented name (counters per kind, named layers count too).</summary>
    public static void AssignNames(IEnumerable<FuzzLayer> scope)
    {
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in scope)
        {
            var stem = Stem(layer.Kind, layer.Block);
            counters.TryGetValue(stem, out var n);
            counters[stem] = ++n;
            layer.FinalName = layer.ExplicitName ?? stem + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>A block parameter: its expression type and the C# type it is declared with (int or long, bool, double or float).</summary>
internal sealed class FuzzParam
{
    public FuzzParam(string name, FuzzType type, string declared)
    {
        Name = name;
        Type = type;
        Declared = declared;
    }

    public string Name { get; }

    /// <summary>The name in C# source: a keyword needs '@' there, but not in expressions.</summary>
    public string CSharpName => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(Name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? Name : "@" + Name;

    public FuzzType Type { get; }

    public string Declared { get; }

    /// <summary>The enum type of an enum parameter.</summary>
    public FuzzEnumType? EnumType { get; init; }

    public bool IsBool => Type == FuzzType.Bool;

    public FuzzValue? Default { get; set; }

    /// <summary>The default as written, where it differs from the value's literal (0.25f, 1 for a double).</summary>
    public string? DefaultText { get; set; }
}

/// <summary>A block attribute class: parameters from its constructors, its own layer attributes as the body.</summary>
internal sealed class FuzzBlock
{
    public FuzzBlock(string name, string stem)
    {
        Name = name;
        Stem = stem;
    }

    public string Name { get; set; }

    public string Stem { get; set; }

    /// <summary>Declared without the Attribute suffix (class Act : BlockAttribute, used as [Act]).</summary>
    public bool NoSuffix { get; set; }

    public string ClassName => NoSuffix ? Name : Name + "Attribute";

    public string? Namespace { get; set; }

    /// <summary>Another block of the same name lives in another namespace, so every use names this one by its full name.</summary>
    public bool Qualified { get; set; }

    public List<FuzzParam> Parameters { get; } = new();

    /// <summary>A second public constructor taking every parameter as a string (expressions from enclosing blocks).</summary>
    public bool StringCtor { get; set; }

    public bool StringCtorFirst { get; set; }

    public bool ExplicitEmptyCtor { get; set; }

    public string Modifiers { get; set; } = "public sealed";

    public List<FuzzLayer> Body { get; set; } = new();

    /// <summary>The class's [Let]s, in order.</summary>
    public List<FuzzLet> Lets { get; } = new();

    /// <summary>A third public constructor taking every parameter as object (constants and expressions mixed).</summary>
    public bool ObjectCtor { get; set; }

    /// <summary>The class's [Input] contract, a size 0 (InputAttribute.Any) leaving that axis free; null: none.</summary>
    public long[]? InputContract { get; set; }

    /// <summary>[BlockInputs(...)]: the names of a block of several inputs (the first is what its first layer reads); null: one input.</summary>
    public List<string>? InputNames { get; set; }

    /// <summary>An enum type the source declares next to this block, for one of its parameters.</summary>
    public FuzzEnumType? UserEnum { get; set; }

    public FuzzBlock CloneWithBody(List<FuzzLayer> body)
    {
        var copy = new FuzzBlock(Name, Stem)
        {
            Namespace = Namespace,
            StringCtor = StringCtor,
            StringCtorFirst = StringCtorFirst,
            ExplicitEmptyCtor = ExplicitEmptyCtor,
            Modifiers = Modifiers,
            NoSuffix = NoSuffix,
            Qualified = Qualified,
            Body = body,
            ObjectCtor = ObjectCtor,
            InputContract = InputContract,
            UserEnum = UserEnum,
            InputNames = InputNames,
        };
        copy.Parameters.AddRange(Parameters);
        copy.Lets.AddRange(Lets);
        return copy;
    }
}

internal sealed class FuzzRegularizer
{
    public FuzzNumber? L1 { get; set; }

    public FuzzNumber? L2 { get; set; }

    /// <summary>null: not written (all); 1 Convolutions, 2 Dense, 3 All.</summary>
    public int? Layers { get; set; }

    public bool LayersAsFlags { get; set; }

    public bool? Biases { get; set; }

    public bool Convolutions => (Layers ?? 3) is 1 or 3;

    public bool Dense => (Layers ?? 3) is 2 or 3;
}

/// <summary>Containing types of a nested network, outermost first, each with its declaration keywords.</summary>
internal sealed class FuzzContainer
{
    public List<(string Name, string Keywords)> Levels { get; } = new();
}

/// <summary>A [Network] class or a [Variant] class (when <see cref="Base"/> is set).</summary>
internal sealed class FuzzNetwork
{
    public FuzzNetwork(string className) => ClassName = className;

    public string ClassName { get; set; }

    public string? Namespace { get; set; }

    public FuzzContainer? Container { get; set; }

    public string Modifiers { get; set; } = "public";

    public FuzzNetwork? Base { get; set; }

    public bool IsVariant => Base is not null;

    /// <summary>0 AsDeclared, 1 AfterActivation, 2 Removed.</summary>
    public int Placement { get; set; }

    public bool PlacementWritten { get; set; }

    /// <summary>The network's [Input]; a variant's own [Input], or null to keep the base's.</summary>
    public FuzzShape? Input { get; set; }

    public bool InputNamed { get; set; }

    /// <summary>null: BatchNormDefaults not written (Keras).</summary>
    public bool? TorchDefaults { get; set; }

    public bool Glorot { get; set; }

    public bool NetworkParentheses { get; set; }

    public FuzzRegularizer? Regularizer { get; set; }

    public List<FuzzLayer> Layers { get; } = new();

    /// <summary>The network class's [Let]s (constants, and functions of their parameters).</summary>
    public List<FuzzLet> Lets { get; } = new();

    /// <summary>Members of the user's part; <see cref="Self"/> stands for the class name, which a mutation may still change.</summary>
    public List<string> Members { get; } = new();

    public const string Self = "$Self$";

    /// <summary>The members refer to generated ones (Summary, a layer field, Dispose(bool)), so the user's part alone does not compile.</summary>
    public bool MembersUseGenerated { get; set; }

    /// <summary>How many layer attributes come before the [Network, Input] line (usually 0).</summary>
    public int HeaderPosition { get; set; }

    /// <summary>Layer attributes per attribute list, e.g. [Dense(32), BatchNorm, ReLU].</summary>
    public List<int> Grouping { get; } = new();

    public bool QualifiedTypeof { get; set; }

    public string MetadataName =>
        (Namespace is null ? string.Empty : Namespace.Replace("@", string.Empty, StringComparison.Ordinal) + ".") +
        (Container is null ? string.Empty : string.Concat(Container.Levels.Select(l => l.Name + "+"))) + ClassName.TrimStart('@');

    public string QualifiedName =>
        "global::" + (Namespace is null ? string.Empty : Namespace + ".") +
        (Container is null ? string.Empty : string.Concat(Container.Levels.Select(l => l.Name + "."))) + ClassName;
}

/// <summary>A whole generated source: blocks and networks, how namespaces are written, how many files.</summary>
internal sealed class FuzzProgram
{
    /// <summary>0 none, 1 file-scoped, 2 block-scoped, 3 nested blocks (namespace A { namespace B { } }).</summary>
    public int NamespaceStyle { get; set; }

    /// <summary>Null: `using NetDsl;`; else the prefix every NetDsl name is written with ("NetDsl." or "global::NetDsl.").</summary>
    public string? Qualifier { get; set; }

    public bool UsingInsideNamespace { get; set; }

    public bool SplitFiles { get; set; }

    public List<FuzzBlock> Blocks { get; } = new();

    public List<FuzzNetwork> Networks { get; } = new();

    /// <summary>[Custom] module classes the layers name, declared next to the networks.</summary>
    public List<FuzzCustomModule> CustomModules { get; } = new();

    public string? CustomNamespace { get; set; }
}

internal sealed record FuzzRegularizedWeight(string Path, double KernelL1, double KernelL2, double BiasL1, double BiasL2);

internal sealed record FuzzBatchNormSetting(string Path, double Epsilon, double TorchMomentum);

internal sealed record FuzzDropoutSetting(string Path, double Rate, string Kind = "Dropout");

/// <summary>What the fuzzer's own shape tracking says one network must be.</summary>
internal sealed record FuzzExpectation(
    string MetadataName,
    FuzzShape Input,
    FuzzShape Output,
    IReadOnlyList<string> Modules,
    long Trainable,
    long NonTrainable,
    IReadOnlyList<FuzzRegularizedWeight> Regularized,
    IReadOnlyList<FuzzBatchNormSetting> BatchNorms,
    IReadOnlyList<FuzzDropoutSetting> Dropouts)
{
    public IEnumerable<string> Children => Modules.Where(m => !m.Contains('.', StringComparison.Ordinal));
}

/// <summary>
/// The answer NetDsl must give a source: accepted (no ND error, and the output compiles), or refused with
/// <see cref="Id"/> among its errors; <see cref="Only"/>: no other ND error; <see cref="Mentions"/>: texts that must
/// each appear in one of that ID's messages (e.g. every class of a variant cycle).
/// </summary>
internal sealed record FuzzExpected(string? Id, bool Only = false, IReadOnlyList<string>? Mentions = null)
{
    public static readonly FuzzExpected Accepted = new((string?)null);

    public bool IsAccepted => Id is null;

    public static FuzzExpected Refused(string id, params string[] mentions) => new(id, false, mentions.Length == 0 ? null : mentions);

    public static FuzzExpected RefusedOnly(string id) => new(id, true);

    /// <summary>What <see cref="Mentions"/> are, for the summary, where they differ from case to case (e.g. "the planted name").</summary>
    public string? MentionsShown { get; init; }

    public override string ToString() => Id is null ? "accepted" : Id + (Only ? " only" : string.Empty) +
        (Mentions is null ? string.Empty : " mentioning " + (MentionsShown ?? string.Join(", ", Mentions)));
}

/// <summary>
/// One fuzz case: the files to compile, what it is, and (where known) what each network must be.
/// <see cref="Expected"/>: the outcome NetDsl must give, where the case has a definite one.
/// <see cref="UsesGeneratedMembers"/>: the user's code refers to generated members, so it compiles only with them.
/// </summary>
internal sealed record FuzzSource(
    int Seed,
    string Class,
    string Detail,
    bool Valid,
    FuzzExpected? Expected,
    bool RuntimeSafe,
    (string Path, string Source)[] Files,
    IReadOnlyList<FuzzExpectation> Expectations,
    bool UsesGeneratedMembers = false)
{
    public bool ExpectValid => Expected is { IsAccepted: true };

    /// <summary>For valid sources: the constructs they use (coverage counts in the summary).</summary>
    public IReadOnlyList<string> Features { get; init; } = Array.Empty<string>();

    public string Text => string.Join("\n", Files.Select(f => Files.Length == 1 ? f.Source : "// ---- " + f.Path + "\n" + f.Source));
}
