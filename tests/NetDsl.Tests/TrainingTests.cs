using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FluentAssertions;
using NetDsl.Data;
using NetDsl.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

[Collection(TorchCollection.Name)]
public sealed class TrainingTests
{
    /// <summary>Four Gaussian blobs in 2D, one per class: separable, so a small MLP should fit it.</summary>
    internal static Dataset Blobs(int count, long seed)
    {
        var generator = new Random((int)seed);
        var features = new float[count * 2];
        var labels = new long[count];
        var centres = new[] { (-2f, -2f), (2f, -2f), (-2f, 2f), (2f, 2f) };
        for (var i = 0; i < count; i++)
        {
            var c = i % 4;
            labels[i] = c;
            features[2 * i] = centres[c].Item1 + (float)(generator.NextDouble() - 0.5) * 1.6f;
            features[2 * i + 1] = centres[c].Item2 + (float)(generator.NextDouble() - 0.5) * 1.6f;
        }
        return new Dataset("blobs", tensor(features, new long[] { count, 2 }), tensor(labels));
    }

    private static TrainingOptions Quiet(int epochs, long seed = 3) =>
        new() { Epochs = epochs, BatchSize = 16, EvaluationBatchSize = 64, Seed = seed, Progress = ProgressMode.None, Output = TextWriter.Null };

    private static T Seeded<T>(Func<T> create, long seed = 11)
    {
        random.manual_seed(seed);
        return create();
    }

