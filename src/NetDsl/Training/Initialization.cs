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

/// <summary>Changes to the BatchNorm layers of a built model.</summary>
public static class BatchNormLayers
{
    /// <summary>
    /// Sets the running-statistics momentum of every BatchNorm layer, in Keras' meaning (running = m·running + (1 − m)·batch;
    /// TorchSharp's momentum is 1 − m). Keras' 0.99 averages over ~100 steps: a short run's statistics then lag its
    /// weights and eval-mode accuracy suffers. Returns the number of layers changed.
    /// </summary>
    public static int SetMomentum(nn.Module model, double kerasMomentum)
    {
        if (kerasMomentum is < 0 or >= 1 || double.IsNaN(kerasMomentum))
        {
            throw new System.ArgumentOutOfRangeException(nameof(kerasMomentum), kerasMomentum, "A Keras BatchNorm momentum is in [0, 1).");
        }
        var changed = 0;
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case BatchNorm1d bn1:
                    bn1.momentum = 1 - kerasMomentum;
                    changed++;
                    break;
                case BatchNorm2d bn2:
                    bn2.momentum = 1 - kerasMomentum;
                    changed++;
                    break;
            }
        }
        return changed;
    }
}
