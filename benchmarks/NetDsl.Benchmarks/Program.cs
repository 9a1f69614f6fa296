using System;
using System.CommandLine;
using System.Globalization;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Benchmarks;

// NetDsl's benchmarks (docs/benchmarks.md): with no command, the Trainer against a plain TorchSharp loop; `zoo`, the
// zoo's generated models against TorchSharp's torchvision port.
var epochs = new Argument<int>("epochs")
{
    Description = "Epochs per measurement of the Trainer benchmark (the first is warm-up)",
    Arity = ArgumentArity.ZeroOrOne,
    DefaultValueFactory = _ => 5,
};
var root = new RootCommand("NetDsl's benchmarks (docs/benchmarks.md). With no command: the Trainer against a plain TorchSharp loop.") { epochs };
root.SetAction(result => TrainingBenchmark.Run(result.GetValue(epochs)));

var repeats = Positive("--repeats", "Measured rounds per model and step (30 for steadier figures)", 10);
var warmup = Positive("--warmup", "Rounds run first and not counted", 2, allowZero: true);
var threads = Positive("--threads", "libtorch's intra-op threads (1 for the figures in docs/benchmarks.md)", 1);
var batch = Positive("--batch", "Images per batch, each 3×224×224", 8);
var models = new Option<string[]>("--models")
{
    Description = "Models to compare",
    AllowMultipleArgumentsPerToken = true,
    DefaultValueFactory = _ => ZooBenchmark.Names.ToArray(),
};
models.AcceptOnlyFromAmong(ZooBenchmark.Names.ToArray());
var zoo = new Command("zoo", "The zoo's generated models against TorchSharp's torchvision port: eval forward and an SGD training step, interleaved")
{
    repeats, warmup, threads, batch, models,
};
zoo.SetAction(result => ZooBenchmark.Run(new ZooBenchmarkSettings(result.GetValue(models)!, result.GetValue(repeats), result.GetValue(warmup),
    result.GetValue(threads), result.GetValue(batch))));
root.Subcommands.Add(zoo);

var references = new Option<string>("--references")
{
    Description = "The folder of PyTorch's own exports, written by /usr/bin/python3 benchmarks/onnx/export_torchvision.py FOLDER",
    HelpName = "FOLDER",
    DefaultValueFactory = _ => System.IO.Path.Combine("artifacts", "benchmarks", "torchvision-onnx"),
};
var onnxModels = new Option<string[]>("--models")
{
    Description = "Models to compare",
    AllowMultipleArgumentsPerToken = true,
    DefaultValueFactory = _ => OnnxBenchmark.Names.ToArray(),
};
onnxModels.AcceptOnlyFromAmong(OnnxBenchmark.Names.ToArray());
var batches = PositiveList("--batches", "Batch sizes, each image 3×224×224", 1, 8, 32);
var threadCounts = PositiveList("--thread-counts", "Intra-op threads of ONNX Runtime and libtorch", 1, 2);
var onnxRepeats = Positive("--repeats", "Measured rounds per configuration", 5);
var onnxWarmup = Positive("--warmup", "Rounds run first and not counted", 2, allowZero: true);
var onnx = new Command("onnx", "ONNX Runtime on NetDsl's export against ONNX Runtime on PyTorch's torch.onnx export of torchvision's model, and the generated TorchSharp eval")
{
    references, onnxModels, batches, threadCounts, onnxRepeats, onnxWarmup,
};
onnx.SetAction(result => OnnxBenchmark.Run(new OnnxBenchmarkSettings(result.GetValue(references)!, result.GetValue(onnxModels)!, result.GetValue(batches)!,
    result.GetValue(threadCounts)!, result.GetValue(onnxRepeats), result.GetValue(onnxWarmup))));
root.Subcommands.Add(onnx);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }
    Console.Error.WriteLine("See NetDsl.Benchmarks --help (or zoo --help).");
    return 2;
}
return parsed.Invoke();

static Option<int> Positive(string name, string description, int fallback, bool allowZero = false) => new(name)
{
    Description = description,
    HelpName = "N",
    DefaultValueFactory = _ => fallback,
    CustomParser = r =>
    {
        if (int.TryParse(r.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && (n > 0 || (allowZero && n == 0)))
        {
            return n;
        }
        r.AddError($"{name} needs a {(allowZero ? "non-negative" : "positive")} whole number, got '{r.Tokens.Single().Value}'.");
        return 0;
    },
};

static Option<int[]> PositiveList(string name, string description, params int[] fallback) => new(name)
{
    Description = description,
    HelpName = "N",
    AllowMultipleArgumentsPerToken = true,
    DefaultValueFactory = _ => fallback,
    CustomParser = r =>
    {
        var values = new List<int>();
        foreach (var token in r.Tokens)
        {
            if (!int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                r.AddError($"{name} needs positive whole numbers, got '{token.Value}'.");
                return fallback;
            }
            values.Add(n);
        }
        return values.ToArray();
    },
};