    [Fact]
    public void Trainer_fits_a_small_synthetic_set_above_95_percent()
    {
        using var train = Blobs(400, 1);
        using var model = Seeded(() => new BlobNet());
        using var run = new TrainingRun("blob", model, OptimizerSpec.Adam(0.01));
        var history = Trainer.Fit(run, train, null, Quiet(15));

        history.Epochs.Should().HaveCount(15);
        Trainer.Evaluate(model, train).Accuracy.Should().BeGreaterThan(0.95);
        history.Last.TrainAccuracy.Should().BeGreaterThan(0.95);
        history.Last.TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void Sgd_also_trains()
    {
        using var train = Blobs(400, 2);
        using var model = Seeded(() => new BlobNet());
        using var run = new TrainingRun("sgd", model, OptimizerSpec.Sgd(0.1, momentum: 0.9));
        Trainer.Fit(run, train, null, Quiet(10));
        Trainer.Evaluate(model, train).Accuracy.Should().BeGreaterThan(0.95);
    }

    [Fact]
    public void History_numbers_equal_a_recomputation()
    {
        using var train = Blobs(200, 3);
        using var validation = Blobs(100, 4);
        using var model = Seeded(() => new RegularizedBlobNet());
        var batches = new List<BatchResult>();
        using var run = new TrainingRun("r", model, OptimizerSpec.Adam(0.01), new LambdaCallback { BatchEnd = (_, b) => batches.Add(b) });
        var history = Trainer.Fit(run, train, validation, Quiet(3) with { EvaluateTrainingSet = true });

        var last = history.Last;
        var val = Trainer.Evaluate(model, validation, 7);
        var trainEval = Trainer.Evaluate(model, train, 13);
        last.ValidationLoss.Should().BeApproximately(val.Loss, 1e-5);
        last.ValidationAccuracy.Should().Be(val.Accuracy);
        last.TrainEvalLoss.Should().BeApproximately(trainEval.Loss, 1e-5);
        last.TrainEvalAccuracy.Should().Be(trainEval.Accuracy);
        last.RegularizationLoss.Should().BeApproximately(((IRegularizedModule)model).RegularizationLoss().item<float>(), 1e-5);
        val.Loss.Should().BeApproximately(val.CrossEntropy + val.RegularizationLoss, 1e-9);

        // Training loss and accuracy: the size-weighted means of what the batches reported in that epoch.
        var epoch3 = batches.Where(b => b.Epoch == 3).ToList();
        epoch3.Sum(b => b.Size).Should().Be(200);
        last.TrainLoss.Should().BeApproximately(epoch3.Sum(b => b.Loss * b.Size) / 200, 1e-9);
        last.TrainAccuracy.Should().Be(epoch3.Sum(b => b.Correct) / 200.0);

        // Cross-entropy recomputed by hand over the whole validation set, in eval mode.
        model.eval();
        using (no_grad())
        {
            var logits = model.forward(validation.Features);
            var ce = nn.functional.cross_entropy(logits, validation.Labels).item<float>();
            val.CrossEntropy.Should().BeApproximately(ce, 1e-5);
        }
    }

    [Fact]
    public void Evaluation_uses_eval_mode_and_restores_the_mode()
    {
        using var data = Blobs(64, 5);
        using var model = Seeded(() => new BlobNet());
        var runningMean = model.named_buffers().First(b => b.name.EndsWith("running_mean", StringComparison.Ordinal)).buffer;
        var before = runningMean.data<float>().ToArray();
        model.train();
        var first = Trainer.Evaluate(model, data);
        var second = Trainer.Evaluate(model, data);
        first.Should().Be(second, "Dropout is off and BatchNorm uses its running statistics in eval mode");
        model.training.Should().BeTrue();
        runningMean.data<float>().ToArray().Should().Equal(before, "evaluation does not update BatchNorm's running statistics");

        using var run = new TrainingRun("m", model, OptimizerSpec.Sgd(0.01));
        Trainer.Fit(run, data, null, Quiet(1));
        runningMean.data<float>().ToArray().Should().NotEqual(before, "training does");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Networks_declared_with_glorot_initialization_start_with_keras_weights(bool variant)
    {
        random.manual_seed(4);
        using nn.Module<Tensor, Tensor> model = variant ? new GlorotL2Net() : new GlorotNet();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var limit1 = Math.Sqrt(6.0 / (100 + 50));
        var w1 = parameters["dense_1.weight"].data<float>().ToArray();
        w1.Should().OnlyContain(v => Math.Abs(v) <= limit1);
        w1.Max().Should().BeGreaterThan((float)(0.9 * limit1), "Glorot-uniform fills its whole range");
        parameters["dense_1.bias"].data<float>().ToArray().Should().OnlyContain(v => v == 0);
        parameters["dense_2.bias"].data<float>().ToArray().Should().OnlyContain(v => v == 0);

        using var torchDefault = new TorchInitNet();
        var torchWeights = torchDefault.named_parameters().First(p => p.name == "dense_1.weight").parameter.data<float>().ToArray();
        torchWeights.Max().Should().BeLessThan((float)(Math.Sqrt(1.0 / 100) + 1e-6), "TorchSharp's default is Kaiming-uniform with bound 1/√fan_in");
        torchDefault.named_parameters().First(p => p.name == "dense_1.bias").parameter.data<float>().ToArray().Should().Contain(v => v != 0);
    }

    [Fact]
    public void Any_torchsharp_module_trains_not_only_generated_ones()
    {
        using var train = Blobs(200, 16);
        random.manual_seed(3);
        using var model = nn.Sequential(("hidden", nn.Linear(2, 16)), ("relu", nn.ReLU()), ("out", nn.Linear(16, 4)));
        using var run = new TrainingRun("sequential", model, OptimizerSpec.Adam(0.02), new RegularizationLossRecorder(), new KernelWatcher("hidden", 4, print: false));
        var history = Trainer.Fit(run, train, train, Quiet(10));
        history.Last.ValidationAccuracy.Should().BeGreaterThan(0.95);
        history.Epochs.Should().OnlyContain(e => e.RegularizationLoss == 0);
    }

    [Fact]
    public void Callbacks_are_called_in_order_and_side_by_side_runs_alternate_per_batch()
    {
        using var train = Blobs(40, 6);
        var events = new List<string>();
        LambdaCallback Log(string name) => new()
        {
            TrainBegin = _ => events.Add($"{name} train-begin"),
            EpochBegin = (_, e) => events.Add($"{name} epoch-begin {e}"),
            BatchEnd = (_, b) => events.Add($"{name} batch {b.Epoch}.{b.Batch}"),
            EpochEnd = (c, r) => events.Add($"{name} epoch-end {r.Epoch} history {c.History.Epochs.Count}"),
            TrainEnd = _ => events.Add($"{name} train-end"),
        };
        using var a = Seeded(() => new BlobNet());
        using var b = Seeded(() => new BlobNet());
        using var runA = new TrainingRun("a", a, OptimizerSpec.Adam(0.01), Log("a"));
        using var runB = new TrainingRun("b", b, OptimizerSpec.Adam(0.01), Log("b"));
        Trainer.Fit(new[] { runA, runB }, train, null, Quiet(2) with { BatchSize = 20 });

        events.Should().Equal(
            "a train-begin", "b train-begin",
            "a epoch-begin 1", "b epoch-begin 1",
            "a batch 1.0", "b batch 1.0", "a batch 1.1", "b batch 1.1",
            "a epoch-end 1 history 1", "b epoch-end 1 history 1",
            "a epoch-begin 2", "b epoch-begin 2",
            "a batch 2.0", "b batch 2.0", "a batch 2.1", "b batch 2.1",
            "a epoch-end 2 history 2", "b epoch-end 2 history 2",
            "a train-end", "b train-end");
    }

    [Fact]
    public void Side_by_side_runs_see_the_same_batches_as_a_run_alone()
    {
        using var train = Blobs(96, 7);
        using var alone = Seeded(() => new PlainBlobNet());
        using var together = Seeded(() => new PlainBlobNet());
        using var other = Seeded(() => new RegularizedBlobNet());
        using var aloneRun = new TrainingRun("x", alone, OptimizerSpec.Adam(0.01));
        using var togetherRun = new TrainingRun("x", together, OptimizerSpec.Adam(0.01));
        using var otherRun = new TrainingRun("y", other, OptimizerSpec.Sgd(0.05));
        var a = Trainer.Fit(aloneRun, train, train, Quiet(3));
        var t = Trainer.Fit(new[] { togetherRun, otherRun }, train, train, Quiet(3));

        t[0].Epochs.Select(e => e with { Seconds = 0 }).Should().Equal(a.Epochs.Select(e => e with { Seconds = 0 }));
        t[1].Epochs.Should().HaveCount(3);
    }

    [Fact]
    public void Regularization_loss_recorder_equals_RegularizationLoss()
    {
        using var train = Blobs(128, 8);
        using var model = Seeded(() => new RegularizedBlobNet());
        var recorder = new RegularizationLossRecorder();
        using var run = new TrainingRun("reg", model, OptimizerSpec.Sgd(0.05), recorder);
        var history = Trainer.Fit(run, train, null, Quiet(3));

        recorder.Values.Should().HaveCount(3);
        recorder.Values.Should().OnlyContain(v => v > 0);
        recorder.Values[^1].Should().BeApproximately(((IRegularizedModule)model).RegularizationLoss().item<float>(), 1e-6);
        recorder.Values.Should().Equal(history.Epochs.Select(e => e.RegularizationLoss));
        recorder.Values[0].Should().NotBe(recorder.Values[2], "the weights change between epochs");
    }

    [Fact]
    public void Kernel_watcher_prints_the_first_values_of_a_named_layer_every_epoch()
    {
        using var train = Blobs(64, 9);
        using var model = Seeded(() => new BlobNet());
        var output = new StringWriter();
        var watcher = new KernelWatcher("dense_1", 5);
        using var run = new TrainingRun("k", model, OptimizerSpec.Adam(0.05), watcher);
        Trainer.Fit(run, train, null, Quiet(2) with { Output = output, Progress = ProgressMode.EpochsOnly });

        watcher.Snapshots.Select(s => s.Epoch).Should().Equal(0, 1, 2);
        watcher.Snapshots[^1].Values.Should().Equal(model.named_parameters().First(p => p.name == "dense_1.weight").parameter.detach().flatten().data<float>().Take(5));
        watcher.Snapshots[0].Values.Should().NotEqual(watcher.Snapshots[2].Values);
        output.ToString().Should().Contain("k epoch 2 dense_1[:5] = [");
        var find = () => Weights.Find(model, "missing");
        find.Should().Throw<ArgumentException>().WithMessage("*no parameter or layer named 'missing'*dense_1.weight*");
    }

    [Fact]
    public void Same_seed_gives_the_same_history()
    {
        History Train()
        {
            using var train = Blobs(120, 10);
            using var validation = Blobs(40, 11);
            using var model = Seeded(() => new RegularizedBlobNet());
            using var run = new TrainingRun("s", model, OptimizerSpec.Adam(0.01));
            return Trainer.Fit(run, train, validation, Quiet(3));
        }
        var first = Train().Epochs.Select(e => e with { Seconds = 0 }).ToList();
        var second = Train().Epochs.Select(e => e with { Seconds = 0 }).ToList();
        second.Should().Equal(first);
    }

    [Fact]
    public void Different_seeds_shuffle_differently_and_each_epoch_has_its_own_order()
    {
        var a = Trainer.Permutation(50, 1, 1);
        a.Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => (long)i));
        Trainer.Permutation(50, 1, 1).Should().Equal(a);
        Trainer.Permutation(50, 2, 1).Should().NotEqual(a);
        Trainer.Permutation(50, 1, 2).Should().NotEqual(a);
    }

