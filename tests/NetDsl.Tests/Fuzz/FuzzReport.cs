using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace NetDsl.Tests.Fuzz;

/// <summary>The run's size and seeds, from the environment.</summary>
internal sealed record FuzzSettings(int Count, int Seed, string? Only, int Workers, int RuntimeNetworks)
{
    // About a minute on 2 cores, together with the runtime sample.
    public const int DefaultCount = 3000;
    public const int DefaultSeed = 1;

    public static FuzzSettings FromEnvironment()
    {
        static int? Read(string name) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        var count = Math.Max(1, Read("NETDSL_FUZZ_COUNT") ?? DefaultCount);
        var only = Environment.GetEnvironmentVariable("NETDSL_FUZZ_CLASS");
        // The runtime sample grows with the run: 120 networks by default, 1 in 25 sources for large runs.
        var runtime = Read("NETDSL_FUZZ_RUNTIME") ?? Math.Clamp(count / 25, 120, 4000);
        // One thread more than cores: Roslyn's allocation-heavy binding leaves cores idle in GC pauses (about 15% faster on 2 cores).
        return new FuzzSettings(count, Read("NETDSL_FUZZ_SEED") ?? DefaultSeed, string.IsNullOrWhiteSpace(only) ? null : only.Trim(),
            Math.Max(1, Read("NETDSL_FUZZ_WORKERS") ?? Environment.ProcessorCount + 1), Math.Max(0, runtime));
    }

    public override string ToString() =>
        $"NETDSL_FUZZ_COUNT={Count} NETDSL_FUZZ_SEED={Seed}{(Only is null ? string.Empty : " NETDSL_FUZZ_CLASS=" + Only)} workers={Workers}";
}

/// <summary>Counts over a run, safe to feed from several threads; keeps only the first violations in full.</summary>
internal sealed class FuzzTally
{
    private const int Kept = 400;
    private readonly object gate = new();

    public int Sources { get; private set; }

    public int Valid { get; private set; }

    public int Mutated { get; private set; }

    public int Accepted { get; private set; }

    public SortedDictionary<string, int> RejectedById { get; } = new(StringComparer.Ordinal);

