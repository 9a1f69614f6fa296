using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>The fuzz case of a seed: valid by construction (about 45%) or one mutation class (the rest).</summary>
internal static class FuzzCorpus
{
    public const string ValidClass = "valid";
    public const double ValidShare = 0.45;

    /// <param name="seed">Everything about the case follows from it.</param>
    /// <param name="only">A class name to draw only that class (NETDSL_FUZZ_CLASS), or null.</param>
    public static FuzzSource Create(int seed, string? only = null)
    {
        var rng = new Random(seed);
        var valid = rng.NextDouble() < ValidShare;
        var mutation = FuzzMutations.All[rng.Next(FuzzMutations.All.Count)];
        if (only is not null)
        {
            valid = only == ValidClass;
            mutation = valid ? mutation : FuzzMutations.All.FirstOrDefault(m => m.Class == only)
                ?? throw new ArgumentException($"unknown fuzz class '{only}'; known: {ValidClass}, {string.Join(", ", FuzzMutations.All.Select(m => m.Class))}");
        }
        if (valid)
        {
            var generator = new ValidNetworkGenerator(rng);
            var program = generator.Generate();
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{program.Networks.Count} networks ({program.Networks.Count(n => n.IsVariant)} variants), {program.Blocks.Count} blocks, namespace style {program.NamespaceStyle}");
            return new FuzzSource(seed, ValidClass, detail, Valid: true, FuzzExpected.Accepted, RuntimeSafe: true, FuzzRenderer.Render(program), generator.Expectations(),
                program.Networks.Any(n => n.MembersUseGenerated)) { Features = Features(program) };
        }
        var mutant = mutation.Make(rng);
        return new FuzzSource(seed, mutation.Class, mutant.Detail, Valid: false, mutant.Expected ?? mutation.Expected, mutant.RuntimeSafe ?? mutation.RuntimeSafe,
            mutant.Files, mutant.Expectations, mutant.UsesGeneratedMembers);
    }

