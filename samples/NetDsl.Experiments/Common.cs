using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetDsl.Data;
using NetDsl.Reporting;
using NetDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Experiments;

/// <summary>Train, validation and test sets of one experiment, with a description to print beside every number.</summary>
internal sealed class ExperimentData : IDisposable
{
    private readonly List<IDisposable> owned = new();

    private ExperimentData(Dataset train, Dataset validation, Dataset test, string description)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Description = description;
    }

    public Dataset Train { get; }
    public Dataset Validation { get; }
    public Dataset Test { get; }
    public string Description { get; }

    /// <summary>
    /// The shipped set (or the user's IDX files), the training split cut to <paramref name="trainSamples"/>, with
    /// <paramref name="transform"/> applied per batch.
    /// </summary>
    /// <summary>The whole MNIST in its standard four files (the seeds' E1 and E2 data).</summary>
    public const string StandardMnist = "mnist-standard";

    public static ExperimentData Load(Settings settings, string dataset, int? trainSamples, Func<Tensor, Tensor> transform, string transformText)
    {
        Dataset train, validation, test;
        string source;
        var owned = new List<IDisposable>();
        if (settings.IdxTrain is { } idxTrain && settings.IdxTest is { } idxTest)
        {
            var all = Mnist.Load(idxTrain.Images, idxTrain.Labels, "idx-train");
            var testSet = Mnist.Load(idxTest.Images, idxTest.Labels, "idx-test");
            owned.Add(all);
            owned.Add(testSet);
            var validationCount = all.Count / 10;
            train = all.Slice(0, all.Count - validationCount, "train");
            validation = all.Slice(all.Count - validationCount, validationCount, "validation");
            test = testSet;
            source = $"{Path.GetFileName(idxTrain.Images)} ({train.Count:N0} train, last {validationCount:N0} validation) and {Path.GetFileName(idxTest.Images)} ({test.Count:N0} test)";
        }
        else if (dataset == StandardMnist)
        {
            var folder = settings.Mnist ?? Path.Combine(settings.Data, "mnist");
            var splits = DataSplits.LoadStandard(folder, "mnist");
            owned.Add(splits);
            (train, validation, test) = (splits.Train, splits.Validation, splits.Test);
            source = settings.Mnist is null
                ? "the whole MNIST (shipped): the first 5,000 training images validate, the other 55,000 train, the 10,000 t10k images test"
                : $"the MNIST files in {settings.Mnist}: the first {DataSplits.StandardValidationCount:N0} training images validate, the rest train, the t10k images test";
        }
        else
        {
            var folder = dataset == "mnist" ? "mnist-digits" : "fashion-mnist";
            var splits = DataSplits.LoadShipped(Path.Combine(settings.Data, folder), folder);
            owned.Add(splits);
            (train, validation, test) = (splits.Train, splits.Validation, splits.Test);
            source = $"shipped {(dataset == "mnist" ? "MNIST" : "Fashion-MNIST")} 10k subset";
        }
        if (trainSamples is { } n && n < train.Count)
        {
            train = train.Slice(0, n, train.Name);
            owned.Add(train);
        }
        if (settings.Smoke)
        {
            // Smoke runs check that everything runs, not what it measures: a few hundred samples to evaluate are enough.
            validation = validation.Slice(0, Math.Min(validation.Count, 250), validation.Name);
            test = test.Slice(0, Math.Min(test.Count, 250), test.Name);
            owned.Add(validation);
            owned.Add(test);
        }
        var result = new ExperimentData(train.WithTransform(transform, train.Name), validation.WithTransform(transform, validation.Name),
            test.WithTransform(transform, test.Name),
            $"{source}: train {train.Count:N0}, validation {validation.Count:N0}, test {test.Count:N0}; {transformText}");
        result.owned.AddRange(owned);
        return result;
    }

    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
        foreach (var o in owned.AsEnumerable().Reverse())
        {
            o.Dispose();
        }
    }
}

/// <summary>What an experiment prints and writes: Markdown sections, tables as CSV, plots, histories.</summary>
internal sealed class Report
{
    private readonly StringBuilder markdown = new();

    public Report(string root, string id, string title)
    {
        Directory = Path.Combine(root, id);
        System.IO.Directory.CreateDirectory(Directory);
        Id = id;
        Line($"# {title}");
        Line();
    }

    public string Directory { get; }
    public string Id { get; }

    public void Line(string text = "")
    {
        markdown.AppendLine(text);
        Console.WriteLine(text);
    }

    public void Table(string name, Table table)
    {
        Line(table.ToMarkdown());
        File.WriteAllText(Path.Combine(Directory, name + ".csv"), table.ToCsv());
    }

    public void Histories(IReadOnlyList<History> histories) => HistoryFiles.Write(Path.Combine(Directory, "history"), histories);

    public void Plot(string file)
    {
        var name = Path.GetFileName(file);
        markdown.AppendLine($"![{name}]({name})").AppendLine();
        Console.WriteLine($"plot: {file}");
    }

    public void Save()
    {
        var path = Path.Combine(Directory, "report.md");
        File.WriteAllText(path, markdown.ToString());
        Console.WriteLine($"report: {path}");
        Console.WriteLine();
    }
}

internal static class Models
{
    /// <summary>Builds a model with weights drawn from <paramref name="seed"/> and Keras' Glorot-uniform initialization (the seeds are Keras code).</summary>
    public static T Create<T>(Func<T> create, long seed) where T : nn.Module
    {
        random.manual_seed(seed);
        var model = create();
        // Glorot draws on the model's device; seed that device's generator too, so a CUDA run is reproducible as well.
        if (cuda.is_available())
        {
            cuda.manual_seed_all(seed);
        }
        Initialization.GlorotUniform(model);
        return model;
    }

    /// <summary>A folder name for a run name ("BN + L2" → "BN-L2").</summary>
    public static string Slug(string name) =>
        string.Join("-", name.Split(new[] { ' ', '+', '(', ')', '/', '\\' }, StringSplitOptions.RemoveEmptyEntries));

    public static string F(double value, int digits = 4) => Reporting.Table.Number(value, digits);

    public static string P(double? value) => Reporting.Table.Percent(value);

    public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Compares accuracies <paramref name="a"/> and <paramref name="b"/> measured on <paramref name="n"/> samples each:
    /// the difference in points and whether it exceeds two standard errors of a difference of two proportions.
    /// </summary>
    public static (double Points, double TwoSe, bool Significant) Compare(double a, double b, int n)
    {
        var se = Math.Sqrt(a * (1 - a) / n + b * (1 - b) / n);
        return ((a - b) * 100, 2 * se * 100, Math.Abs(a - b) > 2 * se);
    }

    /// <summary>"+2.00 points, beyond two standard errors (±1.66 on 2,000 samples)".</summary>
    public static string CompareText(double a, double b, int n)
    {
        var (points, twoSe, significant) = Compare(a, b, n);
        return string.Create(CultureInfo.InvariantCulture,
            $"{points:+0.00;-0.00} points, {(significant ? "beyond" : "within")} two standard errors (±{twoSe:0.00} on {n:N0} samples)");
    }
}
