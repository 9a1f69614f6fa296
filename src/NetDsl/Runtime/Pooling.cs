using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NetDsl;

/// <summary>Pooling with TensorFlow's 'same' padding, which torch's pooling cannot express when it is asymmetric.</summary>
public static class Pooling
{
    /// <summary>Max pooling over an input padded with −∞ (padded cells never win).</summary>
    public static Tensor MaxSame(Tensor x, long window, long stride, SpatialPadding padding)
    {
        using var padded = functional.pad(x, new[] { padding.Left, padding.Right, padding.Top, padding.Bottom }, TorchSharp.PaddingModes.Constant, double.NegativeInfinity);
        return functional.max_pool2d(padded, window, stride);
    }

    /// <summary>Average pooling that, as Keras, divides by the number of real (unpadded) cells in each window.</summary>
    public static Tensor AverageSame(Tensor x, long window, long stride, SpatialPadding padding)
    {
        var pad = new[] { padding.Left, padding.Right, padding.Top, padding.Bottom };
        using var padded = functional.pad(x, pad);
        using var sums = functional.avg_pool2d(padded, window, stride);
        using var ones = torch.ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype, device: x.device);
        using var mask = functional.pad(ones, pad);
        using var counts = functional.avg_pool2d(mask, window, stride);
        return sums / counts;
    }

    /// <summary>Average pooling over an input padded with zeros that count in every window's divisor (PyTorch's count_include_pad).</summary>
    public static Tensor AverageZeroPadded(Tensor x, long window, long stride, SpatialPadding padding)
    {
        using var padded = functional.pad(x, new[] { padding.Left, padding.Right, padding.Top, padding.Bottom });
        return functional.avg_pool2d(padded, window, stride);
    }
}
