using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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

    /// <summary>Seconds as milliseconds with one decimal.</summary>
    public static string Milliseconds(double seconds) => (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The median and the 25th–75th percentile spread, in milliseconds: "12.3 (11.9–13.0)".</summary>
    public static string Spread(IReadOnlyList<double> seconds) =>
        $"{Milliseconds(Median(seconds))} ({Milliseconds(Quantile(seconds, 0.25))}–{Milliseconds(Quantile(seconds, 0.75))})";

    /// <summary>The median of the paired ratios a/b with their spread: each round's runs are neighbours in time.</summary>
    public static string Ratio(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var ratios = a.Zip(b, (x, y) => x / y).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(ratios):F2} ({Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2})");
    }

    /// <summary>The machine's 1, 5 and 15-minute load averages, or "unknown".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
