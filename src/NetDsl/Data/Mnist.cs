using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Data;

/// <summary>
/// MNIST-format data sets: the standard IDX files (60k/10k MNIST, Fashion-MNIST) and the 10,000-image subsets shipped
/// with NetDsl. Images are kept as bytes [N, 1, 28, 28]; add <see cref="ImageTransforms"/> to scale or resize them.
/// </summary>
public static class Mnist
{
    /// <summary>The number of classes in MNIST and Fashion-MNIST.</summary>
    public const int Classes = 10;

    /// <summary>
    /// Loads an images file (IDX, [N, rows, cols] bytes) and its labels file (IDX, [N] bytes 0–9), plain or ".gz".
    /// Throws <see cref="DataFormatException"/> naming the file if either is malformed, truncated, or they disagree.
    /// </summary>
    public static Dataset Load(string imagesPath, string labelsPath, string? name = null)
    {
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        if (images.Dimensions.Length != 3)
        {
            throw new DataFormatException(imagesPath, $"an images file must have 3 dimensions [count, rows, columns], this one has [{string.Join(", ", images.Dimensions)}]");
        }
        if (labels.Dimensions.Length != 1)
        {
            throw new DataFormatException(labelsPath, $"a labels file must have 1 dimension [count], this one has [{string.Join(", ", labels.Dimensions)}]");
        }
        if (images.Count != labels.Count)
        {
            throw new DataFormatException(labelsPath, $"holds {labels.Count} labels but {Path.GetFileName(imagesPath)} holds {images.Count} images");
        }
        for (var i = 0; i < labels.Data.Length; i++)
        {
            if (labels.Data[i] >= Classes)
            {
                throw new DataFormatException(labelsPath, $"label {labels.Data[i]} at index {i} is not a class 0–{Classes - 1}");
            }
        }
        var x = tensor(images.Data, new long[] { images.Count, 1, images.Dimensions[1], images.Dimensions[2] }, ScalarType.Byte);
        var y = tensor(labels.Data, new long[] { labels.Count }, ScalarType.Byte).to_type(ScalarType.Int64);
        return new Dataset(name ?? Path.GetFileName(imagesPath), x, y);
    }
}

/// <summary>The fixed splits of a shipped 10,000-image set (the files are stored in a fixed shuffled order).</summary>
public sealed class DataSplits : IDisposable
{
    /// <summary>Samples 0–6,999 of the shipped file.</summary>
    public const int TrainCount = 7000;

    /// <summary>Samples 7,000–7,999.</summary>
    public const int ValidationCount = 1000;

    /// <summary>Samples 8,000–9,999.</summary>
    public const int TestCount = 2000;

    private readonly Dataset all;

    private DataSplits(Dataset all, Dataset train, Dataset validation, Dataset test)
    {
        this.all = all;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The training split.</summary>
    public Dataset Train { get; }

    /// <summary>The validation split (evaluated after every epoch).</summary>
    public Dataset Validation { get; }

    /// <summary>The test split (evaluated once, at the end).</summary>
    public Dataset Test { get; }

    /// <summary>
    /// Loads a shipped set from <paramref name="directory"/> ("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz") and
    /// splits it 7,000 / 1,000 / 2,000 in file order. Throws if the files hold fewer than 10,000 samples.
    /// </summary>
    public static DataSplits LoadShipped(string directory, string name)
    {
        var images = Path.Combine(directory, "images-idx3-ubyte.gz");
        var all = Mnist.Load(images, Path.Combine(directory, "labels-idx1-ubyte.gz"), name);
        if (all.Count < TrainCount + ValidationCount + TestCount)
        {
            all.Dispose();
            throw new DataFormatException(images, $"holds {all.Count} samples; the fixed splits need {TrainCount + ValidationCount + TestCount}");
        }
        return new DataSplits(all,
            all.Slice(0, TrainCount, name + "/train"),
            all.Slice(TrainCount, ValidationCount, name + "/validation"),
            all.Slice(TrainCount + ValidationCount, TestCount, name + "/test"));
    }

    /// <summary>The same splits with <paramref name="transform"/> applied to each batch.</summary>
    public (Dataset Train, Dataset Validation, Dataset Test) With(Func<Tensor, Tensor> transform) =>
        (Train.WithTransform(transform), Validation.WithTransform(transform), Test.WithTransform(transform));

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
        all.Dispose();
    }
}
