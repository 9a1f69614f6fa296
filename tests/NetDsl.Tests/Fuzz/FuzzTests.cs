using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Tests.Fuzz;

/// <summary>
/// Fuzzes NetDsl's generator and analyzer with seeded sources: about 45% valid-by-construction programs (random
/// layers, blocks with int, long, bool, double and float parameters, expressions with C#'s int/double semantics,
/// Dropout rates and When conditions over doubles, When alternatives, nested blocks, Add shortcuts, graphs (branches
/// From an earlier output or "input" joined by element-wise merges or Concatenate, broadcast [N, C, 1, 1] gates,
/// Repeat with repeatIndex), variants, regularizers, namespaces and enclosing types; now and then names that once
/// broke the generated code: layers named like the class, generated or TorchSharp members, types or keywords, block
/// parameters named like the emitter's locals, blocks without the Attribute suffix or sharing a name across
/// namespaces, keyword and case-twin names, harmless user members; each network's shapes, counts, module names and
/// rates tracked by the fuzzer itself) and 55% mutations, each of a named class (see <see cref="FuzzMutations.All"/>), most with a
/// definite expected outcome. Every source is compiled, run through the generator and then the analyzer, and must
/// satisfy:
/// <list type="bullet">
/// <item>no exception anywhere; no generator exception (CS8785); no analyzer exception (AD0001); no ND0099;</item>
/// <item>the generator adds no error: no error in a generated file, and no error in user code that the user-only
/// compilation does not have;</item>
/// <item>no ND error and no C# error in the user-only compilation ⇒ the output compilation has no error;</item>
/// <item>no ND error and a clean output compilation ⇒ every [Network]/[Variant] class became a module, and its
/// parameter constants are not negative;</item>
/// <item>a generated stub ("has NetDsl errors") ⇒ an ND error or a C# error in the user-only compilation;</item>
/// <item>valid-by-construction sources get no ND error, compile (on their own, unless their members use generated
/// ones, and with the generated code), and their TrainableParameters and NonTrainableParameters equal the fuzzer's;</item>
/// <item>a mutation class with a definite answer gets it (expected-outcome): accepted and compiling, or refused
/// with its ND ID (where stated, with no other ND error, or with a message naming each class involved).</item>
/// </list>
/// <see cref="FuzzRuntimeTests"/> builds and runs a sample of the accepted networks.
/// Environment: NETDSL_FUZZ_COUNT (sources, default <see cref="FuzzSettings.DefaultCount"/>; e.g. 100000 for a large
/// run), NETDSL_FUZZ_SEED (base seed, default 1; source i uses seed + i, so the "reproduce" line of a report,
/// NETDSL_FUZZ_SEED=s NETDSL_FUZZ_COUNT=1 NETDSL_FUZZ_CLASS=c, rebuilds exactly that case for either test),
/// NETDSL_FUZZ_CLASS (only that class: "valid" or a mutation class), NETDSL_FUZZ_RUNTIME (networks run by the
/// runtime test, default count / 25 and at least 120), NETDSL_FUZZ_WORKERS (threads, default cores + 1).
/// The summary goes to the test output and to artifacts/fuzz/summary.txt; every violation, with its source, to
/// artifacts/fuzz/violations.txt and runtime-violations.txt.
/// </summary>
public sealed class FuzzTests
{
    private const int ReportedViolations = 20;
    private readonly ITestOutputHelper output;

    public FuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Generated_and_mutated_sources_keep_every_property()
    {
        var settings = FuzzSettings.FromEnvironment();
        var tally = new FuzzTally();
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, settings.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Workers }, i =>
        {
            var seed = settings.Seed + i;
            FuzzSource source;
            try
            {
                source = FuzzCorpus.Create(seed, settings.Only);
            }
            catch (Exception e)
            {
                tally.Add(FuzzOutcome.FuzzerFailure(seed, settings.Only, e));
                return;
            }
            tally.Add(FuzzChecker.Check(source, keepOutput: false));
        });
        stopwatch.Stop();

        var summary = FuzzReport.Summary(settings, tally, stopwatch.Elapsed, FuzzProperties.CompileTime);
        var report = FuzzReport.Violations(tally.Violations, ReportedViolations, 80);
        var folder = FuzzReport.Write("compile-time properties", summary, "violations.txt", FuzzReport.Violations(tally.Violations, int.MaxValue, 400));
        output.WriteLine(summary);
        Assert.True(tally.ViolationCount == 0,
            $"{tally.ViolationCount} property violations in {tally.Sources} sources.\n{summary}\nFirst violations (all in {folder}/violations.txt):\n{report}");
    }
}

