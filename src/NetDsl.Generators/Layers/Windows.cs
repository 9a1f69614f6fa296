using System;
using NetDsl.Generators.Shapes;

namespace NetDsl.Generators.Layers;

/// <summary>Zeros (or −∞ for max pooling) added before and after each spatial axis of an image, made explicit.</summary>
internal sealed record Pads(long Top, long Bottom, long Left, long Right) : LayerArguments
{
    public static readonly Pads None = new(0, 0, 0, 0);

    public bool IsZero => Top == 0 && Bottom == 0 && Left == 0 && Right == 0;

    public bool IsSymmetric => Top == Bottom && Left == Right;

    /// <summary>The part a layer's own symmetric padding holds: (rows, columns).</summary>
    public (long Rows, long Columns) Symmetric => (Math.Min(Top, Bottom), Math.Min(Left, Right));

    /// <summary>What is left for an explicit pad before the layer, in torch's order (left, right, top, bottom); null when nothing.</summary>
    public long[]? Remainder()
    {
        var (rows, columns) = Symmetric;
        return IsSymmetric ? null : new[] { Left - columns, Right - columns, Top - rows, Bottom - rows };
    }

    public override string ToString() => $"(({Top}, {Bottom}), ({Left}, {Right}))";
}

/// <summary>The sliding-window arithmetic that convolutions and pooling share (Keras 'valid'/'same', PyTorch explicit padding).</summary>
internal static class Windows
{
    public const long Valid = 0;
    public const long Same = 1;
    public const long Half = 2;

    /// <summary>
    /// The explicit padding of a window layer: <c>Pad = p</c> (PyTorch's padding=p) when given, else TensorFlow's
    /// 'same' (the odd row or column goes after) or none.
    /// </summary>
    public static Pads Resolve(LayerContext context, long window, long stride, long dilation)
    {
        var mode = context.Int("padding", Valid);
        if (context.Has("pad"))
        {
            if (mode != Valid)
            {
                throw context.Invalid("pad", "Pad and Padding both set the padding; keep one");
            }
            var pad = context.NonNegative("pad", 0);
            return new Pads(pad, pad, pad, pad);
        }
        if (mode == Half)
        {
            var half = checked(dilation * (window - 1) / 2);
            return new Pads(half, half, half, half);
        }
        if (mode != Same)
        {
            return Pads.None;
        }
        var effective = checked(dilation * (window - 1) + 1);
        var (top, bottom) = ShapeRules.SameAxis(context.Input.Height, effective, stride);
        var (left, right) = ShapeRules.SameAxis(context.Input.Width, effective, stride);
        return new Pads(top, bottom, left, right);
    }

    /// <summary>Output side length; ND0004 (pooling) or ND0005 (convolution) when the window does not fit.</summary>
    public static Shape Output(LayerContext context, long channels, long window, long stride, long dilation, Pads pads, bool pooling)
    {
        var input = context.Input;
        var effective = checked(dilation * (window - 1) + 1);
        var height = checked(input.Height + pads.Top + pads.Bottom);
        var width = checked(input.Width + pads.Left + pads.Right);
        var outHeight = height < effective ? 0 : (height - effective) / stride + 1;
        var outWidth = width < effective ? 0 : (width - effective) / stride + 1;
        if (outHeight <= 0 || outWidth <= 0)
        {
            if (pooling)
            {
                throw context.Fail("ND0004", context.Where, context.Path, Shape.Image(channels, outHeight, outWidth).ToString(), input.ToString());
            }
            throw context.Fail("ND0005", context.Where, context.Path, effective.ToString(System.Globalization.CultureInfo.InvariantCulture), input.ToString());
        }
        return Shape.Image(channels, outHeight, outWidth);
    }
}
