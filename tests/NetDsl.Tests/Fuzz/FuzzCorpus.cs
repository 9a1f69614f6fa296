using System;
using System.Globalization;
using System.Linq;

namespace NetDsl.Tests.Fuzz;

/// <summary>The fuzz case of a seed: valid by construction (about 45%) or one mutation class (the rest).</summary>
internal static class FuzzCorpus
{
    public const string ValidClass = "valid";
    public const double ValidShare = 0.45;

    /// <param name="seed">Everything about the case follows from it.</param>
    /// <param name="only">A class name to draw only that class (NETDSL_FUZZ_CLASS), or null.</param>
    public static FuzzSource Create(int seed, string? only = null)
    {
        var rng = new Random(seed);
        var valid = rng.NextDouble() < ValidShare;
        var mutation = FuzzMutations.All[rng.Next(FuzzMutations.All.Count)];
        if (only is not null)
        {
            valid = only == ValidClass;
            mutation = valid ? mutation : FuzzMutations.All.FirstOrDefault(m => m.Class == only)
                ?? throw new ArgumentException($"unknown fuzz class '{only}'; known: {ValidClass}, {string.Join(", ", FuzzMutations.All.Select(m => m.Class))}");
        }
        if (valid)
        {
            var generator = new ValidNetworkGenerator(rng);
            var program = generator.Generate();
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{program.Networks.Count} networks ({program.Networks.Count(n => n.IsVariant)} variants), {program.Blocks.Count} blocks, namespace style {program.NamespaceStyle}");
            return new FuzzSource(seed, ValidClass, detail, Valid: true, ExpectValid: true, RuntimeSafe: true, FuzzRenderer.Render(program), generator.Expectations());
        }
        var mutant = mutation.Make(rng);
        return new FuzzSource(seed, mutation.Class, mutant.Detail, Valid: false, mutation.ExpectValid, mutation.RuntimeSafe, mutant.Files, mutant.Expectations);
    }
}
