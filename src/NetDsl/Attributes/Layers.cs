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

    /// <inheritdoc cref="Conv2DAttribute(int, int, int)"/>
    public Conv2DAttribute(string filters, int kernelSize, int strides = 1) { }

    /// <inheritdoc cref="Conv2DAttribute(int, int, int)"/>
    public Conv2DAttribute(int filters, int kernelSize, string strides) { }

    /// <inheritdoc cref="Conv2DAttribute(int, int, int)"/>
    public Conv2DAttribute(string filters, int kernelSize, string strides) { }

    /// <summary>Valid (default, as in Keras) or same.</summary>
    public Padding Padding { get; set; }

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

    /// <inheritdoc cref="DepthwiseConv2DAttribute(int, int)"/>
    public DepthwiseConv2DAttribute(int kernelSize, string strides) { }

    /// <summary>Valid (default, as in Keras) or same.</summary>
    public Padding Padding { get; set; }

    /// <summary>Output channels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;

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

    /// <summary>λ of an L1 regularizer on the kernel.</summary>
    public double KernelL1 { get; set; }

    /// <summary>λ of an L2 regularizer on the kernel.</summary>
    public double KernelL2 { get; set; }
}

/// <summary>Batch normalization over channels (images) or features (flat inputs).</summary>
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance; the network's <see cref="BatchNormDefaults"/> apply when not set.</summary>
    public double Epsilon { get; set; }

    /// <summary>Keras momentum: running = momentum·running + (1 − momentum)·batch.</summary>
    public double Momentum { get; set; }
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

    /// <summary>Valid (default) or same.</summary>
    public Padding Padding { get; set; }
}

/// <summary>Average pooling (Keras <c>AveragePooling2D</c>); padded cells are not counted.</summary>
public sealed class AveragePooling2DAttribute : LayerAttribute
{
    /// <param name="poolSize">Square window side.</param>
    /// <param name="strides">Stride; 0 means the window size (Keras default).</param>
    public AveragePooling2DAttribute(int poolSize = 2, int strides = 0) { }

    /// <summary>Valid (default) or same.</summary>
    public Padding Padding { get; set; }
}

/// <summary>
/// Residual shortcut: adds the input of the enclosing block (or network) to the current output. Shapes must match.
/// </summary>
public sealed class AddAttribute : LayerAttribute { }
