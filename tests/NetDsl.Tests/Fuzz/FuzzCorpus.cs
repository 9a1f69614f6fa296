using System;
using System.Collections.Generic;
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
            return new FuzzSource(seed, ValidClass, detail, Valid: true, FuzzExpected.Accepted, RuntimeSafe: true, FuzzRenderer.Render(program), generator.Expectations(),
                program.Networks.Any(n => n.MembersUseGenerated)) { Features = Features(program) };
        }
        var mutant = mutation.Make(rng);
        return new FuzzSource(seed, mutation.Class, mutant.Detail, Valid: false, mutant.Expected ?? mutation.Expected, mutant.RuntimeSafe ?? mutation.RuntimeSafe,
            mutant.Files, mutant.Expectations, mutant.UsesGeneratedMembers);
    }

    /// <summary>The constructs a valid program uses, for the summary's coverage counts.</summary>
    public static IReadOnlyList<string> Features(FuzzProgram program)
    {
        var blockLayers = program.Blocks.SelectMany(b => b.Body.Select(l => (Layer: l, Block: b))).ToList();
        var networkLayers = program.Networks.SelectMany(n => n.Layers.Select(l => (Layer: l, Network: n))).ToList();
        var all = blockLayers.Select(p => p.Layer).Concat(networkLayers.Select(p => p.Layer)).ToList();
        var parameters = program.Blocks.SelectMany(b => b.Parameters).ToList();
        var doubles = new HashSet<string>(parameters.Where(p => p.Type == FuzzType.Double).Select(p => p.Name), StringComparer.Ordinal);
        bool UsesDouble(FuzzExpr? e) => e switch
        {
            null => false,
            FuzzDoubleLiteral => true,
            FuzzName n => doubles.Contains(n.Name),
            FuzzUnary u => UsesDouble(u.Operand),
            FuzzBinary b => UsesDouble(b.Left) || UsesDouble(b.Right),
            FuzzConditional c => UsesDouble(c.Condition) || UsesDouble(c.WhenTrue) || UsesDouble(c.WhenFalse),
            _ => false,
        };
        var special = new HashSet<string>(ValidNetworkGenerator.SpecialLayerNames, StringComparer.Ordinal);
        bool UsesRepeatIndex(FuzzExpr? e) => e switch
        {
            null => false,
            FuzzName n => n.Name == FuzzSimulator.RepeatIndex,
            FuzzUnary u => UsesRepeatIndex(u.Operand),
            FuzzBinary b => UsesRepeatIndex(b.Left) || UsesRepeatIndex(b.Right),
            FuzzConditional c => UsesRepeatIndex(c.Condition) || UsesRepeatIndex(c.WhenTrue) || UsesRepeatIndex(c.WhenFalse),
            _ => false,
        };
        bool IsGraph(FuzzLayer l) => l.From is not null || l.IsMerge || l.Repeat is not null;
        var scopes = program.Blocks.Select(b => b.Body).Concat(program.Networks.Select(n => n.Layers)).ToList();
        // A merge that reads a Reshape of its scope: the [N, C, 1, 1] gate broadcast over [N, C, H, W].
        var broadcast = scopes.Any(scope => scope.Any(l => l.IsMerge && l.Inputs.Any(i => scope.Any(r => r.Kind == FuzzKind.Reshape && r.FinalName == i))));
        var features = new (string Name, bool Present)[]
        {
            ("double or float block parameters", doubles.Count > 0),
            ("float block parameters", parameters.Any(p => p.Declared == "float")),
            ("long block parameters", parameters.Any(p => p.Declared == "long")),
            ("Dropout rates as expressions", all.Any(l => l.RateExpression is not null)),
            ("When conditions over doubles", all.Any(l => UsesDouble(l.When))),
            ("layers named like members, types or keywords", all.Any(l => l.ExplicitName is { } n && special.Contains(n))),
            ("layers named like their class, block or a parameter", networkLayers.Any(p => p.Layer.ExplicitName == p.Network.ClassName.TrimStart('@') || program.Blocks.Any(b => b.Name == p.Layer.ExplicitName)) ||
                blockLayers.Any(p => p.Layer.ExplicitName is { } n && (n == p.Block.Name || n == p.Block.ClassName || p.Block.Parameters.Any(q => q.Name == n)))),
            ("block parameters named like the emitter's locals", parameters.Any(p => p.Name is "name" or "shape" or "x" or "input" or "inputShape" or "device" or "terms")),
            ("block parameters named like C# keywords", parameters.Any(p => p.CSharpName.StartsWith('@'))),
            ("blocks without the Attribute suffix", program.Blocks.Any(b => b.NoSuffix)),
            ("one block name in two namespaces", program.Blocks.Any(b => b.Qualified)),
            ("keyword namespaces", program.Networks.Any(n => n.Namespace?.Contains('@', StringComparison.Ordinal) == true)),
            ("keyword class names", program.Networks.Any(n => n.ClassName.StartsWith('@'))),
            ("classes differing only in case", program.Networks.GroupBy(n => (n.Namespace, n.ClassName.ToUpperInvariant())).Any(g => g.Count() > 1)),
            ("namespaces differing only in case", program.Networks.Select(n => n.Namespace).Concat(program.Blocks.Select(b => b.Namespace)).Where(n => n is not null).Distinct(StringComparer.Ordinal)
                .GroupBy(n => n!.ToUpperInvariant()).Any(g => g.Count() > 1)),
            ("networks in structs or records", program.Networks.Any(n => n.Container?.Levels.Any(l => l.Keywords.Contains("struct", StringComparison.Ordinal) || l.Keywords.Contains("record", StringComparison.Ordinal)) == true)),
            ("user members", program.Networks.Any(n => n.Members.Count > 0)),
            ("user members using generated ones", program.Networks.Any(n => n.MembersUseGenerated)),
            ("graph: any construct (From, a named merge or Repeat)", all.Any(IsGraph)),
            ("graph: constructs inside blocks", blockLayers.Any(p => IsGraph(p.Layer))),
            ("graph: branches From an earlier output", all.Any(l => l.From is not null && l.From != "input")),
            ("graph: branches From = \"input\"", all.Any(l => l.From == "input")),
            ("graph: element-wise merges of named outputs", all.Any(l => l.IsMerge && l.Kind != FuzzKind.Concatenate)),
            ("graph: merges of three outputs", all.Any(l => l.IsMerge && l.Inputs.Count >= 3)),
            ("graph: merges reading \"input\"", all.Any(l => l.IsMerge && l.Inputs.Contains("input"))),
            ("graph: Concatenate", all.Any(l => l.Kind == FuzzKind.Concatenate)),
            ("graph: broadcast merges of a Reshape [N, C, 1, 1]", broadcast),
            ("graph: Repeat", all.Any(l => l.Repeat is not null)),
            ("graph: Repeat of a block", all.Any(l => l.Repeat is not null && l.Kind == FuzzKind.Block)),
            ("graph: arguments reading repeatIndex", all.Any(l => UsesRepeatIndex(l.Filters?.Expression) || UsesRepeatIndex(l.Strides?.Expression) ||
                UsesRepeatIndex(l.Units?.Expression) || UsesRepeatIndex(l.RateExpression))),
        };
        return features.Where(f => f.Present).Select(f => f.Name).ToList();
    }
}
