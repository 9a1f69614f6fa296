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

    /// <summary>
    /// Validation samples of the standard MNIST layout: TensorFlow's MNIST reader, which the seed experiments used,
    /// takes the first 5,000 images of the training file for validation and trains on the other 55,000.
    /// </summary>
    public const int StandardValidationCount = 5000;

    private readonly Dataset[] files;

    private DataSplits(Dataset train, Dataset validation, Dataset test, params Dataset[] files)
    {
        this.files = files;
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
        return new DataSplits(
            all.Slice(0, TrainCount, name + "/train"),
            all.Slice(TrainCount, ValidationCount, name + "/validation"),
            all.Slice(TrainCount + ValidationCount, TestCount, name + "/test"),
            all);
    }

    /// <summary>
    /// Loads the four standard files of MNIST (or Fashion-MNIST) from <paramref name="directory"/>:
    /// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain
    /// or ".gz". Validation is the first <see cref="StandardValidationCount"/> training images, training the rest, test
    /// the t10k files, as the seed experiments split them. A missing, malformed or truncated file is refused with a
    /// <see cref="DataFormatException"/> that names it.
    /// </summary>
    public static DataSplits LoadStandard(string directory, string name)
    {
        var trainFile = Mnist.Load(Find(directory, "train-images-idx3-ubyte"), Find(directory, "train-labels-idx1-ubyte"), name + "/train-file");
        Dataset testFile;
        try
        {
            testFile = Mnist.Load(Find(directory, "t10k-images-idx3-ubyte"), Find(directory, "t10k-labels-idx1-ubyte"), name + "/test");
            if (trainFile.Count <= StandardValidationCount)
            {
                throw new DataFormatException(Find(directory, "train-images-idx3-ubyte"), $"holds {trainFile.Count} images; the standard split needs more than {StandardValidationCount}");
            }
        }
        catch
        {
            trainFile.Dispose();
            throw;
        }
        return new DataSplits(
            trainFile.Slice(StandardValidationCount, trainFile.Count - StandardValidationCount, name + "/train"),
            trainFile.Slice(0, StandardValidationCount, name + "/validation"),
            testFile,
            trainFile);
    }

    /// <summary>The file <paramref name="stem"/> or <paramref name="stem"/>.gz in <paramref name="directory"/>.</summary>
    private static string Find(string directory, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new DataFormatException(Path.Combine(directory, stem + ".gz"), $"is missing: {directory} must hold {stem} or {stem}.gz (the standard MNIST file names)");
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
        foreach (var file in files)
        {
            file.Dispose();
        }
    }
}
