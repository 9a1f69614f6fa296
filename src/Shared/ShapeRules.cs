// The shape rule of every layer, in one place. This file is compiled into the runtime (NetDsl) and into the
// generator (NetDsl.Generators), so compile-time inference, the summary and the generated constructors agree.
using System;

#if NETDSL_GENERATOR
namespace NetDsl.Generators.Shapes;
#else
namespace NetDsl;
#endif

/// <summary>The shape of one sample: an image [C, H, W] or a flat vector [F] (the batch dimension N is implicit).</summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
readonly struct Shape : IEquatable<Shape>
{
    private Shape(long channels, long height, long width, bool isImage)
    {
        Channels = channels;
        Height = height;
        Width = width;
        IsImage = isImage;
    }

    /// <summary>Channels of an image, or features of a flat vector.</summary>
    public long Channels { get; }

    /// <summary>Height of an image (0 for a flat vector).</summary>
    public long Height { get; }

    /// <summary>Width of an image (0 for a flat vector).</summary>
    public long Width { get; }

    /// <summary>True for [C, H, W], false for [F].</summary>
    public bool IsImage { get; }

    /// <summary>Number of values per sample.</summary>
    public long Size => IsImage ? checked(Channels * Height * Width) : Channels;

    /// <summary>An image shape.</summary>
    public static Shape Image(long channels, long height, long width) => new(channels, height, width, true);

    /// <summary>A flat shape.</summary>
    public static Shape Vector(long features) => new(features, 0, 0, false);

    /// <summary>The full tensor shape with the batch dimension.</summary>
    public long[] WithBatch(long batch) => IsImage ? new[] { batch, Channels, Height, Width } : new[] { batch, Channels };

    /// <inheritdoc/>
    public bool Equals(Shape other) =>
        Channels == other.Channels && Height == other.Height && Width == other.Width && IsImage == other.IsImage;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => unchecked((int)(Channels * 31 + Height * 17 + Width * 7 + (IsImage ? 1 : 0)));

    /// <summary>Equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>"[N, C, H, W]" or "[N, F]".</summary>
    public override string ToString() => IsImage ? $"[N, {Channels}, {Height}, {Width}]" : $"[N, {Channels}]";
}

/// <summary>Zero rows/columns added before and after, per spatial axis.</summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
readonly struct SpatialPadding
{
    /// <summary>Creates a padding.</summary>
    public SpatialPadding(long top, long bottom, long left, long right)
    {
        Top = top;
        Bottom = bottom;
        Left = left;
        Right = right;
    }

    /// <summary>Rows above.</summary>
    public long Top { get; }

    /// <summary>Rows below.</summary>
    public long Bottom { get; }

    /// <summary>Columns on the left.</summary>
    public long Left { get; }

    /// <summary>Columns on the right.</summary>
    public long Right { get; }

    /// <summary>True when a convolution's own symmetric padding can express it.</summary>
    public bool IsSymmetric => Top == Bottom && Left == Right;

    /// <summary>The part a symmetric convolution padding cannot express, in torch's pad order (left, right, top, bottom); null when none.</summary>
    public long[]? ExtraBottomRight() => IsSymmetric ? null : new[] { 0, Right - Left, 0, Bottom - Top };
}

/// <summary>Output-shape rules of the layers (Keras semantics). Arithmetic is checked: a size beyond 64 bits throws
/// <see cref="OverflowException"/>, which compile-time inference reports as an error instead of a wrong constant.</summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
static class ShapeRules
{
    /// <summary>Output length of a sliding window along one axis.</summary>
    public static long WindowOutput(long input, long window, long stride, bool same) =>
        checked(same ? (input + stride - 1) / stride : input < window ? 0 : (input - window) / stride + 1);

    /// <summary>TensorFlow's 'same' padding along one axis: the odd row goes after.</summary>
    public static (long Before, long After) SameAxis(long input, long window, long stride)
    {
        var output = checked((input + stride - 1) / stride);
        var total = Math.Max(checked((output - 1) * stride + window - input), 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>TensorFlow's 'same' padding of an image for a square window.</summary>
    public static SpatialPadding Same(Shape input, long window, long stride)
    {
        var (top, bottom) = SameAxis(input.Height, window, stride);
        var (left, right) = SameAxis(input.Width, window, stride);
        return new SpatialPadding(top, bottom, left, right);
    }

    /// <summary>Conv2D, DepthwiseConv2D (with filters = channels × multiplier), MaxPooling2D and AveragePooling2D.</summary>
    public static Shape Window(Shape input, long outChannels, long window, long stride, bool same) =>
        Shape.Image(outChannels,
            WindowOutput(input.Height, window, stride, same),
            WindowOutput(input.Width, window, stride, same));

    /// <summary>ZeroPadding2D.</summary>
    public static Shape Pad(Shape input, long top, long bottom, long left, long right) =>
        Shape.Image(input.Channels, checked(input.Height + top + bottom), checked(input.Width + left + right));

    /// <summary>Flatten.</summary>
    public static Shape Flatten(Shape input) => Shape.Vector(input.Size);

    /// <summary>GlobalAveragePooling2D.</summary>
    public static Shape GlobalPool(Shape input) => Shape.Vector(input.Channels);

    /// <summary>Dense.</summary>
    public static Shape Dense(long units) => Shape.Vector(units);

    /// <summary>Trainable weights of a convolution: kernel (+ bias).</summary>
    public static long ConvParameters(long inChannels, long outChannels, long kernel, long groups, bool bias) =>
        checked(kernel * kernel * (inChannels / groups) * outChannels + (bias ? outChannels : 0));

    /// <summary>Multiply-adds of a convolution producing <paramref name="output"/>.</summary>
    public static long ConvMultiplyAdds(long inChannels, Shape output, long kernel, long groups) =>
        checked(output.Height * output.Width * output.Channels * (inChannels / groups) * kernel * kernel);
}
