using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using NetDsl.Training;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

[Collection(TorchCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "netdsl-checkpoint-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static TrainingOptions Quiet(int epochs) =>
        new() { Epochs = epochs, BatchSize = 16, Seed = 5, Progress = ProgressMode.None, Output = TextWriter.Null };

    private static T Seeded<T>(Func<T> create, long seed)
    {
        random.manual_seed(seed);
        return create();
    }

    private static float[] Snapshot(nn.Module model) =>
        model.state_dict().Values.SelectMany(t => t.to_type(ScalarType.Float32).flatten().data<float>().ToArray()).ToArray();

    [Fact]
    public void Round_trip_gives_identical_outputs()
    {
        using var train = TrainingTests.Blobs(64, 1);
        using var trained = Seeded(() => new BlobNet(), 1);
        using var run = new TrainingRun("a", trained, OptimizerSpec.Adam(0.01));
        Trainer.Fit(run, train, null, Quiet(2));
        var path = Path.Combine(directory, "blob.dat");
        Checkpoint.SaveWeights(trained, path);

        using var fresh = Seeded(() => new BlobNet(), 99);
        Snapshot(fresh).Should().NotEqual(Snapshot(trained));
        Checkpoint.LoadWeights(fresh, path);
        Snapshot(fresh).Should().Equal(Snapshot(trained), "parameters and BatchNorm running statistics are restored");
        trained.eval();
        fresh.eval();
        using var x = randn(10, 2);
        fresh.forward(x).data<float>().ToArray().Should().Equal(trained.forward(x).data<float>().ToArray());
        Checkpoint.ReadEntries(path).Select(e => e.ToString()).Should().Contain("dense_1.weight Float32 [32, 2]");
    }

    [Fact]
    public void Resuming_from_a_checkpoint_continues_exactly_as_an_uninterrupted_run()
    {
        using var train = TrainingTests.Blobs(96, 2);
        using var validation = TrainingTests.Blobs(32, 3);
        using var straight = Seeded(() => new RegularizedBlobNet(), 7);
        using var straightRun = new TrainingRun("r", straight, OptimizerSpec.Adam(0.01));
        var expected = Trainer.Fit(straightRun, train, validation, Quiet(4)).Epochs.Select(e => e with { Seconds = 0 }).ToList();

        var saved = Path.Combine(directory, "run");
        using (var first = Seeded(() => new RegularizedBlobNet(), 7))
        using (var firstRun = new TrainingRun("r", first, OptimizerSpec.Adam(0.01), new CheckpointEveryEpoch(saved)))
        {
            Trainer.Fit(firstRun, train, validation, Quiet(2));
        }
        using var resumed = Seeded(() => new RegularizedBlobNet(), 1234);
        using var resumedRun = new TrainingRun("r", resumed, OptimizerSpec.Adam(0.01));
        Checkpoint.Resume(resumedRun, saved);
        resumedRun.History.Epochs.Should().HaveCount(2);
        var history = Trainer.Fit(resumedRun, train, validation, Quiet(4));

        history.Epochs.Select(e => e with { Seconds = 0 }).Should().Equal(expected);
        Snapshot(resumed).Should().Equal(Snapshot(straight));
    }

    [Fact]
    public void A_checkpoint_of_another_shape_is_refused_naming_the_tensor_and_nothing_is_overwritten()
    {
        var path = Path.Combine(directory, "narrow.dat");
        using (var narrow = Seeded(() => new NarrowBlobNet(), 1))
        {
            Checkpoint.SaveWeights(narrow, path);
        }
        using var model = Seeded(() => new BlobNet(), 2);
        var before = Snapshot(model);
        var load = () => Checkpoint.LoadWeights(model, path);
        load.Should().Throw<CheckpointException>()
            .WithMessage("*narrow.dat does not fit 'BlobNet': tensor 'dense_1.weight' is Float32 [16, 2] in the checkpoint but Float32 [32, 2] in the model.");
        Snapshot(model).Should().Equal(before);
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_is_refused_naming_the_missing_tensor()
    {
        var path = Path.Combine(directory, "plain.dat");
        using (var plain = Seeded(() => new PlainBlobNet(), 1))
        {
            Checkpoint.SaveWeights(plain, path);
        }
        using var model = Seeded(() => new BlobNet(), 2);
        var before = Snapshot(model);
        var load = () => Checkpoint.LoadWeights(model, path);
        load.Should().Throw<CheckpointException>().WithMessage("*plain.dat does not fit 'BlobNet': tensor 'batch_norm_1.weight' Float32 [32] is missing from the checkpoint*");
        Snapshot(model).Should().Equal(before);

        // The other way round: a tensor the model does not have.
        using var plainModel = Seeded(() => new PlainBlobNet(), 3);
        var blobPath = Path.Combine(directory, "blob.dat");
        Checkpoint.SaveWeights(model, blobPath);
        var reverse = () => Checkpoint.LoadWeights(plainModel, blobPath);
        reverse.Should().Throw<CheckpointException>().WithMessage("*does not fit 'PlainBlobNet': tensor 'dense_1.bias' Float32 [32] is missing*");
    }

    [Fact]
    public void Truncated_and_garbage_files_are_refused_with_clear_errors()
    {
        var path = Path.Combine(directory, "good.dat");
        using var model = Seeded(() => new BlobNet(), 1);
        Checkpoint.SaveWeights(model, path);
        var bytes = File.ReadAllBytes(path);
        var truncated = Path.Combine(directory, "truncated.dat");
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length - 10).ToArray());
        var before = Snapshot(model);

        var loadTruncated = () => Checkpoint.LoadWeights(model, truncated);
        loadTruncated.Should().Throw<CheckpointException>().WithMessage("*truncated.dat: truncated*");
        Snapshot(model).Should().Equal(before);

        var garbage = Path.Combine(directory, "garbage.dat");
        File.WriteAllText(garbage, "this is not a checkpoint at all, just some text that goes on");
        var loadGarbage = () => Checkpoint.LoadWeights(model, garbage);
        loadGarbage.Should().Throw<CheckpointException>().WithMessage("*garbage.dat*");

        var missing = () => Checkpoint.LoadWeights(model, Path.Combine(directory, "none.dat"));
        missing.Should().Throw<CheckpointException>().WithMessage("*none.dat: the checkpoint file does not exist.");
    }

    [Fact]
    public void Resume_refuses_another_run_and_a_directory_without_a_checkpoint()
    {
        using var train = TrainingTests.Blobs(32, 4);
        var saved = Path.Combine(directory, "a");
        using var model = Seeded(() => new BlobNet(), 1);
        using var run = new TrainingRun("a", model, OptimizerSpec.Adam(0.01), new CheckpointEveryEpoch(saved));
        Trainer.Fit(run, train, null, Quiet(1));

        using var other = new TrainingRun("b", model, OptimizerSpec.Adam(0.01));
        var wrongRun = () => Checkpoint.Resume(other, saved);
        wrongRun.Should().Throw<CheckpointException>().WithMessage("*holds run 'a', not 'b'*");
        var empty = () => Checkpoint.Resume(other, Path.Combine(directory, "nothing"));
        empty.Should().Throw<CheckpointException>().WithMessage("*not a checkpoint directory*");
    }

    [Fact]
    public void Saving_replaces_a_checkpoint_only_when_the_new_file_is_complete()
    {
        var path = Path.Combine(directory, "w.dat");
        using var model = Seeded(() => new BlobNet(), 1);
        Checkpoint.SaveWeights(model, path);
        Checkpoint.SaveWeights(model, path);
        Directory.GetFiles(directory).Should().Equal(path);
    }
}
