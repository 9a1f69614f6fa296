using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Training;

/// <summary>Weight initialization schemes applied to a built model.</summary>
public static class Initialization
{
    /// <summary>
    /// Keras' defaults: Glorot-uniform kernels for every Linear and convolution (fans computed over the kernel's
    /// receptive field, which for a depthwise kernel gives the same sum of fans as Keras) and zero biases. BatchNorm
    /// keeps γ = 1, β = 0. TorchSharp's own default is Kaiming-uniform with fan-in-scaled biases.
    /// </summary>
    public static void GlorotUniform(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight);
                    if (linear.bias is not null)
                    {
                        nn.init.zeros_(linear.bias);
                    }
                    break;
                case Conv2d conv:
                    nn.init.xavier_uniform_(conv.weight);
                    if (conv.bias is not null)
                    {
                        nn.init.zeros_(conv.bias);
                    }
                    break;
            }
        }
    }
}
