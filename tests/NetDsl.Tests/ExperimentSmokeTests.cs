using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using NetDsl.Experiments;
using NetDsl.Training;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Every experiment end to end at tiny sizes (`--smoke`): data, training, tables, plots, checkpoints.</summary>
[Collection(TorchCollection.Name)]
public sealed class ExperimentSmokeTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "netdsl-smoke-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private Settings Smoke() => new() { Smoke = true, Output = output, Data = DataTests.ShippedData(), Progress = ProgressMode.None };

    private string Report(string id)
    {
        var report = File.ReadAllText(Path.Combine(output, id, "report.md"));
        report.Should().Contain("Finding:");
        Directory.GetFiles(Path.Combine(output, id), "*.png").Should().NotBeEmpty();
        return report;
    }

    private int HistoryRows(string id) => File.ReadAllLines(Path.Combine(output, id, "history.csv")).Length - 1;

    [Fact]
    public void E1_trains_both_mlps_side_by_side_and_writes_the_four_plots()
    {
        MlpExperiments.E1(Smoke());
        var report = Report("e1");
        report.Should().Contain("| BN |").And.Contain("| no BN |").And.Contain("97.13%");
        HistoryRows("e1").Should().Be(2 * 2);
        foreach (var plot in new[] { "train-loss", "train-accuracy", "validation-loss", "validation-accuracy" })
        {
            File.Exists(Path.Combine(output, "e1", plot + ".png")).Should().BeTrue();
        }
    }

    [Fact]
    public void E1_reads_standard_idx_files_given_on_the_command_line()
    {
        // Standard-format files written from the shipped set stand in for the full MNIST download.
        var shipped = Path.Combine(DataTests.ShippedData(), "mnist-digits");
        var images = NetDsl.Data.Idx.Read(Path.Combine(shipped, "images-idx3-ubyte.gz"));
        var labels = NetDsl.Data.Idx.Read(Path.Combine(shipped, "labels-idx1-ubyte.gz"));
        Directory.CreateDirectory(output);
        string Write(string name, NetDsl.Data.IdxArray array)
        {
            var path = Path.Combine(output, name);
            NetDsl.Data.Idx.Write(path, array);
            return path;
        }
        var trainImages = Write("train-images-idx3-ubyte", new NetDsl.Data.IdxArray(new[] { 600, 28, 28 }, images.Data.AsSpan(0, 600 * 784).ToArray()));
        var trainLabels = Write("train-labels-idx1-ubyte", new NetDsl.Data.IdxArray(new[] { 600 }, labels.Data.AsSpan(0, 600).ToArray()));
        var testImages = Write("t10k-images-idx3-ubyte.gz", new NetDsl.Data.IdxArray(new[] { 100, 28, 28 }, images.Data.AsSpan(600 * 784, 100 * 784).ToArray()));
        var testLabels = Write("t10k-labels-idx1-ubyte.gz", new NetDsl.Data.IdxArray(new[] { 100 }, labels.Data.AsSpan(600, 100).ToArray()));

        var settings = Settings.Parse(new[] { "e1", "--smoke", "--idx-train", trainImages, trainLabels, "--idx-test", testImages, testLabels })
            with { Output = output, Data = DataTests.ShippedData(), Progress = ProgressMode.None };
        MlpExperiments.E1(settings);
        Report("e1").Should().Contain("train-images-idx3-ubyte (540 train, last 60 validation) and t10k-images-idx3-ubyte.gz (100 test)");
    }

    [Fact]
    public void E1_runs_on_the_standard_MNIST_files_of_any_folder()
    {
        var folder = Path.Combine(output, "my-mnist");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(DataTests.ShippedData(), "mnist")))
        {
            // Plain files, as they come from the MNIST site after gunzip, to check both forms are read.
            using var source = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
            using var target = File.Create(Path.Combine(folder, Path.GetFileNameWithoutExtension(file)));
            source.CopyTo(target);
        }
        var settings = Settings.Parse(new[] { "e1", "--smoke", "--mnist", folder }) with { Output = output, Data = DataTests.ShippedData(), Progress = ProgressMode.None };
        MlpExperiments.E1(settings);
        Report("e1").Should().Contain($"the MNIST files in {folder}: the first 5,000 training images validate").And.Contain("validation 250, test 250");
    }

    [Fact]
    public void Resume_continues_each_run_from_its_checkpoint()
    {
        MobileNetExperiments.C(Smoke());
        File.Exists(Path.Combine(output, "c", "checkpoints", "BN-L2", Checkpoint.WeightsFile)).Should().BeTrue();
        MobileNetExperiments.C(Smoke() with { Epochs = 2, Resume = true });
        var report = Report("c");
        report.Should().Contain("BN + L2: resumed from").And.Contain("after epoch 1.");
        HistoryRows("c").Should().Be(3 * 2);
        File.ReadAllLines(Path.Combine(output, "c", "kernel-values.csv")).Should().HaveCount(1 + 3 * 3, "epochs 0 and 1 from before the resume, 2 after");
    }

    [Fact]
    public void Cuda_is_refused_with_a_reason_where_there_is_none()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            Settings.Parse(new[] { "e1", "--device", "cuda" }).Device().type.Should().Be(TorchSharp.DeviceType.CUDA);
            return;
        }
        var device = () => Settings.Parse(new[] { "e1", "--device", "cuda" }).Device();
        device.Should().Throw<ArgumentException>().WithMessage("*CUDA is not available here*-p:NetDslCuda=true*");
    }

    [Fact]
    public void Bad_options_are_refused_with_a_message()
    {
        var unknown = () => Settings.Parse(new[] { "e1", "--epoch", "3" });
        unknown.Should().Throw<ArgumentException>().WithMessage("Unrecognized command or argument '--epoch'.*");
        var negative = () => Settings.Parse(new[] { "e1", "--epochs", "-2" });
        negative.Should().Throw<ArgumentException>().WithMessage("--epochs needs a positive whole number, got '-2'.");
        var rate = () => Settings.Parse(new[] { "e1", "--lr", "fast" });
        rate.Should().Throw<ArgumentException>().WithMessage("--lr needs a number above 0, got 'fast'.");
        var progress = () => Settings.Parse(new[] { "e1", "--progress", "fancy" });
        progress.Should().Throw<ArgumentException>().WithMessage("--progress is auto, bar, lines, epochs or none, got 'fancy'.");
        var size = () => Settings.Parse(new[] { "b", "--image-size", "64" });
        size.Should().Throw<ArgumentException>().WithMessage("*32 or 224*");
        var lonely = () => Settings.Parse(new[] { "e1", "--idx-train", "a", "b" });
        lonely.Should().Throw<ArgumentException>().WithMessage("*go together*");
        var both = () => Settings.Parse(new[] { "e1", "--mnist", "m", "--idx-train", "a", "b", "--idx-test", "c", "d" });
        both.Should().Throw<ArgumentException>().WithMessage("*give one*");
    }

    [Fact]
    public void The_program_refuses_a_bad_option_value_with_one_line_and_exit_code_2()
    {
        var entry = typeof(Settings).Assembly.EntryPoint!;
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var code = (int)entry.Invoke(null, new object[] { new[] { "b", "--image-size", "64" } })!;
            code.Should().Be(2);
        }
        finally
        {
            Console.SetError(previous);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("error: --image-size is 32 or 224 (the sizes the networks are declared for), got '64'.");
        lines.Should().HaveCount(2, "the error, then where the help is");
    }

    [Fact]
    public void Settings_parse_every_option_into_its_value()
    {
        var settings = Settings.Parse(new[] { "b", "--epochs", "3", "--train-samples", "100", "--batch-size", "16", "--lr", "0.02", "--image-size", "224",
            "--dataset", "mnist", "--full", "--bn-momentum", "0.99", "--repeats", "2", "--resume", "--seed", "7", "--progress", "lines", "--output", "out" });
        settings.Should().BeEquivalentTo(new Settings
        {
            Epochs = 3, TrainSamples = 100, BatchSize = 16, LearningRate = 0.02, ImageSize = 224, Dataset = "mnist", Full = true, BatchNormMomentum = 0.99,
            Repeats = 2, Resume = true, Seed = 7, Progress = ProgressMode.Lines, Output = "out",
        });
    }

    [Fact]
    public void E2_saves_checkpoints_that_reload_to_the_same_accuracy()
    {
        MlpExperiments.E2(Smoke());
        Report("e2");
        var results = File.ReadAllLines(Path.Combine(output, "e2", "results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        results.Should().HaveCount(2);
        foreach (var row in results)
        {
            row[^1].Should().Be(row[^2], "the reloaded checkpoint classifies the test set exactly as the trained model");
        }
        Directory.GetDirectories(Path.Combine(output, "e2", "checkpoints")).Should().HaveCount(2);
        File.ReadAllLines(Path.Combine(output, "e2", "steps.csv")).Length.Should().BeGreaterThan(2);
    }

    [Fact]
    public void B_records_the_regularization_loss_of_the_l1_and_l2_runs()
    {
        MobileNetExperiments.B(Smoke());
        var report = Report("b");
        report.Should().Contain("| L1(0.001) |").And.Contain("| seed L2(0.001) |");
        HistoryRows("b").Should().Be(3);
        File.Exists(Path.Combine(output, "b", "regularization-loss.png")).Should().BeTrue();
    }

    [Fact]
    public void C_tracks_the_watched_kernel_from_initialization()
    {
        MobileNetExperiments.C(Smoke());
        Report("c");
        var values = File.ReadAllLines(Path.Combine(output, "c", "kernel-values.csv"));
        values.Should().HaveCount(1 + 3 * 2, "three runs, epoch 0 and epoch 1");
        File.Exists(Path.Combine(output, "c", "kernel-norm.png")).Should().BeTrue();
    }

    [Fact]
    public void D_reports_the_best_epoch_of_both_placements()
    {
        MobileNetExperiments.D(Smoke());
        Report("d").Should().Contain("| BN after activation | 1 of 1 |");
        HistoryRows("d").Should().Be(2);
    }
}
