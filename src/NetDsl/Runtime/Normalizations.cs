using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>Normalization modules created as PyTorch creates them, where TorchSharp's factory does not.</summary>
public static class Normalizations
{
    /// <summary>
    /// <c>nn.GroupNorm</c> with γ = 1 and β = 0, as PyTorch's <c>nn.GroupNorm</c> starts: TorchSharp 0.107's factory leaves
    /// both uninitialized (whatever the allocated memory held).
    /// </summary>
    public static GroupNorm GroupNorm(long groups, long channels, double eps, bool affine)
    {
        var module = nn.GroupNorm(groups, channels, eps, affine);
        if (affine)
        {
            using var noGrad = no_grad();
            nn.init.ones_(module.weight);
            nn.init.zeros_(module.bias!);
        }
        return module;
    }
}
