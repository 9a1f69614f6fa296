using System;
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
/// The graph samples (ResNet, Inception, U-Net, SE-ResNet) train: one epoch on the first 4,000 training digits of the
/// shipped MNIST moves each well above chance on 1,000 test digits.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GraphTrainingTests
{
    private readonly ITestOutputHelper output;

    public GraphTrainingTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(typeof(SmallResNet))]
    [InlineData(typeof(SmallInception))]
    [InlineData(typeof(SmallUNet))]
    [InlineData(typeof(SmallSEResNet))]
    public void One_epoch_on_shipped_digits_beats_chance_by_far(Type network)
    {
        using var splits = DataSplits.LoadStandard(Path.Combine(DataTests.ShippedData(), "mnist"), "mnist");
        var (train, _, test) = splits.With(ImageTransforms.ScaleToUnit);
        using var trainSlice = train.Slice(0, 4000);
        using var testSlice = test.Slice(0, 1000);
        random.manual_seed(5);
        using var model = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(network, new object?[] { null })!;
        using var run = new TrainingRun(network.Name, model, OptimizerSpec.Adam(0.002));
        var stopwatch = Stopwatch.StartNew();
        var history = Trainer.Fit(run, trainSlice, null, new TrainingOptions
        {
            Epochs = 1, BatchSize = 32, EvaluationBatchSize = 250, Seed = 7, Progress = ProgressMode.None, Output = TextWriter.Null,
        });
        var evaluation = Trainer.Evaluate(model, testSlice);
        output.WriteLine($"{network.Name}: train loss {history.Last.TrainLoss:F3}, test accuracy {evaluation.Accuracy:P1} in {stopwatch.Elapsed.TotalSeconds:F1} s");
        double.IsFinite(history.Last.TrainLoss).Should().BeTrue();
        evaluation.Accuracy.Should().BeGreaterThan(0.5, "ten classes: chance is 10%");
    }
}
