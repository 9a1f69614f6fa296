// Shapes and TensorFlow's 'same' arithmetic, compiled into the runtime (NetDsl) and into the generator
// (NetDsl.Generators). Each layer kind's own shape rule lives in its file under NetDsl.Generators/Layers/Kinds.
using System;

#if NETDSL_GENERATOR
namespace NetDsl.Generators.Shapes;
#else
namespace NetDsl;
#endif

/// <summary>
/// The shape of one sample, channels first, without the batch dimension N: flat [F], sequence [C, L], image
/// [C, H, W] or volume [C, D, H, W].
/// </summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
readonly struct Shape : IEquatable<Shape>
{
    /// <summary>The most axes a sample may have (a volume).</summary>
    public const int MaxRank = 4;

    private readonly long d0;
    private readonly long d1;
    private readonly long d2;
    private readonly long d3;

    private Shape(int rank, long d0, long d1, long d2, long d3)
    {
        Rank = rank;
        this.d0 = d0;
        this.d1 = d1;
        this.d2 = d2;
        this.d3 = d3;
    }

    /// <summary>Axes of one sample: 1 flat, 2 sequence, 3 image, 4 volume (0 for the default value).</summary>
    public int Rank { get; }

    /// <summary>Size of axis <paramref name="axis"/> of one sample (0 = channels or features).</summary>
    public long this[int axis] => axis switch
    {
        _ when axis < 0 || axis >= Rank => throw new ArgumentOutOfRangeException(nameof(axis)),
        0 => d0,
        1 => d1,
        2 => d2,
        _ => d3,
    };

    /// <summary>Channels of an image, sequence or volume, or features of a flat vector.</summary>
    public long Channels => d0;

    /// <summary>Height of an image or volume (0 for a flat vector or a sequence).</summary>
    public long Height => Rank >= 3 ? this[Rank - 2] : 0;

    /// <summary>Width of an image or volume (0 for a flat vector or a sequence).</summary>
    public long Width => Rank >= 3 ? this[Rank - 1] : 0;

    /// <summary>Length of a sequence (0 otherwise).</summary>
    public long Length => Rank == 2 ? d1 : 0;

    /// <summary>True for [C, H, W].</summary>
    public bool IsImage => Rank == 3;

    /// <summary>True for [F].</summary>
    public bool IsFlat => Rank == 1;

    /// <summary>Number of values per sample.</summary>
    public long Size
    {
        get
        {
            long size = 1;
            for (var i = 0; i < Rank; i++)
            {
                size = checked(size * this[i]);
            }
            return size;
        }
    }

    /// <summary>The sizes of the axes of one sample.</summary>
    public long[] Dimensions
    {
        get
        {
            var dims = new long[Rank];
            for (var i = 0; i < Rank; i++)
            {
                dims[i] = this[i];
            }
            return dims;
        }
    }

    /// <summary>An image shape.</summary>
    public static Shape Image(long channels, long height, long width) => new(3, channels, height, width, 0);

    /// <summary>A flat shape.</summary>
    public static Shape Vector(long features) => new(1, features, 0, 0, 0);

    /// <summary>A sequence shape (Conv1D's input).</summary>
    public static Shape Sequence(long channels, long length) => new(2, channels, length, 0, 0);

    /// <summary>A volume shape.</summary>
    public static Shape Volume(long channels, long depth, long height, long width) => new(4, channels, depth, height, width);

    /// <summary>A shape of 1 to 4 axes.</summary>
    public static Shape Of(params long[] dimensions)
    {
        if (dimensions is null || dimensions.Length < 1 || dimensions.Length > MaxRank)
        {
            throw new ArgumentException($"a sample has 1 to {MaxRank} axes", nameof(dimensions));
        }
        long At(int i) => i < dimensions.Length ? dimensions[i] : 0;
        return new Shape(dimensions.Length, At(0), At(1), At(2), At(3));
    }

    /// <summary>This shape with axis <paramref name="axis"/> set to <paramref name="size"/>.</summary>
    public Shape With(int axis, long size)
    {
        var dims = Dimensions;
        dims[axis] = size;
        return Of(dims);
    }

    /// <summary>The full tensor shape with the batch dimension.</summary>
    public long[] WithBatch(long batch)
    {
        var dims = new long[Rank + 1];
        dims[0] = batch;
        for (var i = 0; i < Rank; i++)
        {
            dims[i + 1] = this[i];
        }
        return dims;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Rank == other.Rank && d0 == other.d0 && d1 == other.d1 && d2 == other.d2 && d3 == other.d3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => unchecked((int)(d0 * 31 + d1 * 17 + d2 * 7 + d3 * 3 + Rank));

    /// <summary>Equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>"[N, C, H, W]", "[N, F]" and so on.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder("[N");
        for (var i = 0; i < Rank; i++)
        {
            text.Append(", ").Append(this[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
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

}

/// <summary>TensorFlow's 'same' padding arithmetic, which compile-time inference and the runtime share. Arithmetic is
/// checked: a size beyond 64 bits throws <see cref="OverflowException"/>, which inference reports as an error.</summary>
#if NETDSL_GENERATOR
internal
#else
public
#endif
static class ShapeRules
{
    /// <summary>TensorFlow's 'same' padding along one axis: the odd row goes after.</summary>
    public static (long Before, long After) SameAxis(long input, long window, long stride)
    {
        var output = checked((input + stride - 1) / stride);
        var total = Math.Max(checked((output - 1) * stride + window - input), 0);
        return (total / 2, total - total / 2);
    }
}
