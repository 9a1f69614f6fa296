using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NetDsl.Training;

namespace NetDsl.Experiments;

/// <summary>Command-line settings shared by the experiments; null means "the experiment's default".</summary>
internal sealed record Settings
{
    public string Output { get; init; } = Path.Combine("artifacts", "experiments");
    public string Data { get; init; } = Path.Combine(AppContext.BaseDirectory, "data");
    public int? Epochs { get; init; }
    public int? TrainSamples { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public int? ImageSize { get; init; }
    public string? Dataset { get; init; }
    public bool Full { get; init; }
    public bool Smoke { get; init; }
    public long Seed { get; init; } = 1;
    public double? BatchNormMomentum { get; init; }
    public int? Repeats { get; init; }
    public bool Resume { get; init; }
    public string DeviceName { get; init; } = "cpu";
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;
    public (string Images, string Labels)? IdxTrain { get; init; }
    public (string Images, string Labels)? IdxTest { get; init; }
    public string? Mnist { get; init; }

    public const string Usage = """
        usage: NetDsl.Experiments <e1|e2|b|c|d|all> [options]

        experiments (seed write-ups in docs/experiments.md):
          e1   BatchNorm vs no BatchNorm, small MLP on MNIST, side by side
          e2   Dropout MLP vs BatchNorm MLP on MNIST, checkpoint saved
          b    MobileNetV2: no regularizer vs L1(0.001) vs L2(0.001), regularization loss per epoch
          c    MobileNetV2: BN only vs L2 only vs BN + L2, kernel values and norm per epoch
          d    MobileNetV2: BatchNorm before vs after the activation
          all  all five, one after the other

        options:
          --output DIR           where tables, CSV/JSON and PNG plots go (default artifacts/experiments)
          --epochs N             epochs (default: e1/e2 10, b/c 6, d 8)
          --train-samples N      training samples used (default: e1/e2 all 55,000, b/c/d 3,000)
          --batch-size N         batch size (default: the seed's)
          --lr X                 learning rate (default: the seed's, or 0.05 for the MobileNetV2 runs)
          --image-size 32|224    MobileNetV2 input size (default 32)
          --dataset mnist|fashion  data for b/c/d: the 10k subsets (default fashion; e1/e2 use the whole MNIST)
          --full                 the seeds' settings: 224×224, every training sample, 10 epochs (100 for d)
          --smoke                tiny sizes, to check that everything runs (used by CI)
          --bn-momentum X        BatchNorm momentum, Keras' meaning, for b/c/d (default 0.9; the seed's 0.99 with --full)
          --repeats N            e1: also train with seeds seed+1 … seed+N−1 and report the spread (default 1; 5 for the table in docs)
          --resume               b/c/d: continue each run from its checkpoint in the output folder (saved every epoch)
          --device cpu|cuda[:N]  where to train (cuda needs the CUDA build: -p:NetDslCuda=true, docs/gpu.md)
          --seed N               seed of weights, shuffling and dropout (default 1)
          --progress auto|bar|lines|epochs|none
          --mnist DIR            e1/e2: the four standard MNIST files in DIR (plain or .gz) instead of the shipped copy
          --idx-train IMAGES LABELS   IDX files to train on instead of the shipped set (last 10% validate)
          --idx-test IMAGES LABELS    IDX files to test on
          --data DIR             folder of the shipped data sets (default: next to the program)
        """;

    /// <summary>The TorchSharp device; refuses CUDA where it is not available, saying why.</summary>
    public TorchSharp.torch.Device Device()
    {
        if (DeviceName != "cpu" && !TorchSharp.torch.cuda.is_available())
        {
            throw new ArgumentException($"--device {DeviceName}: CUDA is not available here. It needs an NVIDIA GPU and the CUDA build of libtorch: " +
                "build with -p:NetDslCuda=true (docs/gpu.md).");
        }
        return TorchSharp.torch.device(DeviceName);
    }

    public static Settings Parse(IReadOnlyList<string> args, int start)
    {
        var s = new Settings();
        for (var i = start; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{args[i - 1]} needs a positive whole number, got '{args[i]}'.");
            s = args[i] switch
            {
                "--output" => s with { Output = Next() },
                "--data" => s with { Data = Next() },
                "--epochs" => s with { Epochs = NextInt() },
                "--train-samples" => s with { TrainSamples = NextInt() },
                "--batch-size" => s with { BatchSize = NextInt() },
                "--lr" => s with { LearningRate = double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) && lr > 0 ? lr : throw new ArgumentException($"--lr needs a positive number, got '{args[i]}'.") },
                "--image-size" => s with { ImageSize = NextInt() is var size && (size == 32 || size == 224) ? size : throw new ArgumentException($"--image-size is 32 or 224 (the sizes the networks are declared for), got {size}.") },
                "--dataset" => s with { Dataset = Next() is var d && (d == "mnist" || d == "fashion") ? d : throw new ArgumentException($"--dataset is mnist or fashion, got '{d}'.") },
                "--full" => s with { Full = true },
                "--smoke" => s with { Smoke = true },
                "--seed" => s with { Seed = NextInt() },
                "--repeats" => s with { Repeats = NextInt() },
                "--resume" => s with { Resume = true },
                "--device" => s with { DeviceName = Next() is var device && (device == "cpu" || device.StartsWith("cuda", StringComparison.Ordinal)) ? device : throw new ArgumentException($"--device is cpu or cuda[:N], got '{device}'.") },
                "--bn-momentum" => s with { BatchNormMomentum = double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0 && m < 1 ? m : throw new ArgumentException($"--bn-momentum is in [0, 1), got '{args[i]}'.") },
                "--progress" => s with { Progress = Next() switch
                {
                    "auto" => ProgressMode.Auto,
                    "bar" => ProgressMode.Bar,
                    "lines" => ProgressMode.Lines,
                    "epochs" => ProgressMode.EpochsOnly,
                    "none" => ProgressMode.None,
                    var p => throw new ArgumentException($"--progress is auto, bar, lines, epochs or none, got '{p}'."),
                } },
                "--idx-train" => s with { IdxTrain = (Next(), Next()) },
                "--idx-test" => s with { IdxTest = (Next(), Next()) },
                "--mnist" => s with { Mnist = Next() },
                var unknown => throw new ArgumentException($"unknown option '{unknown}'."),
            };
        }
        if (s.IdxTrain is null != s.IdxTest is null)
        {
            throw new ArgumentException("--idx-train and --idx-test go together.");
        }
        if (s.Mnist is not null && s.IdxTrain is not null)
        {
            throw new ArgumentException("--mnist and --idx-train/--idx-test both name the data: give one.");
        }
        return s;
    }
}
