using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Model;
using NetDsl.Generators.Layers;

namespace NetDsl.Generators.Transforms;

/// <summary>
/// Applies a variant's BatchNorm placement to the network's layers and to every block body. Names are kept, so the
/// state-dict keys of a variant match its base's wherever the layer still exists.
/// </summary>
internal static class VariantTransform
{
    public const int AsDeclared = 0;
    public const int AfterActivation = 1;
    public const int Removed = 2;

    public static NetworkModel Apply(NetworkModel model)
    {
        if (model.BatchNormPlacement == AsDeclared)
        {
            return model;
        }
        return model with
        {
            Layers = Rewrite(model.Layers, model.BatchNormPlacement),
            Blocks = model.Blocks.Select(b => b with { Body = Rewrite(b.Body, model.BatchNormPlacement) }).ToEquatableArray(),
        };
    }

    private static EquatableArray<LayerSpec> Rewrite(EquatableArray<LayerSpec> layers, int placement)
    {
        if (placement == Removed)
        {
            // Kept as a layer that is never present, so a name that reads it reads its input instead.
            return layers.Select(l => l.Kind == "BatchNorm" ? l with { When = ArgumentValue.OfBool(false, null) } : l).ToEquatableArray();
        }
        var result = new List<LayerSpec>(layers);
        for (var i = 0; i + 1 < result.Count; i++)
        {
            if (result[i].Kind == "BatchNorm" && LayerCatalog.Find(result[i + 1].Kind) is { IsActivation: true } && Equals(result[i].When?.Text, result[i + 1].When?.Text))
            {
                (result[i], result[i + 1]) = (result[i + 1], result[i]);
                i++;
            }
        }
        return result.ToEquatableArray();
    }
}
