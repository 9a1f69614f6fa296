using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using FluentAssertions;
using NetDsl.Data;
using NetDsl.Reporting;
using NetDsl.Training;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

[Collection(TorchCollection.Name)]
public sealed class DataTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "netdsl-data-" + Guid.NewGuid().ToString("N"));

    public DataTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The repository's data folder, found from the test assembly's location.</summary>
    internal static string ShippedData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "data", "mnist-digits")))
        {
            dir = dir.Parent;
        }
        return dir is null ? throw new DirectoryNotFoundException("the repository's data folder") : Path.Combine(dir.FullName, "data");
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Header(byte type, params int[] dims) =>
        new byte[] { 0, 0, type, (byte)dims.Length }.Concat(dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d })).ToArray();

    [Fact]
    public void The_shipped_whole_MNIST_has_the_standard_counts_first_labels_and_split()
    {
        using var splits = DataSplits.LoadStandard(Path.Combine(ShippedData(), "mnist"), "mnist");
        splits.Train.Count.Should().Be(55_000);
        splits.Validation.Count.Should().Be(5_000);
        splits.Test.Count.Should().Be(10_000);
        // The training file starts 5 0 4 1 9 2; its first 5,000 images are the validation split.
        splits.Validation.Labels.narrow(0, 0, 6).data<long>().ToArray().Should().Equal(5, 0, 4, 1, 9, 2);
        splits.Test.Labels.narrow(0, 0, 6).data<long>().ToArray().Should().Equal(7, 2, 1, 0, 4, 1);
        splits.Train.Features.shape.Should().Equal(55_000, 1, 28, 28);
        var trainFile = Mnist.Load(Path.Combine(ShippedData(), "mnist", "train-images-idx3-ubyte.gz"), Path.Combine(ShippedData(), "mnist", "train-labels-idx1-ubyte.gz"));
        using (trainFile)
        {
            splits.Train.Labels.data<long>().ToArray().Should().Equal(trainFile.Labels.narrow(0, 5_000, 55_000).data<long>().ToArray());
        }
    }

    [Fact]
    public void A_standard_folder_missing_or_with_a_truncated_file_is_refused_naming_the_file()
    {
        var missing = () => DataSplits.LoadStandard(directory, "mnist");
        missing.Should().Throw<DataFormatException>().Which.Path.Should().EndWith("train-images-idx3-ubyte.gz");

        var mnist = Path.Combine(ShippedData(), "mnist");
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            File.Copy(Path.Combine(mnist, name), Path.Combine(directory, name));
        }
        // The test images, cut short after the header and a few rows: the reader must say which file and why.
        using (var source = new GZipStream(File.OpenRead(Path.Combine(mnist, "t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress))
        using (var target = new GZipStream(File.Create(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")), CompressionLevel.Fastest))
        {
            var head = new byte[16 + 28 * 28 * 3];
            source.ReadExactly(head);
            target.Write(head);
        }
        var truncated = () => DataSplits.LoadStandard(directory, "mnist");
        truncated.Should().Throw<DataFormatException>().Which.Path.Should().EndWith("t10k-images-idx3-ubyte.gz");
    }

    [Fact]
    public void Idx_round_trip_plain_and_gzip()
    {
        var array = new IdxArray(new[] { 3, 2, 2 }, Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray());
        foreach (var name in new[] { "a-idx3-ubyte", "a-idx3-ubyte.gz" })
        {
            var path = Path.Combine(directory, name);
            Idx.Write(path, array);
            var read = Idx.Read(path);
            read.Dimensions.Should().Equal(3, 2, 2);
            read.Data.Should().Equal(array.Data);
        }
    }

    [Fact]
    public void Malformed_idx_files_give_errors_naming_the_file_and_the_problem()
    {
        var truncated = Write("truncated-idx3-ubyte", Header(8, 2, 2, 2).Concat(new byte[5]).ToArray());
        var read = () => Idx.Read(truncated);
        read.Should().Throw<DataFormatException>().WithMessage($"{truncated}: truncated: the header [2, 2, 2] declares 8 bytes of data but only 5 follow");

        var magic = Write("magic", new byte[] { 0x1f, 0x8b, 8, 0, 1, 2, 3 });
        ((Action)(() => Idx.Read(magic))).Should().Throw<DataFormatException>().WithMessage("*magic: not an IDX file: the first two bytes are 0x1F 0x8B*");

        var floats = Write("floats", Header(0x0D, 1).Concat(new byte[4]).ToArray());
        ((Action)(() => Idx.Read(floats))).Should().Throw<DataFormatException>().WithMessage("*floats: IDX element type 0x0D is not supported*");

        var header = Write("header", new byte[] { 0, 0, 8, 3, 0, 0 });
        ((Action)(() => Idx.Read(header))).Should().Throw<DataFormatException>().WithMessage("*header: the file ends inside the header (dimension 1 of 3)");

        var extra = Write("extra", Header(8, 2).Concat(new byte[3]).ToArray());
        ((Action)(() => Idx.Read(extra))).Should().Throw<DataFormatException>().WithMessage("*extra: unexpected bytes after the 2 bytes*");

        var corruptGz = Write("corrupt.gz", new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5 });
        ((Action)(() => Idx.Read(corruptGz))).Should().Throw<DataFormatException>().WithMessage("*corrupt.gz*");

        ((Action)(() => Idx.Read(Path.Combine(directory, "absent")))).Should().Throw<DataFormatException>().WithMessage("*absent: the file does not exist");
    }

    [Fact]
    public void Truncated_gzip_idx_is_reported()
    {
        var full = Path.Combine(directory, "full.gz");
        Idx.Write(full, new IdxArray(new[] { 100, 28, 28 }, new byte[78400].Select((_, i) => (byte)(i * 7)).ToArray()));
        var bytes = File.ReadAllBytes(full);
        var cut = Write("cut-images.gz", bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var read = () => Idx.Read(cut);
        read.Should().Throw<DataFormatException>().Where(e => e.Path == cut);
    }

    [Fact]
    public void Mnist_checks_that_images_and_labels_agree()
    {
        var images = Path.Combine(directory, "images.gz");
        Idx.Write(images, new IdxArray(new[] { 3, 4, 4 }, new byte[48]));
        var labels = Path.Combine(directory, "labels");
        Idx.Write(labels, new IdxArray(new[] { 2 }, new byte[] { 1, 2 }));
        ((Action)(() => Mnist.Load(images, labels))).Should().Throw<DataFormatException>().WithMessage("*labels: holds 2 labels but images.gz holds 3 images");

        Idx.Write(labels, new IdxArray(new[] { 3 }, new byte[] { 1, 12, 2 }));
        ((Action)(() => Mnist.Load(images, labels))).Should().Throw<DataFormatException>().WithMessage("*labels: label 12 at index 1 is not a class 0–9");

        ((Action)(() => Mnist.Load(labels, labels))).Should().Throw<DataFormatException>().WithMessage("*labels: an images file must have 3 dimensions*");

        Idx.Write(labels, new IdxArray(new[] { 3 }, new byte[] { 1, 9, 2 }));
        using var data = Mnist.Load(images, labels);
        data.Count.Should().Be(3);
        data.Features.shape.Should().Equal(3, 1, 4, 4);
        data.Labels.data<long>().ToArray().Should().Equal(1, 9, 2);
    }

    [Theory]
    [InlineData("mnist-digits")]
    [InlineData("fashion-mnist")]
    public void Shipped_sets_load_with_the_documented_splits(string name)
    {
        using var splits = DataSplits.LoadShipped(Path.Combine(ShippedData(), name), name);
        splits.Train.Count.Should().Be(7000);
        splits.Validation.Count.Should().Be(1000);
        splits.Test.Count.Should().Be(2000);
        foreach (var split in new[] { splits.Train, splits.Validation, splits.Test })
        {
            // Shuffled storage order: every class appears in every split, none dominates.
            split.ClassCounts(10).Should().OnlyContain(c => c > split.Count / 20 && c < split.Count / 5);
        }
        var pixels = splits.Train.Features.narrow(0, 0, 100).to_type(ScalarType.Float32);
        pixels.max().item<float>().Should().BeGreaterThan(200, "real images reach near-white");
        pixels.mean().item<float>().Should().BeInRange(10, 120);
    }

    [Fact]
    public void Image_transforms_scale_resize_and_repeat_channels()
    {
        var bytes = tensor(new byte[] { 0, 255, 51, 102 }, new long[] { 1, 1, 2, 2 }, ScalarType.Byte);
        var scaled = ImageTransforms.ScaleToUnit(bytes);
        scaled.dtype.Should().Be(ScalarType.Float32);
        scaled.flatten().data<float>().ToArray().Should().Equal(0f, 1f, 0.2f, 0.4f);
        bytes.dtype.Should().Be(ScalarType.Byte, "the stored data is not changed");

        var pipeline = ImageTransforms.Compose(ImageTransforms.ScaleToUnit, ImageTransforms.Resize(12, 12), ImageTransforms.RepeatChannels(3));
        var images = pipeline(full(new long[] { 5, 1, 28, 28 }, 255, ScalarType.Byte));
        images.shape.Should().Equal(5, 3, 12, 12);
        images.min().item<float>().Should().BeApproximately(1f, 1e-6f);

        var flat = ImageTransforms.Flatten(zeros(4, 1, 28, 28));
        flat.shape.Should().Equal(4, 784);
        var bad = () => ImageTransforms.RepeatChannels(3)(zeros(1, 2, 4, 4));
        bad.Should().Throw<ArgumentException>().WithMessage("*one channel*");
    }

    [Fact]
    public void A_transformed_shipped_set_trains_a_generated_image_network()
    {
        using var splits = DataSplits.LoadShipped(Path.Combine(ShippedData(), "mnist-digits"), "mnist");
        var transform = ImageTransforms.Compose(ImageTransforms.ScaleToUnit, ImageTransforms.Resize(12, 12), ImageTransforms.RepeatChannels(3));
        using var train = splits.Train.Slice(0, 256).WithTransform(transform);
        train.SampleShape.Should().Equal(3, 12, 12);
        using var model = new TinyImageNet();
        using var run = new TrainingRun("tiny", model, OptimizerSpec.Adam(0.01));
        var history = Trainer.Fit(run, train, null, new TrainingOptions { Epochs = 2, Progress = ProgressMode.None });
        history.Epochs.Should().HaveCount(2);
        history.Last.TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void Tables_are_markdown_and_csv_and_plots_are_png_files()
    {
        var table = new Table("run", "acc").Add("a|b", "0.5").Add("c,d", "1.0");
        table.ToMarkdown().Should().Be("| run | acc |\n|---|---|\n| a\\|b | 0.5 |\n| c,d | 1.0 |\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal));
        table.ToCsv().Should().Contain("\"c,d\",1.0");
        ((Action)(() => table.Add("x"))).Should().Throw<ArgumentException>();
        Table.Percent(0.97126).Should().Be("97.13%");
        Table.Number(null).Should().Be("—");

        var history = new History("h");
        history.Add(new EpochRecord(1, 1.0, 0.5, 0, 1.1, 0.4, null, null, 1));
        history.Add(new EpochRecord(2, 0.5, 0.8, 0, 0.9, 0.6, null, null, 1));
        var files = Plots.TrainingCurves(directory, "t", "test", new[] { history });
        foreach (var f in files)
        {
            File.ReadAllBytes(f).Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        }
        HistoryFiles.Write(Path.Combine(directory, "h"), new[] { history });
        File.ReadAllLines(Path.Combine(directory, "h.csv")).Should().HaveCount(3);
        History.FromJson(history.ToJson(), "x").Epochs.Should().Equal(history.Epochs);
        var skip = () => history.Add(new EpochRecord(4, 0, 0, 0, null, null, null, null, 0));
        skip.Should().Throw<ArgumentException>().WithMessage("*next must be epoch 3*");
    }
}
