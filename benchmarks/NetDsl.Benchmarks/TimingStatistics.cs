using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Benchmarks;

/// <summary>Medians and quantiles of measured times.</summary>
internal static class TimingStatistics
{
    /// <summary>The median; NaN for no values.</summary>
    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/> quantile, interpolated linearly between the two nearest values (NumPy's default).</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
