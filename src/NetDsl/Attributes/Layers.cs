using System;

namespace NetDsl;

#pragma warning disable CA1019 // constructor arguments are read by the generator, not stored

/// <summary>2-D convolution (Keras <c>Conv2D</c>). String arguments are expressions over block parameters.</summary>
public sealed class Conv2DAttribute : WeightedLayerAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="strides">Stride in both directions.</param>
    public Conv2DAttribute(int filters, int kernelSize, int strides = 1) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[Conv2D("filters", "kernel", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public Conv2DAttribute(object filters, object kernelSize, object? strides = null) { }

    /// <summary>Valid (default, as in Keras) or same.</summary>
    public object? Padding { get; set; }

    /// <summary>
    /// Explicit zero padding on every side, as PyTorch's <c>padding=</c> (a 3×3 convolution with <c>Pad = 1</c> keeps the
    /// size at stride 1 and halves it, rounding up, at stride 2). Not together with <c>Padding.Same</c>.
    /// </summary>
    public object? Pad { get; set; }

    /// <summary>Spacing between kernel taps (PyTorch's <c>dilation</c>, Keras' <c>dilation_rate</c>); 1 is a plain convolution.</summary>
    public object? Dilation { get; set; } = 1;

    /// <summary>Groups of channels convolved separately (PyTorch's <c>groups</c>); it must divide the input channels and filters.</summary>
    public object? Groups { get; set; } = 1;

    /// <summary>Kernel height where it differs from the width (Inception's 1×7: <c>[Conv2D(64, 1, KernelWidth = 7)]</c>).</summary>
    public object? KernelHeight { get; set; }

    /// <summary>Kernel width where it differs from the height.</summary>
    public object? KernelWidth { get; set; }

    /// <summary>Vertical stride where it differs from the horizontal one.</summary>
    public object? StrideHeight { get; set; }

    /// <summary>Horizontal stride where it differs from the vertical one.</summary>
    public object? StrideWidth { get; set; }

    /// <summary>Rows of zeros above and below (PyTorch's padding=(ph, pw)); overrides Pad for the height.</summary>
    public object? PadHeight { get; set; }

    /// <summary>Columns of zeros left and right; overrides Pad for the width.</summary>
    public object? PadWidth { get; set; }

    /// <summary>λ of an L1 regularizer on the kernel.</summary>
    public double KernelL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the kernel.</summary>
    public double KernelL2 { get; set; }
}

/// <summary>Depthwise 2-D convolution (Keras <c>DepthwiseConv2D</c>): one kernel per input channel.</summary>
public sealed class DepthwiseConv2DAttribute : WeightedLayerAttribute
{
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="strides">Stride in both directions.</param>
    public DepthwiseConv2DAttribute(int kernelSize, int strides = 1) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[DepthwiseConv2D("kernel", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public DepthwiseConv2DAttribute(object kernelSize, object? strides = null) { }

    /// <summary>Valid (default, as in Keras) or same.</summary>
    public object? Padding { get; set; }

    /// <summary>
    /// Explicit zero padding on every side, as PyTorch's <c>padding=</c> (a 3×3 convolution with <c>Pad = 1</c> keeps the
    /// size at stride 1 and halves it, rounding up, at stride 2). Not together with <c>Padding.Same</c>.
    /// </summary>
    public object? Pad { get; set; }

    /// <summary>Spacing between kernel taps (PyTorch's <c>dilation</c>, Keras' <c>dilation_rate</c>); 1 is a plain convolution.</summary>
    public object? Dilation { get; set; } = 1;

    /// <summary>Output channels per input channel (default 1).</summary>
    public object? DepthMultiplier { get; set; } = 1;

    /// <summary>Kernel height where it differs from the width (Inception's 1×7: <c>[Conv2D(64, 1, KernelWidth = 7)]</c>).</summary>
    public object? KernelHeight { get; set; }

    /// <summary>Kernel width where it differs from the height.</summary>
    public object? KernelWidth { get; set; }

    /// <summary>Vertical stride where it differs from the horizontal one.</summary>
    public object? StrideHeight { get; set; }

    /// <summary>Horizontal stride where it differs from the vertical one.</summary>
    public object? StrideWidth { get; set; }

    /// <summary>Rows of zeros above and below (PyTorch's padding=(ph, pw)); overrides Pad for the height.</summary>
    public object? PadHeight { get; set; }

    /// <summary>Columns of zeros left and right; overrides Pad for the width.</summary>
    public object? PadWidth { get; set; }

    /// <summary>λ of an L1 regularizer on the depthwise kernel.</summary>
    public double DepthwiseL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the depthwise kernel.</summary>
    public double DepthwiseL2 { get; set; }
}

/// <summary>Fully connected layer (Keras <c>Dense</c>) on a flat input; the input width is inferred.</summary>
public sealed class DenseAttribute : WeightedLayerAttribute
{
    /// <param name="units">Output features.</param>
    public DenseAttribute(int units) { }

    /// <inheritdoc cref="DenseAttribute(int)"/>
    public DenseAttribute(string units) { }

    /// <summary>The input width this layer expects (PyTorch's <c>in_features</c>): a contract, checked at compile time.</summary>
    public object? InFeatures { get; set; }

    /// <summary>λ of an L1 regularizer on the kernel.</summary>
    public double KernelL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the kernel.</summary>
    public double KernelL2 { get; set; }
}

/// <summary>Batch normalization over channels (images) or features (flat inputs).</summary>
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance; the network's <see cref="BatchNormDefaults"/> apply when not set.</summary>
    public object? Epsilon { get; set; }

    /// <summary>Keras momentum: running = momentum·running + (1 − momentum)·batch.</summary>
    public object? Momentum { get; set; }

    /// <summary>Learn a scale and an offset per channel (PyTorch's <c>affine</c>, Keras' <c>center</c>/<c>scale</c>); default true.</summary>
    public object? Affine { get; set; } = true;

    /// <summary>Keep running statistics for evaluation (PyTorch's <c>track_running_stats</c>); false: batch statistics always.</summary>
    public object? TrackRunningStats { get; set; } = true;
}

/// <summary>max(x, 0).</summary>
public sealed class ReLUAttribute : LayerAttribute { }

/// <summary>min(max(x, 0), 6), as in MobileNetV2.</summary>
public sealed class ReLU6Attribute : LayerAttribute { }

/// <summary>Zeroes a fraction of the inputs while training (inverted dropout).</summary>
public sealed class DropoutAttribute : LayerAttribute
{
    /// <param name="rate">Fraction dropped, in [0, 1).</param>
    public DropoutAttribute(double rate) { }

    /// <param name="rate">Fraction dropped, as an expression over block parameters (e.g. a double parameter "rate").</param>
    public DropoutAttribute(string rate) { }
}

/// <summary>[N, C, H, W] → [N, C·H·W].</summary>
public sealed class FlattenAttribute : LayerAttribute { }

/// <summary>Mean over height and width: [N, C, H, W] → [N, C].</summary>
public sealed class GlobalAveragePooling2DAttribute : LayerAttribute { }

/// <summary>Adds rows and columns of zeros (Keras <c>ZeroPadding2D</c>).</summary>
public sealed class ZeroPadding2DAttribute : LayerAttribute
{
    /// <summary>The same padding on all four sides.</summary>
    public ZeroPadding2DAttribute(int padding) { }

    /// <summary>Symmetric padding: <paramref name="vertical"/> rows top and bottom, <paramref name="horizontal"/> columns left and right.</summary>
    public ZeroPadding2DAttribute(int vertical, int horizontal) { }

    /// <summary>Per side, as Keras' ((top, bottom), (left, right)).</summary>
    public ZeroPadding2DAttribute(int top, int bottom, int left, int right) { }
}

/// <summary>Max pooling (Keras <c>MaxPooling2D</c>).</summary>
public sealed class MaxPooling2DAttribute : LayerAttribute
{
    /// <param name="poolSize">Square window side.</param>
    /// <param name="strides">Stride; 0 means the window size (Keras default).</param>
    public MaxPooling2DAttribute(int poolSize = 2, int strides = 0) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[MaxPooling2D("pool", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public MaxPooling2DAttribute(object poolSize, object? strides = null) { }

    /// <summary>Valid (default) or same.</summary>
    public object? Padding { get; set; }

    /// <summary>Explicit padding on every side, as PyTorch's <c>padding=</c> (at most half the pool size).</summary>
    public object? Pad { get; set; }

    /// <summary>PyTorch's ceil_mode: a last partial window counts (as GoogLeNet's poolings); not with Padding.Same.</summary>
    public object? CeilMode { get; set; }
}

/// <summary>Average pooling (Keras <c>AveragePooling2D</c>); padded cells are not counted.</summary>
public sealed class AveragePooling2DAttribute : LayerAttribute
{
    /// <param name="poolSize">Square window side.</param>
    /// <param name="strides">Stride; 0 means the window size (Keras default).</param>
    public AveragePooling2DAttribute(int poolSize = 2, int strides = 0) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[AveragePooling2D("pool", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public AveragePooling2DAttribute(object poolSize, object? strides = null) { }

    /// <summary>Valid (default) or same.</summary>
    public object? Padding { get; set; }

    /// <summary>Explicit padding on every side, as PyTorch's <c>padding=</c> (at most half the pool size).</summary>
    public object? Pad { get; set; }

    /// <summary>PyTorch's ceil_mode: a last partial window counts, averaged over its cells inside the padded input; not with Padding.Same.</summary>
    public object? CeilMode { get; set; }

    /// <summary>
    /// PyTorch's count_include_pad: padded zeros count in each window's divisor (PyTorch's default, as torchvision's
    /// Inception). Off by default, as in Keras: a window's mean is over its real cells.
    /// </summary>
    public object? CountIncludePad { get; set; }
}

/// <summary>
/// The sum of the outputs it names (Keras <c>Add</c>), broadcasting axes of size 1. Without names, the residual
/// shortcut: the previous output plus the input of the enclosing block (or network), whose shapes must be equal.
/// </summary>
public sealed class AddAttribute : LayerAttribute
{
    /// <param name="inputs">Names of earlier outputs (or "input"); none: the previous output and the scope's input.</param>
    public AddAttribute(params string[] inputs) { }
}

/// <summary>The first named output minus the second (Keras <c>Subtract</c>).</summary>
public sealed class SubtractAttribute : LayerAttribute
{
    /// <param name="inputs">Exactly two names of earlier outputs.</param>
    public SubtractAttribute(params string[] inputs) { }
}

/// <summary>The element-wise product of the outputs it names (Keras <c>Multiply</c>): [N, C, 1, 1] broadcasts over [N, C, H, W].</summary>
public sealed class MultiplyAttribute : LayerAttribute
{
    /// <param name="inputs">Two or more names of earlier outputs.</param>
    public MultiplyAttribute(params string[] inputs) { }
}

/// <summary>The element-wise mean of the outputs it names (Keras <c>Average</c>).</summary>
public sealed class AverageAttribute : LayerAttribute
{
    /// <param name="inputs">Two or more names of earlier outputs.</param>
    public AverageAttribute(params string[] inputs) { }
}

/// <summary>The element-wise maximum of the outputs it names (Keras <c>Maximum</c>).</summary>
public sealed class MaximumAttribute : LayerAttribute
{
    /// <param name="inputs">Two or more names of earlier outputs.</param>
    public MaximumAttribute(params string[] inputs) { }
}

/// <summary>The element-wise minimum of the outputs it names (Keras <c>Minimum</c>).</summary>
public sealed class MinimumAttribute : LayerAttribute
{
    /// <param name="inputs">Two or more names of earlier outputs.</param>
    public MinimumAttribute(params string[] inputs) { }
}

/// <summary>The outputs it names joined along the channels (Keras <c>Concatenate</c>, PyTorch <c>torch.cat(dim=1)</c>).</summary>
public sealed class ConcatenateAttribute : LayerAttribute
{
    /// <param name="inputs">Two or more names of earlier outputs; every axis but the joined one must be equal.</param>
    public ConcatenateAttribute(params string[] inputs) { }

    /// <summary>The joined axis as PyTorch's <c>dim</c>, counted with the batch: 1 (default) is the channels, −1 the last axis.</summary>
    public object? Axis { get; set; } = 1;
}

/// <summary>
/// An activation chosen by value (Keras' <c>Activation</c> layer): <c>[Activation(Activation.HardSwish)]</c>, or in a block
/// <c>[Activation("act")]</c> with an enum parameter <c>act</c>. <c>Activation.None</c> passes its input through.
/// </summary>
public sealed class ActivationAttribute : LayerAttribute
{
    /// <param name="activation">The function; the same as the layer of its name with that layer's defaults.</param>
    public ActivationAttribute(Activation activation) { }

    /// <summary>The function as an expression over block parameters, e.g. <c>[Activation("act")]</c>.</summary>
    public ActivationAttribute(string activation) { }
}

/// <summary>1 / (1 + e^−x).</summary>
public sealed class SigmoidAttribute : LayerAttribute { }

/// <summary>tanh(x).</summary>
public sealed class TanhAttribute : LayerAttribute { }

/// <summary>Softmax over one axis (Keras <c>Softmax</c>, PyTorch <c>nn.Softmax(dim)</c>).</summary>
public sealed class SoftmaxAttribute : LayerAttribute
{
    /// <summary>The axis as PyTorch's <c>dim</c>, counted with the batch: −1 (default, as Keras) is the last, 1 the channels.</summary>
    public object? Axis { get; set; } = -1;
}

/// <summary>x for x ≥ 0, αx below (Keras <c>LeakyReLU</c>).</summary>
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>The slope below zero: Keras' default 0.3 (PyTorch's <c>nn.LeakyReLU</c> defaults to 0.01).</summary>
    public object? Alpha { get; set; } = 0.3;
}

/// <summary>x for x > 0, α(e^x − 1) below (Keras and PyTorch <c>ELU</c>).</summary>
public sealed class ELUAttribute : LayerAttribute
{
    /// <summary>α (default 1).</summary>
    public object? Alpha { get; set; } = 1.0;
}

/// <summary>x·Φ(x), the Gaussian error linear unit (Keras <c>gelu</c>, PyTorch <c>nn.GELU</c>).</summary>
public sealed class GELUAttribute : LayerAttribute
{
    /// <summary>Use the tanh approximation (PyTorch's <c>approximate='tanh'</c>, Keras' <c>approximate=True</c>).</summary>
    public object? Approximate { get; set; }
}

/// <summary>x·sigmoid(x), also called Swish (Keras <c>silu</c>/<c>swish</c>, PyTorch <c>nn.SiLU</c>).</summary>
public sealed class SiLUAttribute : LayerAttribute { }

/// <summary>relu6(x + 3) / 6 (Keras 3 <c>hard_sigmoid</c>, PyTorch <c>nn.Hardsigmoid</c>).</summary>
public sealed class HardSigmoidAttribute : LayerAttribute { }

/// <summary>x·relu6(x + 3) / 6 (Keras <c>hard_swish</c>, PyTorch <c>nn.Hardswish</c>).</summary>
public sealed class HardSwishAttribute : LayerAttribute { }

/// <summary>x·tanh(softplus(x)) (Keras <c>mish</c>, PyTorch <c>nn.Mish</c>).</summary>
public sealed class MishAttribute : LayerAttribute { }

/// <summary>Maximum over height and width: [N, C, H, W] → [N, C] (Keras <c>GlobalMaxPooling2D</c>).</summary>
public sealed class GlobalMaxPooling2DAttribute : LayerAttribute { }

/// <summary>
/// A new shape for each sample, channels first (Keras <c>Reshape</c>; PyTorch <c>x.reshape(N, ...)</c>): the element
/// count must stay the same; one dimension may be −1 (inferred). <c>[Reshape(64, 1, 1)]</c> turns an SE gate [N, 64]
/// into [N, 64, 1, 1].
/// </summary>
public sealed class ReshapeAttribute : LayerAttribute
{
    /// <param name="dimensions">The new dimensions of one sample (1 to 4 of them).</param>
    public ReshapeAttribute(params int[] dimensions) { }
}

/// <summary>Transposed 2-D convolution (Keras <c>Conv2DTranspose</c> with 'valid' padding, PyTorch <c>nn.ConvTranspose2d</c>).</summary>
public sealed class Conv2DTransposeAttribute : WeightedLayerAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="strides">Stride in both directions.</param>
    public Conv2DTransposeAttribute(int filters, int kernelSize, int strides = 1) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[Conv2DTranspose("filters", "kernel", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public Conv2DTransposeAttribute(object filters, object kernelSize, object? strides = null) { }

    /// <summary>PyTorch's <c>padding</c>: rows and columns removed from each side of the full output.</summary>
    public object? Pad { get; set; }

    /// <summary>PyTorch's <c>output_padding</c>: extra rows and columns at the bottom and right (less than the stride or the dilation).</summary>
    public object? OutputPadding { get; set; }

    /// <summary>Spacing between kernel taps.</summary>
    public object? Dilation { get; set; } = 1;

    /// <summary>λ of an L1 regularizer on the kernel.</summary>
    public double KernelL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the kernel.</summary>
    public double KernelL2 { get; set; }
}

/// <summary>1-D convolution over a sequence [N, C, L] (Keras <c>Conv1D</c> channels-first, PyTorch <c>nn.Conv1d</c>).</summary>
public sealed class Conv1DAttribute : WeightedLayerAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="strides">Stride.</param>
    public Conv1DAttribute(int filters, int kernelSize, int strides = 1) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[Conv1D("filters", "kernel", "strides")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public Conv1DAttribute(object filters, object kernelSize, object? strides = null) { }

    /// <summary>Valid (default) or same (TensorFlow's: the odd position goes at the end).</summary>
    public object? Padding { get; set; }

    /// <summary>Explicit zero padding at both ends (PyTorch's <c>padding</c>); not together with Padding.Same or Half.</summary>
    public object? Pad { get; set; }

    /// <summary>Spacing between kernel taps.</summary>
    public object? Dilation { get; set; } = 1;

    /// <summary>Groups of channels convolved separately.</summary>
    public object? Groups { get; set; } = 1;

    /// <summary>λ of an L1 regularizer on the kernel.</summary>
    public double KernelL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the kernel.</summary>
    public double KernelL2 { get; set; }
}

/// <summary>Layer normalization over the last axis of each sample (Keras <c>LayerNormalization</c>, PyTorch <c>nn.LayerNorm</c>).</summary>
public sealed class LayerNormalizationAttribute : LayerAttribute
{
    /// <summary>Added to the variance (Keras' default 1e-3; PyTorch's is 1e-5).</summary>
    public object? Epsilon { get; set; } = 1e-3;

    /// <summary>Learn a scale and an offset (default true).</summary>
    public object? Affine { get; set; } = true;
}

/// <summary>Group normalization over channel groups (Keras <c>GroupNormalization</c>, PyTorch <c>nn.GroupNorm</c>).</summary>
public sealed class GroupNormalizationAttribute : LayerAttribute
{
    /// <param name="groups">Channel groups (Keras' default 32); it must divide the channels.</param>
    public GroupNormalizationAttribute(int groups = 32) { }

    /// <summary>Added to the variance (Keras' default 1e-3; PyTorch's is 1e-5).</summary>
    public object? Epsilon { get; set; } = 1e-3;

    /// <summary>Learn a scale and an offset per channel (default true).</summary>
    public object? Affine { get; set; } = true;
}

/// <summary>Instance normalization: each channel of each image over its positions (PyTorch <c>nn.InstanceNorm2d</c>).</summary>
public sealed class InstanceNormalizationAttribute : LayerAttribute
{
    /// <summary>Added to the variance (default 1e-3, as Keras' GroupNormalization).</summary>
    public object? Epsilon { get; set; } = 1e-3;

    /// <summary>Learn a scale and an offset per channel (default true, as Keras; PyTorch's default is false).</summary>
    public object? Affine { get; set; } = true;
}

/// <summary>x for x ≥ 0, a learned αx below (PyTorch <c>nn.PReLU</c>).</summary>
public sealed class PReLUAttribute : LayerAttribute
{
    /// <summary>One α per channel (Keras' <c>shared_axes=[1, 2]</c>) instead of one for the layer (PyTorch's default).</summary>
    public object? Channelwise { get; set; }

    /// <summary>The initial α (PyTorch's 0.25).</summary>
    public object? Init { get; set; } = 0.25;
}

/// <summary>Drops whole channels while training (Keras <c>SpatialDropout2D</c>, PyTorch <c>nn.Dropout2d</c>).</summary>
public sealed class SpatialDropout2DAttribute : LayerAttribute
{
    /// <param name="rate">Fraction of channels dropped, in [0, 1).</param>
    public SpatialDropout2DAttribute(double rate) { }

    /// <param name="rate">The fraction, as an expression over block parameters.</param>
    public SpatialDropout2DAttribute(string rate) { }
}

/// <summary>Dropout that keeps SELU's mean and variance (Keras <c>AlphaDropout</c>, PyTorch <c>nn.AlphaDropout</c>).</summary>
public sealed class AlphaDropoutAttribute : LayerAttribute
{
    /// <param name="rate">Fraction dropped, in [0, 1).</param>
    public AlphaDropoutAttribute(double rate) { }
}

/// <summary>Enlarges the image by an integer factor, copying (nearest) or interpolating (bilinear) (Keras <c>UpSampling2D</c>, PyTorch <c>nn.Upsample(scale_factor=size)</c>).</summary>
public sealed class UpSampling2DAttribute : LayerAttribute
{
    /// <param name="size">The factor in both directions.</param>
    public UpSampling2DAttribute(int size = 2) { }

    /// <summary>
    /// Any argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[UpSampling2D("factor")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public UpSampling2DAttribute(object size) { }

    /// <summary>Nearest (default) or bilinear.</summary>
    public object? Interpolation { get; set; }

    /// <summary>PyTorch's align_corners for bilinear (Keras' bilinear is false, the default).</summary>
    public object? AlignCorners { get; set; }
}

/// <summary>Average pooling to a fixed output size, whatever the input (PyTorch <c>nn.AdaptiveAvgPool2d</c>).</summary>
public sealed class AdaptiveAveragePooling2DAttribute : LayerAttribute
{
    /// <param name="size">Output height and width.</param>
    public AdaptiveAveragePooling2DAttribute(int size) { }

    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    public AdaptiveAveragePooling2DAttribute(int height, int width) { }
}

/// <summary>Removes rows and columns at the sides (Keras <c>Cropping2D</c>).</summary>
public sealed class Cropping2DAttribute : LayerAttribute
{
    /// <summary>The same cropping on all four sides.</summary>
    public Cropping2DAttribute(int cropping) { }

    /// <summary>Symmetric cropping: rows top and bottom, columns left and right.</summary>
    public Cropping2DAttribute(int vertical, int horizontal) { }

    /// <summary>Per side, as Keras' ((top, bottom), (left, right)).</summary>
    public Cropping2DAttribute(int top, int bottom, int left, int right) { }
}

/// <summary>Reorders the axes of each sample (Keras <c>Permute</c>: 1-based, e.g. (2, 3, 1) turns [C, H, W] into [H, W, C]).</summary>
public sealed class PermuteAttribute : LayerAttribute
{
    /// <param name="dimensions">The new order of the sample's axes, 1-based.</param>
    public PermuteAttribute(params int[] dimensions) { }
}

/// <summary>ShuffleNet's channel shuffle (PyTorch <c>nn.ChannelShuffle</c>).</summary>
public sealed class ChannelShuffleAttribute : LayerAttribute
{
    /// <param name="groups">Channel groups; it must divide the channels.</param>
    public ChannelShuffleAttribute(int groups) { }
}

/// <summary>
/// One of <c>chunks</c> equal parts of the channels (the features of a flat input), as PyTorch's
/// <c>x.chunk(chunks, dim=1)[index]</c>: ShuffleNetV2's split keeps <c>[Chunk(2, 0)]</c> and transforms
/// <c>[Chunk(2, 1, From = "input")]</c>. The other axes are kept.
/// </summary>
public sealed class ChunkAttribute : LayerAttribute
{
    /// <param name="chunks">Equal parts; it must divide the channels.</param>
    /// <param name="index">The part this layer outputs, from 0 to chunks − 1.</param>
    public ChunkAttribute(int chunks, int index) { }

    /// <summary>
    /// Either argument as a constant or as an expression string over block parameters, e.g.
    /// <c>[Chunk(2, "part")]</c>; the analyzer checks that each is an int.
    /// </summary>
    public ChunkAttribute(object chunks, object index) { }
}

/// <summary>
/// Your own TorchSharp module as a layer, for what the vocabulary lacks. Declare its output shape per sample (ints,
/// or expressions over <c>inputChannels</c>, <c>inputHeight</c> and <c>inputWidth</c> of this layer's input) so shape
/// inference goes on past it; the generated forward checks the real output against it. The module is a class deriving
/// from <c>Module&lt;Tensor, Tensor&gt;</c> with a public constructor taking the input <see cref="Shape"/> or nothing.
/// </summary>
public sealed class CustomAttribute : LayerAttribute
{
    /// <param name="module">typeof(YourModule).</param>
    /// <param name="outputShape">Its output shape without the batch, e.g. ("inputChannels", "inputHeight / 2", "inputWidth / 2").</param>
    public CustomAttribute(Type module, params object[] outputShape) { }

    /// <summary>Its trainable parameters, for the network's counts; checked when the network is built (default 0).</summary>
    public int Parameters { get; set; }
}

/// <summary>
/// Depthwise-separable 2-D convolution (Keras <c>SeparableConv2D</c>): a depthwise k×k convolution without bias, then a
/// 1×1 convolution to <c>filters</c>; the module has the submodules <c>depthwise</c> and <c>pointwise</c>.
/// </summary>
public sealed class SeparableConv2DAttribute : WeightedLayerAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Square kernel side of the depthwise part.</param>
    /// <param name="strides">Stride of the depthwise part.</param>
    public SeparableConv2DAttribute(int filters, int kernelSize, int strides = 1) { }

    /// <summary>Any argument as a constant or as an expression string over block parameters.</summary>
    public SeparableConv2DAttribute(object filters, object kernelSize, object? strides = null) { }

    /// <summary>Valid (default), same (TensorFlow's) or half (PyTorch's kernel // 2).</summary>
    public object? Padding { get; set; }

    /// <summary>Explicit zero padding on every side; not together with Padding.Same or Half.</summary>
    public object? Pad { get; set; }

    /// <summary>Spacing between the depthwise kernel's taps.</summary>
    public object? Dilation { get; set; } = 1;

    /// <summary>Depthwise outputs per input channel (default 1).</summary>
    public object? DepthMultiplier { get; set; } = 1;

    /// <summary>λ of an L1 regularizer on the depthwise kernel (Keras' depthwise_regularizer).</summary>
    public double DepthwiseL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the depthwise kernel.</summary>
    public double DepthwiseL2 { get; set; }

    /// <summary>λ of an L1 regularizer on the pointwise kernel (Keras' pointwise_regularizer).</summary>
    public double PointwiseL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the pointwise kernel.</summary>
    public double PointwiseL2 { get; set; }
}
