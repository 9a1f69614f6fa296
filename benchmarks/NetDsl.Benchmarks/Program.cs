using System;
using System.CommandLine;
using System.Globalization;
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
