using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetDsl.Training;

namespace NetDsl.Reporting;

/// <summary>A table of strings, printed as Markdown and written as CSV.</summary>
public sealed class Table
{
    private readonly List<string[]> rows = new();

    /// <summary>Creates a table with these column headers.</summary>
    public Table(params string[] headers) => Headers = headers;

    /// <summary>The column headers.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The rows added so far.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => rows;

    /// <summary>Adds a row (as many cells as headers).</summary>
    public Table Add(params string[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"A row needs {Headers.Count} cells, got {cells.Length}.");
        }
        rows.Add(cells);
        return this;
    }

    /// <summary>A GitHub-flavoured Markdown table.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", Headers.Select(Escape))).AppendLine(" |");
        text.Append('|').Append(string.Concat(Headers.Select(_ => "---|"))).AppendLine();
        foreach (var row in rows)
        {
            text.Append("| ").Append(string.Join(" | ", row.Select(Escape))).AppendLine(" |");
        }
        return text.ToString();
    }

    /// <summary>RFC 4180 CSV.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", Headers.Select(Csv)));
        foreach (var row in rows)
        {
            text.AppendLine(string.Join(",", row.Select(Csv)));
        }
        return text.ToString();
    }

    /// <summary>Formats a number with <paramref name="digits"/> decimals (invariant culture); "—" for null or NaN.</summary>
    public static string Number(double? value, int digits = 4) =>
        value is null || double.IsNaN(value.Value) ? "—" : value.Value.ToString("F" + digits, CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with two decimals.</summary>
    public static string Percent(double? value) =>
        value is null || double.IsNaN(value.Value) ? "—" : (100 * value.Value).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Csv(string cell) =>
        cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}

/// <summary>Writes histories as CSV (one row per run and epoch) and JSON.</summary>
public static class HistoryFiles
{
    /// <summary>The histories as one long-format table: run, epoch and every recorded number.</summary>
    public static Table ToTable(IEnumerable<History> histories)
    {
        var table = new Table("run", "epoch", "train_loss", "train_accuracy", "regularization_loss", "validation_loss", "validation_accuracy",
            "train_eval_loss", "train_eval_accuracy", "seconds");
        foreach (var h in histories)
        {
            foreach (var e in h.Epochs)
            {
                table.Add(h.Name, e.Epoch.ToString(CultureInfo.InvariantCulture), R(e.TrainLoss), R(e.TrainAccuracy), R(e.RegularizationLoss),
                    R(e.ValidationLoss), R(e.ValidationAccuracy), R(e.TrainEvalLoss), R(e.TrainEvalAccuracy), R(e.Seconds));
            }
        }
        return table;
    }

    /// <summary>Writes <c>{path}.csv</c> and <c>{path}.json</c>.</summary>
    public static void Write(string pathWithoutExtension, IReadOnlyList<History> histories)
    {
        OutputPaths.CreateParent(pathWithoutExtension);
        File.WriteAllText(pathWithoutExtension + ".csv", ToTable(histories).ToCsv());
        File.WriteAllText(pathWithoutExtension + ".json", JsonSerializer.Serialize(histories.Select(h => new { run = h.Name, epochs = h.Epochs }),
            new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string R(double? value) => value is null ? "" : value.Value.ToString("R", CultureInfo.InvariantCulture);
}
