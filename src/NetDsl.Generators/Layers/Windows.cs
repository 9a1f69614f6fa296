using System.Linq;
using System;
using NetDsl.Generators.Shapes;
using NetDsl.Generators.Diagnostics;

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

    /// <summary>
    /// ZeroPadding2D's and Cropping2D's sides from whichever constructor was used: (all), (vertical, horizontal) or
    /// (top, bottom, left, right); ND0002 when one is negative.
    /// </summary>
    public static Pads ReadSides(LayerContext context, string all, string what)
    {
        Pads sides;
        if (context.Has(all))
        {
            var each = context.Int(all, 0);
            sides = new Pads(each, each, each, each);
        }
        else if (context.Has("vertical"))
        {
            var vertical = context.Int("vertical", 0);
            var horizontal = context.Int("horizontal", 0);
            sides = new Pads(vertical, vertical, horizontal, horizontal);
        }
        else
        {
            sides = new Pads(context.Int("top", 0), context.Int("bottom", 0), context.Int("left", 0), context.Int("right", 0));
        }
        if (sides.Top < 0 || sides.Bottom < 0 || sides.Left < 0 || sides.Right < 0)
        {
            throw context.Fail(Rules.ArgumentOutOfRange, context.Where, context.Path, $"{what} must be ≥ 0, got {sides}");
        }
        return sides;
    }
}

/// <summary>The sliding-window arithmetic that convolutions and pooling share (Keras 'valid'/'same', PyTorch explicit padding).</summary>
internal static class Windows
{
    public const long Valid = 0;
    public const long Same = 1;
    public const long Half = 2;

    /// <summary>A window's kernel and stride per axis: (height, width).</summary>
    public readonly struct Window
    {
        public Window(long kernelHeight, long kernelWidth, long strideHeight, long strideWidth, long dilation)
        {
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            Dilation = dilation;
        }

        public long KernelHeight { get; }

        public long KernelWidth { get; }

        public long StrideHeight { get; }

        public long StrideWidth { get; }

        public long Dilation { get; }

        public long EffectiveHeight => checked(Dilation * (KernelHeight - 1) + 1);

        public long EffectiveWidth => checked(Dilation * (KernelWidth - 1) + 1);

        public bool IsSquare => KernelHeight == KernelWidth && StrideHeight == StrideWidth;
    }

    /// <summary>
    /// The kernel and stride of a window layer: <paramref name="sizeArgument"/> and "strides" for both axes, each
    /// overridden per axis by KernelHeight/KernelWidth and StrideHeight/StrideWidth where given.
    /// </summary>
    public static Window Read(LayerContext context, string sizeArgument, long sizeFallback, long stride)
    {
        var size = context.Positive(sizeArgument, sizeFallback);
        var dilation = context.Positive("dilation", 1);
        return new Window(
            context.Has("kernelHeight") ? context.Positive("kernelHeight", size) : size,
            context.Has("kernelWidth") ? context.Positive("kernelWidth", size) : size,
            context.Has("strideHeight") ? context.Positive("strideHeight", stride) : stride,
            context.Has("strideWidth") ? context.Positive("strideWidth", stride) : stride,
            dilation);
    }

    /// <summary>
    /// The explicit padding of a window layer: <c>Pad = p</c> (PyTorch's padding=p) or PadHeight/PadWidth
    /// (padding=(ph, pw)) when given, else Half (PyTorch's kernel // 2), TensorFlow's 'same' (the odd row or column
    /// goes after) or none.
    /// </summary>
    public static Pads Resolve(LayerContext context, Window window)
    {
        var mode = context.Enum("padding", Valid);
        if (context.Has("pad") || context.Has("padHeight") || context.Has("padWidth"))
        {
            var given = context.Has("pad") ? "pad" : context.Has("padHeight") ? "padHeight" : "padWidth";
            if (mode != Valid)
            {
                throw context.Conflict(given, "Pad and Padding both set the padding; keep one");
            }
            var pad = context.NonNegative("pad", 0);
            var rows = context.Has("padHeight") ? context.NonNegative("padHeight", pad) : pad;
            var columns = context.Has("padWidth") ? context.NonNegative("padWidth", pad) : pad;
            return new Pads(rows, rows, columns, columns);
        }
        if (mode == Half)
        {
            var rows = (window.EffectiveHeight - 1) / 2;
            var columns = (window.EffectiveWidth - 1) / 2;
            return new Pads(rows, rows, columns, columns);
        }
        if (mode != Same)
        {
            return Pads.None;
        }
        var (top, bottom) = ShapeRules.SameAxis(context.Input.Height, window.EffectiveHeight, window.StrideHeight);
        var (left, right) = ShapeRules.SameAxis(context.Input.Width, window.EffectiveWidth, window.StrideWidth);
        return new Pads(top, bottom, left, right);
    }

    /// <summary>
    /// The output size; ND0004 (pooling) or ND0005 (convolution) when the window does not fit. With
    /// <paramref name="ceil"/> (PyTorch's ceil_mode), a last partial window counts if it starts inside the input or
    /// the leading padding.
    /// </summary>
    public static Shape Output(LayerContext context, long channels, Window window, Pads pads, bool pooling, bool ceil = false)
    {
        var input = context.Input;
        var outHeight = Side(input.Height, pads.Top, pads.Bottom, window.EffectiveHeight, window.StrideHeight, ceil);
        var outWidth = Side(input.Width, pads.Left, pads.Right, window.EffectiveWidth, window.StrideWidth, ceil);
        if (outHeight <= 0 || outWidth <= 0)
        {
            var window2D = $"{window.EffectiveHeight}×{window.EffectiveWidth}";
            var padded = pads.Top + pads.Bottom + pads.Left + pads.Right > 0 ? " with this padding" : string.Empty;
            var minimum = $"{Math.Max(1, window.EffectiveHeight - pads.Top - pads.Bottom)}×{Math.Max(1, window.EffectiveWidth - pads.Left - pads.Right)}";
            var same = OffersSame(context);
            var fix = same ? "set Padding = Padding.Same, use a smaller window, or give the network a larger [Input]" : "use a smaller window or give the network a larger [Input]";
            var hint = $"; the {window2D} window needs an input of at least {minimum}{padded}: {fix}";
            var diagnostic = pooling
                ? Rules.SpatialCollapse.At(context.Where, context.Path, Shape.Image(channels, Math.Max(outHeight, 0), Math.Max(outWidth, 0)).ToString(), input.ToString(), hint)
                : Rules.KernelTooLarge.At(context.Where, context.Path, window2D, input.ToString(), $" (it needs at least {minimum}{padded}): {fix}");
            throw context.Fail(same ? diagnostic.Offer("PaddingSame") : diagnostic);
        }
        return Shape.Image(channels, outHeight, outWidth);
    }

    /// <summary>Whether the layer takes Padding = Padding.Same and does not use it yet: the code fix that sets it applies.</summary>
    internal static bool OffersSame(LayerContext context) =>
        LayerCatalog.Find(context.Layer.Kind)?.Arguments.Any(a => a.Name == "padding") == true && context.Enum("padding", Valid) != Same;

    private static long Side(long size, long before, long after, long effective, long stride, bool ceil)
    {
        var padded = checked(size + before + after);
        if (padded < effective)
        {
            return 0;
        }
        var span = padded - effective;
        var count = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (count - 1) * stride >= size + before)
        {
            count--; // PyTorch: the last window must start inside the input or the leading padding
        }
        return count;
    }
}
