using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace NetDsl.Training;

/// <summary>Shows progress within an epoch: a bar redrawn in place on a terminal, plain periodic lines otherwise.</summary>
internal sealed class ProgressReporter : IDisposable
{
    private const int BarWidth = 24;
    private readonly TextWriter output;
    private readonly ProgressMode mode;
    private readonly int batches;
    private readonly double interval;
    private readonly Stopwatch clock = new();
    private int epoch;
    private double lastDraw;
    private int drawnWidth;
    private readonly int width;

    public ProgressReporter(TrainingOptions options, TextWriter output, int batches)
    {
        this.output = output;
        this.batches = batches;
        interval = options.ProgressInterval;
        mode = options.Progress == ProgressMode.Auto ? Resolve(output) : options.Progress;
        width = TerminalWidth(output);
    }

    private static int TerminalWidth(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            return int.MaxValue;
        }
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : int.MaxValue;
        }
        catch (IOException)
        {
            return int.MaxValue;
        }
    }

    /// <summary>Bar when writing to the console of a terminal, lines when the console is redirected or another writer is used.</summary>
    public static ProgressMode Resolve(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ProgressMode.Bar : ProgressMode.Lines;

    public void StartEpoch(int epochNumber)
    {
        epoch = epochNumber;
        lastDraw = 0;
        clock.Restart();
    }

    public void Update(int done, Func<string> describe)
    {
        if (mode is not (ProgressMode.Bar or ProgressMode.Lines))
        {
            return;
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var due = mode == ProgressMode.Bar ? elapsed - lastDraw >= 0.2 || done == batches : elapsed - lastDraw >= interval && done < batches;
        if (!due)
        {
            return;
        }
        lastDraw = elapsed;
        var metrics = describe();
        var eta = TimeSpan.FromSeconds(elapsed / done * (batches - done));
        var etaText = eta.TotalHours >= 1 ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
        if (mode == ProgressMode.Bar)
        {
            var filled = (int)Math.Round((double)done / batches * BarWidth);
            var line = $"epoch {epoch} [{new string('█', filled)}{new string('·', BarWidth - filled)}] {done}/{batches} ETA {etaText} {metrics}";
            if (line.Length > width)
            {
                // A line wider than the terminal wraps, and "\r" then redraws only its last part.
                line = line.Substring(0, width - 1) + "…";
            }
            output.Write("\r" + line.PadRight(drawnWidth));
            drawnWidth = line.Length;
            output.Flush();
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch} batch {done}/{batches} ({100.0 * done / batches:0}%) {metrics} ETA {etaText}"));
        }
    }

    public void EndEpoch()
    {
        if (mode == ProgressMode.Bar && drawnWidth > 0)
        {
            output.Write("\r" + new string(' ', drawnWidth) + "\r");
            output.Flush();
            drawnWidth = 0;
        }
    }

    public void Dispose() => EndEpoch();
}