    /// <summary>The constructs a valid program uses, for the summary's coverage counts.</summary>
    public static IReadOnlyList<string> Features(FuzzProgram program)
    {
        var blockLayers = program.Blocks.SelectMany(b => b.Body.Select(l => (Layer: l, Block: b))).ToList();
        var networkLayers = program.Networks.SelectMany(n => n.Layers.Select(l => (Layer: l, Network: n))).ToList();
        var all = blockLayers.Select(p => p.Layer).Concat(networkLayers.Select(p => p.Layer)).ToList();
        var parameters = program.Blocks.SelectMany(b => b.Parameters).ToList();
        var doubles = new HashSet<string>(parameters.Where(p => p.Type == FuzzType.Double).Select(p => p.Name), StringComparer.Ordinal);
        bool UsesDouble(FuzzExpr? e) => e switch
        {
            null => false,
            FuzzDoubleLiteral => true,
            FuzzName n => doubles.Contains(n.Name),
            FuzzUnary u => UsesDouble(u.Operand),
            FuzzBinary b => UsesDouble(b.Left) || UsesDouble(b.Right),
            FuzzConditional c => UsesDouble(c.Condition) || UsesDouble(c.WhenTrue) || UsesDouble(c.WhenFalse),
            _ => false,
        };
        var special = new HashSet<string>(ValidNetworkGenerator.SpecialLayerNames, StringComparer.Ordinal);
        bool UsesRepeatIndex(FuzzExpr? e) => e switch
        {
            null => false,
            FuzzName n => n.Name == FuzzSimulator.RepeatIndex,
            FuzzUnary u => UsesRepeatIndex(u.Operand),
            FuzzBinary b => UsesRepeatIndex(b.Left) || UsesRepeatIndex(b.Right),
            FuzzConditional c => UsesRepeatIndex(c.Condition) || UsesRepeatIndex(c.WhenTrue) || UsesRepeatIndex(c.WhenFalse),
            _ => false,
        };
        bool IsGraph(FuzzLayer l) => l.From is not null || l.IsMerge || l.Repeat is not null;
        var scopes = program.Blocks.Select(b => b.Body).Concat(program.Networks.Select(n => n.Layers)).ToList();
        // A merge that reads a Reshape of its scope: the [N, C, 1, 1] gate broadcast over [N, C, H, W].
        var broadcast = scopes.Any(scope => scope.Any(l => l.IsMerge && l.Inputs.Any(i => scope.Any(r => r.Kind == FuzzKind.Reshape && r.FinalName == i))));
        var pairNames = scopes.Any(scope => Enumerable.Range(1, Math.Max(0, scope.Count - 1)).Any(k =>
            scope[k - 1].Kind == FuzzKind.BatchNorm && FuzzLayer.IsActivationKind(scope[k].Kind) &&
            scope.Skip(k + 1).Any(l => l.References.Contains(scope[k].FinalName) || l.References.Contains(scope[k - 1].FinalName))));
        var features = new (string Name, bool Present)[]
        {
            ("double or float block parameters", doubles.Count > 0),
            ("float block parameters", parameters.Any(p => p.Declared == "float")),
            ("long block parameters", parameters.Any(p => p.Declared == "long")),
            ("Dropout rates as expressions", all.Any(l => l.RateExpression is not null)),
            ("When conditions over doubles", all.Any(l => UsesDouble(l.When))),
            ("layers named like members, types or keywords", all.Any(l => l.ExplicitName is { } n && special.Contains(n))),
            ("layers named like their class, block or a parameter", networkLayers.Any(p => p.Layer.ExplicitName == p.Network.ClassName.TrimStart('@') || program.Blocks.Any(b => b.Name == p.Layer.ExplicitName)) ||
                blockLayers.Any(p => p.Layer.ExplicitName is { } n && (n == p.Block.Name || n == p.Block.ClassName || p.Block.Parameters.Any(q => q.Name == n)))),
            ("block parameters named like the emitter's locals", parameters.Any(p => p.Name is "name" or "shape" or "x" or "input" or "inputShape" or "device" or "terms")),
            ("block parameters named like C# keywords", parameters.Any(p => p.CSharpName.StartsWith('@'))),
            ("blocks without the Attribute suffix", program.Blocks.Any(b => b.NoSuffix)),
            ("one block name in two namespaces", program.Blocks.Any(b => b.Qualified)),
            ("keyword namespaces", program.Networks.Any(n => n.Namespace?.Contains('@', StringComparison.Ordinal) == true)),
            ("keyword class names", program.Networks.Any(n => n.ClassName.StartsWith('@'))),
            ("classes differing only in case", program.Networks.GroupBy(n => (n.Namespace, n.ClassName.ToUpperInvariant())).Any(g => g.Count() > 1)),
            ("namespaces differing only in case", program.Networks.Select(n => n.Namespace).Concat(program.Blocks.Select(b => b.Namespace)).Where(n => n is not null).Distinct(StringComparer.Ordinal)
                .GroupBy(n => n!.ToUpperInvariant()).Any(g => g.Count() > 1)),
            ("networks in structs or records", program.Networks.Any(n => n.Container?.Levels.Any(l => l.Keywords.Contains("struct", StringComparison.Ordinal) || l.Keywords.Contains("record", StringComparison.Ordinal)) == true)),
            ("user members", program.Networks.Any(n => n.Members.Count > 0)),
            ("user members using generated ones", program.Networks.Any(n => n.MembersUseGenerated)),
            ("graph: any construct (From, a named merge or Repeat)", all.Any(IsGraph)),
            ("graph: constructs inside blocks", blockLayers.Any(p => IsGraph(p.Layer))),
            ("graph: branches From an earlier output", all.Any(l => l.From is not null && l.From != "input")),
            ("graph: branches From = \"input\"", all.Any(l => l.From == "input")),
            ("graph: element-wise merges of named outputs", all.Any(l => l.IsMerge && l.Kind != FuzzKind.Concatenate)),
            ("graph: merges of three outputs", all.Any(l => l.IsMerge && l.Inputs.Count >= 3)),
            ("graph: merges reading \"input\"", all.Any(l => l.IsMerge && l.Inputs.Contains("input"))),
            ("graph: Concatenate", all.Any(l => l.Kind == FuzzKind.Concatenate)),
            ("graph: broadcast merges of a Reshape [N, C, 1, 1]", broadcast),
            ("graph: Repeat", all.Any(l => l.Repeat is not null)),
            ("graph: Repeat of a block", all.Any(l => l.Repeat is not null && l.Kind == FuzzKind.Block)),
            ("graph: arguments reading repeatIndex", all.Any(l => UsesRepeatIndex(l.Filters?.Expression) || UsesRepeatIndex(l.Strides?.Expression) ||
                UsesRepeatIndex(l.Units?.Expression) || UsesRepeatIndex(l.RateExpression))),
            ("sequence inputs [C, L]", program.Networks.Any(n => n.Input is { IsSequence: true })),
            ("Conv1D", all.Any(l => l.Kind == FuzzKind.Conv1D)),
            ("Conv2DTranspose", all.Any(l => l.Kind == FuzzKind.Conv2DTranspose)),
            ("Conv2DTranspose with OutputPadding", all.Any(l => l.Kind == FuzzKind.Conv2DTranspose && l.OutputPadding is not null)),
            ("SeparableConv2D", all.Any(l => l.Kind == FuzzKind.SeparableConv2D)),
            ("activations other than ReLU/ReLU6", all.Any(l => FuzzLayer.IsActivationKind(l.Kind) && l.Kind is not FuzzKind.ReLU and not FuzzKind.ReLU6)),
            ("PReLU", all.Any(l => l.Kind == FuzzKind.PReLU)),
            ("Softmax", all.Any(l => l.Kind == FuzzKind.Softmax)),
            ("the Activation shorthand", all.Any(l => l.Activation is not null)),
            ("Layer/Group/InstanceNormalization", all.Any(l => l.Kind is FuzzKind.LayerNormalization or FuzzKind.GroupNormalization or FuzzKind.InstanceNormalization)),
            ("BatchNorm Affine/TrackRunningStats = false", all.Any(l => l.Kind == FuzzKind.BatchNorm && (l.Affine == false || l.TrackRunningStats == false))),
            ("SpatialDropout2D or AlphaDropout", all.Any(l => l.Kind is FuzzKind.SpatialDropout2D or FuzzKind.AlphaDropout)),
            ("UpSampling2D", all.Any(l => l.Kind == FuzzKind.UpSampling2D)),
            ("UpSampling2D bilinear", all.Any(l => l.Kind == FuzzKind.UpSampling2D && l.Bilinear == true)),
            ("AdaptiveAveragePooling2D", all.Any(l => l.Kind == FuzzKind.AdaptiveAveragePooling2D)),
            ("Cropping2D", all.Any(l => l.Kind == FuzzKind.Cropping2D)),
            ("Permute", all.Any(l => l.Kind == FuzzKind.Permute)),
            ("ChannelShuffle", all.Any(l => l.Kind == FuzzKind.ChannelShuffle)),
            ("Chunk", all.Any(l => l.Kind == FuzzKind.Chunk)),
            ("Chunk with expression arguments", all.Any(l => l.Kind == FuzzKind.Chunk && (l.Chunks!.IsString || l.ChunkIndex!.IsString))),
            ("GlobalMaxPooling2D", all.Any(l => l.Kind == FuzzKind.GlobalMaxPooling2D)),
            ("Reshape to another rank", all.Any(l => l.Kind == FuzzKind.Reshape && l.Dimensions.Length != 3)),
            ("Custom layers", all.Any(l => l.Kind == FuzzKind.Custom)),
            ("Padding.Half", all.Any(l => l.Half)),
            ("Pad, PadHeight or PadWidth", all.Any(l => l.Pad is not null || l.PadHeight is not null || l.PadWidth is not null)),
            ("per-axis kernels or strides", all.Any(l => l.KernelHeight is not null || l.KernelWidth is not null || l.StrideHeight is not null || l.StrideWidth is not null)),
            ("Dilation", all.Any(l => l.Dilation is not null)),
            ("Groups on convolutions", all.Any(l => l.Kind is FuzzKind.Conv2D or FuzzKind.Conv1D && l.Groups is not null)),
            ("MaxPooling2D CeilMode", all.Any(l => l.CeilMode == true)),
            ("kernels as expressions", all.Any(l => l.KernelArg is not null)),
            ("Dense InFeatures", all.Any(l => l.InFeatures is not null)),
            ("[Let] in networks", program.Networks.Any(n => n.Lets.Count > 0)),
            ("[Let] in blocks", program.Blocks.Any(b => b.Lets.Count > 0)),
            ("[Let] functions", program.Networks.SelectMany(n => n.Lets).Concat(program.Blocks.SelectMany(b => b.Lets)).Any(l => l.IsFunction)),
            ("block object constructors used", all.Any(l => l.BlockObjectCtor)),
            ("block [Input] contracts", program.Blocks.Any(b => b.InputContract is not null)),
            ("names read inside a BatchNorm → activation pair", pairNames),
            ("variants with BatchNorm after the activation", program.Networks.Any(n => n.IsVariant && n.Placement == 1)),
            ("both of these in one source", pairNames && program.Networks.Any(n => n.IsVariant && n.Placement == 1)),
            ("blocks of two inputs ([BlockInputs])", program.Blocks.Any(b => b.InputNames is not null)),
            ("U-Net decoder levels (two inputs)", program.Blocks.Any(b => b.InputNames is not null && b.Stem.StartsWith("up_level", StringComparison.Ordinal))),
            ("enum block parameters", program.Blocks.Any(b => b.Parameters.Any(p => p.Type == FuzzType.Enum))),
            ("Activation block parameters", program.Blocks.Any(b => b.Parameters.Any(p => p.EnumType == FuzzEnumType.Activation))),
            ("Padding block parameters", program.Blocks.Any(b => b.Parameters.Any(p => p.EnumType == FuzzEnumType.Padding))),
            ("user enum block parameters", program.Blocks.Any(b => b.UserEnum is not null)),
            ("enum comparisons in expressions", all.Any(l => l.WhenText is { } w && w.Contains("==", StringComparison.Ordinal) && w.Contains('.', StringComparison.Ordinal))),
            ("enum arguments through object constructors", all.Any(l => l.BlockObjectCtor && l.BlockArgs.Values.Any(a => a.Expression is not null && a.LiteralValue.IsEnum))),
            ("option properties as expressions", all.Any(l => l.Options.Keys.Any(k => k != "activation"))),
            ("Padding = expression", all.Any(l => l.Options.ContainsKey("Padding"))),
            ("Activation = expression", all.Any(l => l.Options.ContainsKey("Activation"))),
            ("UseBias = expression", all.Any(l => l.Options.ContainsKey("UseBias"))),
            ("[Activation(value)] layers", all.Any(l => l.Kind == FuzzKind.ActivationLayer)),
            ("[Activation(Activation.None)]", all.Any(l => l.Kind == FuzzKind.ActivationLayer && l.Activation is null)),
            ("AveragePooling2D CeilMode/CountIncludePad", all.Any(l => l.Kind == FuzzKind.AveragePooling2D && (l.CeilMode is not null || l.CountIncludePad is not null))),
            ("SeparableConv2D regularizers", all.Any(l => l.Kind == FuzzKind.SeparableConv2D && l.Regularizers.Count > 0)),
        };
        return features.Where(f => f.Present).Select(f => f.Name).ToList();
    }
}