    /// <summary>Sources per ND warning ID: all, and valid ones.</summary>
    public SortedDictionary<string, (int All, int Valid)> WarnedById { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> PerClass { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> AcceptedPerClass { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SortedDictionary<string, int>> IdsPerClass { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> ValidFeatures { get; } = new(StringComparer.Ordinal);

    /// <summary>Per class, per expected outcome: the cases, and how many got it.</summary>
    public SortedDictionary<string, SortedDictionary<string, (int Cases, int Met)>> ExpectedPerClass { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, int> PerProperty { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SortedDictionary<string, int>> PerClassAndProperty { get; } = new(StringComparer.Ordinal);

    public List<FuzzViolation> Violations { get; } = new();

    public int ViolationCount { get; private set; }

    public void Add(FuzzOutcome outcome)
    {
        lock (gate)
        {
            Sources++;
            var source = outcome.Source;
            if (source.Valid)
            {
                Valid++;
                foreach (var feature in source.Features)
                {
                    Increment(ValidFeatures, feature);
                }
            }
            else
            {
                Mutated++;
            }
            Increment(PerClass, source.Class);
            if (outcome.Accepted)
            {
                Accepted++;
                Increment(AcceptedPerClass, source.Class);
            }
            foreach (var id in outcome.NdWarnings)
            {
                var (all, valid) = WarnedById.TryGetValue(id, out var counts) ? counts : (0, 0);
                WarnedById[id] = (all + 1, valid + (source.Valid ? 1 : 0));
            }
            foreach (var id in outcome.NdErrors)
            {
                Increment(RejectedById, id);
                Increment(Row(IdsPerClass, source.Class), id);
            }
            if (source.Expected is { } expected)
            {
                var row = Row(ExpectedPerClass, source.Class);
                var key = expected.ToString();
                var (cases, met) = row.TryGetValue(key, out var counts) ? counts : (0, 0);
                row[key] = (cases + 1, met + (outcome.ExpectationMet == true ? 1 : 0));
            }
            AddViolations(outcome.Violations);
        }
    }

    public void AddViolations(IEnumerable<FuzzViolation> violations)
    {
        lock (gate)
        {
            foreach (var violation in violations)
            {
                ViolationCount++;
                Increment(PerProperty, violation.Property);
                if (!PerClassAndProperty.TryGetValue(violation.Source.Class, out var row))
                {
                    PerClassAndProperty[violation.Source.Class] = row = new SortedDictionary<string, int>(StringComparer.Ordinal);
                }
                Increment(row, violation.Property);
                if (Violations.Count < Kept)
                {
                    Violations.Add(violation);
                }
            }
        }
    }

    private static void Increment(SortedDictionary<string, int> counts, string key) => counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    private static SortedDictionary<string, T> Row<T>(SortedDictionary<string, SortedDictionary<string, T>> table, string key)
    {
        if (!table.TryGetValue(key, out var row))
        {
            table[key] = row = new SortedDictionary<string, T>(StringComparer.Ordinal);
        }
        return row;
    }
}

/// <summary>Summary text, violation reports and the files under artifacts/fuzz/.</summary>
internal static class FuzzReport
{
    private static readonly object FileGate = new();
    private static readonly SortedDictionary<string, string> Sections = new(StringComparer.Ordinal);

    public static string Summary(FuzzSettings settings, FuzzTally tally, TimeSpan elapsed, IEnumerable<string> properties)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"settings: {settings}\n");
        s.Append(CultureInfo.InvariantCulture, $"elapsed: {elapsed.TotalSeconds:F1} s ({(tally.Sources == 0 ? 0 : elapsed.TotalMilliseconds / tally.Sources):F1} ms per source)\n");
        s.Append(CultureInfo.InvariantCulture, $"sources: {tally.Sources} (valid {tally.Valid}, mutated {tally.Mutated}), accepted (no ND error): {tally.Accepted}\n");
        s.Append("rejected, sources per ND error ID:\n");
        foreach (var (id, n) in tally.RejectedById)
        {
            s.Append(CultureInfo.InvariantCulture, $"  {id}: {n}\n");
        }
        s.Append("warned, sources per ND warning ID (of them valid):\n");
        foreach (var (id, (all, valid)) in tally.WarnedById)
        {
            s.Append(CultureInfo.InvariantCulture, $"  {id}: {all} ({valid})\n");
        }
        s.Append("sources per class (accepted; sources per ND error ID) and, where the class has one, its expected outcome: cases that got it / cases:\n");
        foreach (var (name, n) in tally.PerClass)
        {
            var accepted = tally.AcceptedPerClass.TryGetValue(name, out var a) ? a : 0;
            var ids = tally.IdsPerClass.TryGetValue(name, out var row) ? string.Concat(row.Select(r => $"; {r.Key} {r.Value}")) : string.Empty;
            var expected = tally.ExpectedPerClass.TryGetValue(name, out var outcomes)
                ? " expected " + string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value.Met}/{o.Value.Cases}"))
                : " (no definite outcome)";
            s.Append(CultureInfo.InvariantCulture, $"  {name}: {n} ({accepted}{ids}){expected}\n");
        }
        s.Append("valid sources using each construct:\n");
        foreach (var (feature, n) in tally.ValidFeatures)
        {
            s.Append(CultureInfo.InvariantCulture, $"  {feature}: {n}\n");
        }
        s.Append("violations per property (all must be 0):\n");
        foreach (var property in properties)
        {
            s.Append(CultureInfo.InvariantCulture, $"  {property}: {(tally.PerProperty.TryGetValue(property, out var n) ? n : 0)}\n");
        }
        if (tally.PerClassAndProperty.Count > 0)
        {
            s.Append("violations per class:\n");
            foreach (var (name, row) in tally.PerClassAndProperty)
            {
                s.Append(CultureInfo.InvariantCulture, $"  {name}: {string.Join(", ", row.Select(r => $"{r.Key} {r.Value}"))}\n");
            }
        }
        return s.ToString();
    }

    /// <summary>
    /// The first violations, one per (class, property) first so that distinct failures show up before repeats,
    /// each with the seed to reproduce it, the offending diagnostics and the source.
    /// </summary>
    public static string Violations(IReadOnlyList<FuzzViolation> violations, int limit, int sourceLines)
    {
        var ordered = violations.OrderBy(v => v.Source.Seed).ToList();
        var distinct = ordered.GroupBy(v => (v.Source.Class, v.Property)).Select(g => g.First()).ToList();
        var chosen = distinct.Concat(ordered.Except(distinct)).Take(limit).ToList();
        var s = new StringBuilder();
        for (var i = 0; i < chosen.Count; i++)
        {
            var v = chosen[i];
            var expected = v.Source.Expected is { } e ? ", expected " + e : string.Empty;
            s.Append(CultureInfo.InvariantCulture, $"#{i + 1} [{v.Property}] class={v.Source.Class} ({v.Source.Detail}{expected}) seed={v.Source.Seed}\n");
            // Drawing a seed's class first and then forcing it leaves the random stream unchanged, so the class filter reproduces the same case.
            s.Append(CultureInfo.InvariantCulture, $"    reproduce: NETDSL_FUZZ_SEED={v.Source.Seed} NETDSL_FUZZ_COUNT=1 NETDSL_FUZZ_CLASS={v.Source.Class}\n");
            foreach (var line in v.Detail.Split('\n'))
            {
                s.Append("    ").Append(line.TrimEnd('\r')).Append('\n');
            }
            s.Append("    source:\n");
            var lines = v.Source.Text.Split('\n');
            foreach (var line in lines.Take(sourceLines))
            {
                s.Append("    | ").Append(line).Append('\n');
            }
            if (lines.Length > sourceLines)
            {
                s.Append(CultureInfo.InvariantCulture, $"    | … {lines.Length - sourceLines} more lines\n");
            }
            s.Append('\n');
        }
        return s.ToString();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetDsl.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>Writes one section of artifacts/fuzz/summary.txt (both fuzz tests add theirs) and, optionally, a file of its own.</summary>
    public static string Write(string section, string text, string? fileName = null, string? fileText = null)
    {
        lock (FileGate)
        {
            var folder = Path.Combine(RepositoryRoot(), "artifacts", "fuzz");
            Directory.CreateDirectory(folder);
            Sections[section] = text;
            File.WriteAllText(Path.Combine(folder, "summary.txt"), string.Join("\n", Sections.Select(p => "== " + p.Key + " ==\n" + p.Value)));
            if (fileName is not null)
            {
                File.WriteAllText(Path.Combine(folder, fileName), fileText ?? string.Empty);
            }
            return folder;
        }
    }
}
