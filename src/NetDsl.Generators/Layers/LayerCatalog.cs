using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Layers.Kinds;

namespace NetDsl.Generators.Layers;

/// <summary>
/// Every built-in layer kind, found by its attribute's name. Adding a kind is one file under Kinds/ and one line here;
/// <c>LayerCatalogTests</c> fails when an attribute has no kind, a kind no attribute, an argument spec no member, or a
/// kind no section in docs/layers.md or no PyTorch parity case.
/// </summary>
internal static class LayerCatalog
{
    public static readonly IReadOnlyList<LayerKind> All = new LayerKind[]
    {
        new Conv2DKind(),
        new DepthwiseConv2DKind(),
        new SeparableConv2DKind(),
        new Conv2DTransposeKind(),
        new Conv1DKind(),
        new DenseKind(),
        new BatchNormKind(),
        new LayerNormalizationKind(),
        new GroupNormalizationKind(),
        new InstanceNormalizationKind(),
        new ActivationKind(),
        new DropoutKind(),
        new SpatialDropout2DKind(),
        new AlphaDropoutKind(),
        new ReLUKind(),
        new ReLU6Kind(),
        new SigmoidKind(),
        new TanhKind(),
        new SoftmaxKind(),
        new LeakyReLUKind(),
        new ELUKind(),
        new GELUKind(),
        new SiLUKind(),
        new HardSigmoidKind(),
        new HardSwishKind(),
        new MishKind(),
        new PReLUKind(),
        new FlattenKind(),
        new ReshapeKind(),
        new PermuteKind(),
        new ChannelShuffleKind(),
        new ChunkKind(),
        new Cropping2DKind(),
        new UpSampling2DKind(),
        new ZeroPadding2DKind(),
        new MaxPooling2DKind(),
        new AveragePooling2DKind(),
        new GlobalAveragePooling2DKind(),
        new GlobalMaxPooling2DKind(),
        new AdaptiveAveragePooling2DKind(),
        new AddKind(),
        new SubtractKind(),
        new MultiplyKind(),
        new AverageKind(),
        new MaximumKind(),
        new MinimumKind(),
        new ConcatenateKind(),
        new CustomKind(),
    };

    private static readonly Dictionary<string, LayerKind> ByName = All.ToDictionary(k => k.Name);

    /// <summary>The kind of <c>NetDsl.{name}Attribute</c>, or null.</summary>
    public static LayerKind? Find(string name) => ByName.TryGetValue(name, out var kind) ? kind : null;

    public static LayerKind Get(string name) => ByName[name];
}
