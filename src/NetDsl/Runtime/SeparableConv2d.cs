using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>
/// A depthwise convolution (one kernel per input channel, <c>depthMultiplier</c> outputs each, no bias) followed by a 1×1
/// convolution: Keras' SeparableConv2D in TorchSharp, with submodules <c>depthwise</c> and <c>pointwise</c>.
/// </summary>
public sealed class SeparableConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d depthwise;
    private readonly Conv2d pointwise;

    /// <summary>Creates both convolutions; <paramref name="padRows"/> and <paramref name="padColumns"/> are symmetric zero padding.</summary>
    public SeparableConv2d(long inChannels, long outChannels, long kernelSize, long stride, long padRows, long padColumns, long dilation, long depthMultiplier, bool bias)
        : base(nameof(SeparableConv2d))
    {
        depthwise = nn.Conv2d(inChannels, inChannels * depthMultiplier, (kernelSize, kernelSize), stride: (stride, stride), padding: (padRows, padColumns),
            dilation: (dilation, dilation), groups: inChannels, bias: false);
        pointwise = nn.Conv2d(inChannels * depthMultiplier, outChannels, (1, 1), bias: bias);
        RegisterComponents();
    }

    /// <summary>The k×k convolution of each channel (no bias): <c>depthwise.weight</c> in the state dict.</summary>
    public Conv2d Depthwise => depthwise;

    /// <summary>The 1×1 convolution to the output channels: <c>pointwise.weight</c> and <c>pointwise.bias</c>.</summary>
    public Conv2d Pointwise => pointwise;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var spatial = depthwise.forward(input);
        return pointwise.forward(spatial);
    }
}
