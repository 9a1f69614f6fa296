using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Spectre.Console;

namespace NetDsl.Training;

/// <summary>
/// Shows progress within an epoch: a Spectre.Console progress bar on a terminal (redrawn in place, with the running
/// loss and accuracy, percentage and remaining time), plain periodic lines otherwise (logs, redirected output).
/// </summary>
internal sealed class ProgressReporter
{
    private readonly TextWriter output;
    private readonly ProgressMode mode;
    private readonly int batches;
    private readonly double interval;

    public ProgressReporter(TrainingOptions options, TextWriter output, int batches)
    {
        this.output = output;
        this.batches = batches;
        interval = options.ProgressInterval;
        mode = options.Progress == ProgressMode.Auto ? Resolve(output) : options.Progress;
    }

    /// <summary>Bar when writing to the console of a terminal, lines when the console is redirected or another writer is used.</summary>
    public static ProgressMode Resolve(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ProgressMode.Bar : ProgressMode.Lines;

    /// <summary>
    /// Runs one epoch's batches; <paramref name="body"/> reports after each batch how many are done and how to
    /// describe the running metrics (built only when shown).
    /// </summary>
    public void RunEpoch(int epoch, Action<Action<int, Func<string>>> body)
    {
        switch (mode)
        {
            case ProgressMode.Bar:
                Bar(epoch, body);
                break;
            case ProgressMode.Lines:
                Lines(epoch, body);
                break;
            default:
                body(static (_, _) => { });
                break;
        }
    }

    private void Bar(int epoch, Action<Action<int, Func<string>>> body)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });
        var clock = Stopwatch.StartNew();
        var lastDescribed = double.NegativeInfinity;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"epoch {epoch}", maxValue: batches);
                body((done, describe) =>
                {
                    task.Value = done;
                    // The metrics text is rebuilt a few times a second, not after every batch.
                    if (clock.Elapsed.TotalSeconds - lastDescribed >= 0.2 || done == batches)
                    {
                        lastDescribed = clock.Elapsed.TotalSeconds;
                        task.Description = Markup.Escape($"epoch {epoch} {describe()}");
                    }
                });
            });
    }

    private void Lines(int epoch, Action<Action<int, Func<string>>> body)
    {
        var clock = Stopwatch.StartNew();
        var lastLine = 0.0;
        body((done, describe) =>
        {
            var elapsed = clock.Elapsed.TotalSeconds;
            if (elapsed - lastLine < interval || done >= batches)
            {
                return;
            }
            lastLine = elapsed;
            var eta = TimeSpan.FromSeconds(elapsed / done * (batches - done));
            var etaText = eta.TotalHours >= 1 ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch} batch {done}/{batches} ({100.0 * done / batches:0}%) {describe()} ETA {etaText}"));
        });
    }
}
