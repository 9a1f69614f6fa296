using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>Regularization terms with Keras semantics.</summary>
public static class Regularizer
{
    /// <summary>λ·Σ|w|.</summary>
    public static Tensor L1(Tensor weight, double lambda) => weight.abs().sum().mul(lambda);

    /// <summary>λ·Σw².</summary>
    public static Tensor L2(Tensor weight, double lambda) => weight.square().sum().mul(lambda);

    /// <summary>
    /// Adds the terms; with no term, a scalar zero on the device of <paramref name="owner"/>'s first parameter.
    /// </summary>
    public static Tensor Sum(IReadOnlyList<Tensor> terms, nn.Module owner)
    {
        if (terms.Count == 0)
        {
            foreach (var p in owner.parameters())
            {
                return zeros(System.Array.Empty<long>(), dtype: p.dtype, device: p.device);
            }
            return zeros(System.Array.Empty<long>());
        }
        var total = terms[0];
        for (var i = 1; i < terms.Count; i++)
        {
            total = total + terms[i];
        }
        return total;
    }
}
