using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Training;
using ScottPlot;

namespace NetDsl.Reporting;

/// <summary>One line on a chart.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (same length).</param>
/// <param name="Group">Lines with the same group share a colour (e.g. train and validation of one run).</param>
/// <param name="Dashed">Draw dashed (e.g. validation).</param>
public sealed record Series(string Label, double[] X, double[] Y, int Group, bool Dashed = false);

/// <summary>PNG charts of training runs (ScottPlot; no display needed).</summary>
public static class Plots
{
    /// <summary>Draws <paramref name="series"/> on one chart and saves it as a PNG (legend top right, or bottom right for rising curves).</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series, int width = 900, int height = 560, bool logY = false, bool legendAtBottom = false)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var s in series)
        {
            if (s.X.Length != s.Y.Length)
            {
                throw new ArgumentException($"Series '{s.Label}' has {s.X.Length} x values and {s.Y.Length} y values.");
            }
            var y = logY ? s.Y.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray() : s.Y;
            var line = plot.Add.Scatter(s.X, y, palette.GetColor(s.Group));
            line.LegendText = s.Label;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            if (s.Dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? yLabel + " (log10)" : yLabel);
        plot.ShowLegend(legendAtBottom ? Alignment.LowerRight : Alignment.UpperRight);
        OutputPaths.CreateParent(path);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// Writes <c>{prefix}-loss.png</c> and <c>{prefix}-accuracy.png</c>: every run on each chart, training solid and
    /// validation dashed in the run's colour. With <paramref name="trainingFromEvaluation"/>, the training curve is the
    /// eval-mode pass over the whole training set after each epoch (seed E1) instead of the running mean.
    /// </summary>
    public static IReadOnlyList<string> TrainingCurves(string directory, string prefix, string title, IReadOnlyList<History> histories, bool trainingFromEvaluation = false)
    {
        var loss = new List<Series>();
        var accuracy = new List<Series>();
        for (var i = 0; i < histories.Count; i++)
        {
            var h = histories[i];
            var epochs = h.Epochs.Select(e => (double)e.Epoch).ToArray();
            var trainLoss = h.Epochs.Select(e => trainingFromEvaluation ? e.TrainEvalLoss ?? double.NaN : e.TrainLoss).ToArray();
            var trainAcc = h.Epochs.Select(e => trainingFromEvaluation ? e.TrainEvalAccuracy ?? double.NaN : e.TrainAccuracy).ToArray();
            loss.Add(new Series(h.Name + " train", epochs, trainLoss, i));
            accuracy.Add(new Series(h.Name + " train", epochs, trainAcc, i));
            if (h.Epochs.Any(e => e.ValidationLoss is not null))
            {
                loss.Add(new Series(h.Name + " validation", epochs, h.Epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray(), i, Dashed: true));
                accuracy.Add(new Series(h.Name + " validation", epochs, h.Epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray(), i, Dashed: true));
            }
        }
        var lossPath = Path.Combine(directory, prefix + "-loss.png");
        var accuracyPath = Path.Combine(directory, prefix + "-accuracy.png");
        Lines(lossPath, title + ": loss", "epoch", "loss", loss);
        Lines(accuracyPath, title + ": accuracy", "epoch", "accuracy", accuracy, legendAtBottom: true);
        return new[] { lossPath, accuracyPath };
    }
}