    [Fact]
    public void Live_tensor_count_does_not_grow_from_epoch_to_epoch()
    {
        using var train = Blobs(160, 12);
        using var validation = Blobs(48, 13);
        using var model = Seeded(() => new RegularizedBlobNet());
        var live = new List<long>();
        using var run = new TrainingRun("leak", model, OptimizerSpec.Adam(0.01),
            new RegularizationLossRecorder(), new KernelWatcher("dense_2", print: false),
            new LambdaCallback { EpochEnd = (_, _) => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount) });
        Trainer.Fit(run, train, validation, Quiet(5) with { EvaluateTrainingSet = true });

        live.Should().HaveCount(5);
        live.Skip(1).Should().AllBeEquivalentTo(live[1], $"live tensors after each epoch were {string.Join(", ", live)}");
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        using var train = Blobs(8, 14);
        using var a = Seeded(() => new BlobNet());
        using var run = new TrainingRun("a", a, OptimizerSpec.Adam(0.01));
        using var twin = new TrainingRun("a", a, OptimizerSpec.Adam(0.01));
        var duplicate = () => Trainer.Fit(new[] { run, twin }, train, null, Quiet(1));
        duplicate.Should().Throw<ArgumentException>().WithMessage("*distinct names*");
        var zeroBatch = () => Trainer.Fit(run, train, null, Quiet(1) with { BatchSize = 0 });
        zeroBatch.Should().Throw<ArgumentException>().WithMessage("*positive*");
    }

    [Fact]
    public void Progress_is_a_bar_on_a_terminal_and_plain_lines_when_redirected()
    {
        using var train = Blobs(64, 15);
        string Run(ProgressMode mode)
        {
            using var model = Seeded(() => new BlobNet());
            using var run = new TrainingRun("p", model, OptimizerSpec.Adam(0.01));
            var output = new StringWriter();
            Trainer.Fit(run, train, null, Quiet(1) with { BatchSize = 4, Progress = mode, ProgressInterval = 0, Output = output });
            return output.ToString();
        }
        var bar = Run(ProgressMode.Bar);
        // Spectre.Console draws in place with ANSI cursor movement, then clears the bar; the epoch summary stays.
        bar.Should().Contain("\u001b[").And.Contain("epoch 1 loss").And.Contain("100%").And.Contain("epoch 1/1 p: loss");
        var lines = Run(ProgressMode.Lines);
        lines.Should().NotContain("\r").And.Contain("epoch 1 batch 1/16 (6%) loss").And.Contain("ETA");
        Run(ProgressMode.None).Should().BeEmpty();
        Training.ProgressReporter.Resolve(new StringWriter()).Should().Be(ProgressMode.Lines);
    }
}
