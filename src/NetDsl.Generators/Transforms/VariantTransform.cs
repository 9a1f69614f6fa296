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
            var (norm, activation) = (result[i], result[i + 1]);
            var chained = activation.Inputs.Count == 0 || activation.Inputs.Count == 1 && activation.Inputs[0].Name == norm.Name;
            if (norm.Kind == "BatchNorm" && LayerCatalog.Find(activation.Kind) is { IsActivation: true } && chained && Equals(norm.When?.Text, activation.When?.Text))
            {
                // The activation now reads what the BatchNorm read, the BatchNorm reads the activation, and every later
                // name of either means the same place of the pair as before: the pair's output is now the BatchNorm's.
                result[i] = activation with { Inputs = norm.Inputs };
                result[i + 1] = norm with { Inputs = EquatableArray<NameReference>.Empty };
                for (var later = i + 2; later < result.Count; later++)
                {
                    if (result[later].Inputs.Any(r => r.Name == norm.Name || r.Name == activation.Name))
                    {
                        result[later] = result[later] with
                        {
                            Inputs = result[later].Inputs.Select(r => r.Name == activation.Name ? r with { Name = norm.Name } : r.Name == norm.Name ? r with { Name = activation.Name } : r).ToEquatableArray(),
                        };
                    }
                }
                i++;
            }
        }
        return result.ToEquatableArray();
    }
}
