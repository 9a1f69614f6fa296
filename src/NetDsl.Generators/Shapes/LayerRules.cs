using NetDsl.Generators.Model;

namespace NetDsl.Generators.Shapes;

/// <summary>λs of the weights of one layer after the network-wide default has been applied.</summary>
internal sealed record LayerRegularizers(double KernelL1, double KernelL2, double BiasL1, double BiasL2)
{
    public bool Any => KernelL1 != 0 || KernelL2 != 0 || BiasL1 != 0 || BiasL2 != 0;
}

/// <summary>Facts about layer arguments that inference and every emitter read from one place.</summary>
internal static class LayerRules
{
    public static bool IsWeighted(LayerKind kind) => kind is LayerKind.Conv2D or LayerKind.DepthwiseConv2D or LayerKind.Dense;

    public static bool IsActivation(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.ReLU6;

    /// <summary>The attribute property holding the kernel regularizer (Keras' depthwise_regularizer for DepthwiseConv2D).</summary>
    public static string KernelProperty(LayerKind kind) => kind == LayerKind.DepthwiseConv2D ? "depthwise" : "kernel";

    public static bool UseBias(LayerSpec layer) => layer.Get("useBias") is not { Kind: ValueKind.Bool, Bool: false };

    public static double Constant(LayerSpec layer, string name) => layer.Get(name)?.Double ?? 0;

    /// <summary>The layer's own λs where it sets any, else the network default where it applies.</summary>
    public static LayerRegularizers Regularizers(LayerSpec layer, RegularizerDefaults? defaults)
    {
        if (!IsWeighted(layer.Kind))
        {
            return new LayerRegularizers(0, 0, 0, 0);
        }
        var kernel = KernelProperty(layer.Kind);
        var own = new LayerRegularizers(Constant(layer, kernel + "L1"), Constant(layer, kernel + "L2"), Constant(layer, "biasL1"), Constant(layer, "biasL2"));
        if (own.Any || defaults is null)
        {
            return own;
        }
        var applies = layer.Kind == LayerKind.Dense ? defaults.Dense : defaults.Convolutions;
        if (!applies)
        {
            return own;
        }
        var bias = defaults.Biases && UseBias(layer);
        return new LayerRegularizers(defaults.L1, defaults.L2, bias ? defaults.L1 : 0, bias ? defaults.L2 : 0);
    }

    /// <summary>(epsilon, Keras momentum) of a BatchNorm layer.</summary>
    public static (double Epsilon, double Momentum) BatchNorm(LayerSpec layer, bool torchDefaults)
    {
        var epsilon = layer.Get("epsilon")?.Double ?? (torchDefaults ? 1e-5 : 1e-3);
        var momentum = layer.Get("momentum")?.Double ?? (torchDefaults ? 0.9 : 0.99);
        return (epsilon, momentum);
    }

    /// <summary>ZeroPadding2D's (top, bottom, left, right) from whichever constructor was used.</summary>
    public static (long Top, long Bottom, long Left, long Right) ZeroPadding(LayerSpec layer)
    {
        if (layer.Get("padding") is { } all)
        {
            return (all.Int, all.Int, all.Int, all.Int);
        }
        if (layer.Get("vertical") is { } vertical)
        {
            var horizontal = layer.Get("horizontal")?.Int ?? 0;
            return (vertical.Int, vertical.Int, horizontal, horizontal);
        }
        return (layer.Get("top")?.Int ?? 0, layer.Get("bottom")?.Int ?? 0, layer.Get("left")?.Int ?? 0, layer.Get("right")?.Int ?? 0);
    }
}
