using System.Diagnostics;
using System.IO;
using FluentAssertions;
using NetDsl.Data;
using NetDsl.Samples.Models;
using NetDsl.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>
/// ResNet-18's trunk (the zoo's, with torchvision's keys) and a 10-class head on 32×32 RGB images: what fine-tuning
/// torchvision's weights on small images starts from.
/// </summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 32, 32)]
[ResNetTrunk(2, 2, 2, 2, false, Name = "trunk", Key = ""), Dense(10, Name = "fc")]
public partial class ResNet18At32Classes10 { }

/// <summary>The zoo trains: one epoch of ResNet-18 on the shipped Fashion-MNIST subset, as 32×32 RGB.</summary>
[Collection(TorchCollection.Name)]
public sealed class ZooTrainingTests
{
    private readonly ITestOutputHelper output;

    public ZooTrainingTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void One_epoch_of_ResNet18_on_the_shipped_Fashion_MNIST_at_32x32_beats_chance()
    {
        using var splits = DataSplits.LoadShipped(Path.Combine(DataTests.ShippedData(), "fashion-mnist"), "fashion");
        var transform = ImageTransforms.Compose(ImageTransforms.ScaleToUnit, ImageTransforms.Resize(32, 32), ImageTransforms.RepeatChannels(3));
        var (train, _, test) = splits.With(transform);
        random.manual_seed(11);
        using var model = new ResNet18At32Classes10();
        using var run = new TrainingRun("resnet18", model, OptimizerSpec.Adam(0.001));
        var stopwatch = Stopwatch.StartNew();
        var history = Trainer.Fit(run, train, null, new TrainingOptions
        {
            Epochs = 1, BatchSize = 64, EvaluationBatchSize = 500, Seed = 3, Progress = ProgressMode.None, Output = TextWriter.Null,
        });
        var evaluation = Trainer.Evaluate(model, test);
        output.WriteLine($"ResNet-18 at 32×32: one epoch on {train.Count:N0} Fashion-MNIST images, train loss {history.Last.TrainLoss:F3}, " +
            $"test accuracy {evaluation.Accuracy:P1} on {test.Count:N0}, {stopwatch.Elapsed.TotalSeconds:F0} s");
        double.IsFinite(history.Last.TrainLoss).Should().BeTrue();
        evaluation.Accuracy.Should().BeGreaterThan(0.3, "ten classes: chance is 10%");
    }
}
