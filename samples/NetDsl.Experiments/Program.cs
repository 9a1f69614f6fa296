using System;
using System.Diagnostics;
using System.Globalization;
using NetDsl.Data;
using NetDsl.Experiments;
using NetDsl.Training;

if (args.Length >= 3 && args[0] == "import-npm")
{
    NpmImport.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : int.MaxValue);
    return 0;
}
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Settings.Usage);
    return args.Length == 0 ? 2 : 0;
}

Settings settings;
try
{
    settings = Settings.Parse(args, 1);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Settings.Usage);
    return 2;
}

var experiments = new (string Id, Action<Settings> Run)[]
{
    ("e1", MlpExperiments.E1),
    ("e2", MlpExperiments.E2),
    ("b", MobileNetExperiments.B),
    ("c", MobileNetExperiments.C),
    ("d", MobileNetExperiments.D),
};
var selected = Array.FindAll(experiments, e => args[0] == "all" || e.Id == args[0]);
if (selected.Length == 0)
{
    Console.Error.WriteLine($"error: unknown experiment '{args[0]}'.");
    Console.Error.WriteLine(Settings.Usage);
    return 2;
}
try
{
    foreach (var (id, run) in selected)
    {
        var clock = Stopwatch.StartNew();
        run(settings);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}: {clock.Elapsed.TotalMinutes:0.0} min"));
    }
}
catch (Exception e) when (e is DataFormatException or CheckpointException or System.IO.IOException or ArgumentException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
return 0;