/// <summary>
/// Runs a sample of the accepted networks (valid ones and accepted mutants) with TorchSharp: output shape equals
/// OutputShape and the fuzzer's shape, TorchSharp's parameter and running-statistic counts equal the constants and
/// the fuzzer's counts, module names equal the documented names (whatever field names the C# code uses),
/// RegularizationLoss() is a finite scalar equal to the λ-weighted sums the fuzzer computes, BatchNorm
/// epsilon/momentum are the declared ones, and every Dropout's p is the rate the fuzzer computes.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FuzzRuntimeTests
{
    private const int Batch = 12;
    private const int Targeted = 3;
    private readonly ITestOutputHelper output;

    public FuzzRuntimeTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Accepted_networks_run_with_their_static_shapes_and_counts()
    {
        var settings = FuzzSettings.FromEnvironment();
        var tally = new FuzzRuntimeTally();
        var violations = new List<FuzzViolation>();
        var stopwatch = Stopwatch.StartNew();

        // Compiled in parallel, run one at a time (libtorch state is process-wide).
        void Run(IReadOnlyList<(int Seed, string? Only)> cases, int? networkLimit)
        {
            var outcomes = new FuzzOutcome?[cases.Count];
            Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Workers }, i =>
            {
                try
                {
                    var source = FuzzCorpus.Create(cases[i].Seed, cases[i].Only);
                    if (source.RuntimeSafe)
                    {
                        var outcome = FuzzChecker.Check(source, keepOutput: true);
                        outcomes[i] = outcome.Accepted && outcome.OutputCompiles ? outcome : null;
                    }
                }
                catch (Exception)
                {
                    // A case the fuzzer cannot build is reported by the compile-time test.
                }
            });
            foreach (var outcome in outcomes)
            {
                if (outcome is not null && (networkLimit is null || tally.Networks < networkLimit))
                {
                    FuzzRuntime.Check(outcome, violations, tally);
                }
            }
        }

        // The sample: the run's own seeds, in order, until enough networks ran (most cases are accepted).
        var limit = Math.Max(settings.Count, settings.RuntimeNetworks * 8);
        for (var start = 0; tally.Networks < settings.RuntimeNetworks && start < limit; start += Batch)
        {
            Run(Enumerable.Range(start, Batch).Select(i => (settings.Seed + i, settings.Only)).ToList(), settings.RuntimeNetworks);
        }
        // Plus a few cases of each mutation class whose failures only show at run time, drawn on purpose because
        // each is about 1 in 40 mutated cases.
        if (settings.Only is null)
        {
            Run(FuzzMutations.RuntimeTargets.SelectMany(c => Enumerable.Range(0, Targeted).Select(i => (settings.Seed + i, (string?)c))).ToList(), null);
        }
        stopwatch.Stop();

        var counts = new FuzzTally();
        counts.AddViolations(violations);
        var summary =
            $"networks run: {tally.Networks} from {tally.Sources} sources ({tally.FromValid} from valid sources, {tally.WithExpectation} with the fuzzer's expectation), " +
            $"{tally.Skipped} skipped as too large, {tally.CustomRefused} mutants refused at run time by a [Custom] declaration the mutation made wrong; " +
            $"{tally.Exported} exported to ONNX and run by ONNX Runtime, {tally.NotExportable} refused by name for a [Custom] module without ONNX nodes\nelapsed: {stopwatch.Elapsed.TotalSeconds:F1} s\nviolations per property (all must be 0):\n" +
            string.Concat(FuzzProperties.Runtime.Select(p => $"  {p}: {(counts.PerProperty.TryGetValue(p, out var n) ? n : 0)}\n")) +
            (counts.PerClassAndProperty.Count == 0 ? string.Empty : "violations per class:\n" +
                string.Concat(counts.PerClassAndProperty.Select(r => $"  {r.Key}: {string.Join(", ", r.Value.Select(v => $"{v.Key} {v.Value}"))}\n")));
        var folder = FuzzReport.Write("runtime sample", summary, "runtime-violations.txt", FuzzReport.Violations(violations, int.MaxValue, 400));
        output.WriteLine(summary);
        output.WriteLine("written to " + folder);
        Assert.True(violations.Count == 0, $"{violations.Count} runtime violations.\n{summary}\nFirst violations:\n{FuzzReport.Violations(violations, 20, 80)}");
    }
}
