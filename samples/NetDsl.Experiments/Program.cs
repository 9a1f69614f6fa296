using System;
using System.Diagnostics;
using System.Globalization;
using NetDsl.Data;
using NetDsl.Experiments;
using NetDsl.Training;

var cli = new ExperimentsCommandLine(Run, (package, output, perClass) =>
{
    NpmImport.Run(package, output, perClass);
    return 0;
});
var parsed = cli.Root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line per problem and exit code 2, the convention for a command line the program cannot run.
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }
    Console.Error.WriteLine("See NetDsl.Experiments --help (or <experiment> --help).");
    return 2;
}
return parsed.Invoke();

static int Run(string id, Settings settings)
{
    var experiments = new (string Id, Action<Settings> Run)[]
    {
        ("e1", MlpExperiments.E1),
        ("e2", MlpExperiments.E2),
        ("b", MobileNetExperiments.B),
        ("c", MobileNetExperiments.C),
        ("d", MobileNetExperiments.D),
    };
    try
    {
        foreach (var (name, run) in experiments)
        {
            if (id != "all" && id != name)
            {
                continue;
            }
            var clock = Stopwatch.StartNew();
            run(settings);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {clock.Elapsed.TotalMinutes:0.0} min"));
        }
    }
    catch (Exception e) when (e is DataFormatException or CheckpointException or System.IO.IOException or ArgumentException)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return 1;
    }
    return 0;
}
