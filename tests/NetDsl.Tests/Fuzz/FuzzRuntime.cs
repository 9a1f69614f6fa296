using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Tests.Fuzz;

/// <summary>Counts of one runtime run.</summary>
internal sealed class FuzzRuntimeTally
{
    public int Sources { get; set; }

    public int Networks { get; set; }

    public int WithExpectation { get; set; }

    public int FromValid { get; set; }

    public int Skipped { get; set; }

    /// <summary>Mutants whose [Custom] declaration the mutation made wrong: the generated forward refuses them, as documented.</summary>
    public int CustomRefused { get; set; }

    /// <summary>Networks exported to ONNX and run by ONNX Runtime.</summary>
    public int Exported { get; set; }

    /// <summary>Networks whose export was refused because a [Custom] module writes no ONNX nodes (the documented error).</summary>
    public int NotExportable { get; set; }
}

/// <summary>Builds the generated modules of an accepted source and checks them against their constants and the fuzzer's expectation.</summary>
internal static class FuzzRuntime
{
    // Guards against building something huge when a mutated network is accepted with absurd sizes.
    private const long MaxParameters = 3_000_000;
    private const long MaxInput = 100_000;
    private const long MaxMultiplyAdds = 200_000_000;

    private static bool IsNetwork(Type type) =>
        !type.IsAbstract && !type.ContainsGenericParameters && typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type) &&
        type.GetProperty("InputShape", BindingFlags.Public | BindingFlags.Static) is not null &&
        type.GetField("TrainableParameters", BindingFlags.Public | BindingFlags.Static) is not null;

    public static void Check(FuzzOutcome outcome, List<FuzzViolation> violations, FuzzRuntimeTally tally)
    {
        var source = outcome.Source;
        using var stream = new MemoryStream();
        var emitted = outcome.Output!.Emit(stream);
        if (!emitted.Success)
        {
            violations.Add(new FuzzViolation(FuzzProperties.RuntimeEmit, source,
                string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Take(6).Select(FuzzChecker.Show))));
            return;
        }
        stream.Position = 0;
        // TorchSharp and NetDsl are not loaded into this context, so they resolve to the test's own copies.
        var context = new AssemblyLoadContext("netdsl-fuzz-" + source.Seed.ToString(CultureInfo.InvariantCulture), isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(stream);
            var expectations = source.Expectations.ToDictionary(e => e.MetadataName, StringComparer.Ordinal);
            tally.Sources++;
            foreach (var type in assembly.GetTypes().Where(IsNetwork).OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                expectations.TryGetValue(type.FullName!, out var expected);
                CheckNetwork(type, expected, source, violations, tally);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static long Constant(Type type, string name) => (long)type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private static Shape StaticShape(Type type, string name) => (Shape)type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static void CheckNetwork(Type type, FuzzExpectation? expected, FuzzSource source, List<FuzzViolation> violations, FuzzRuntimeTally tally)
    {
        void Violate(string property, string detail) => violations.Add(new FuzzViolation(property, source, type.FullName + ": " + detail));

        long trainable, nonTrainable, multiplyAdds;
        Shape input, output;
        try
        {
            trainable = Constant(type, "TrainableParameters");
            nonTrainable = Constant(type, "NonTrainableParameters");
            multiplyAdds = Constant(type, "MultiplyAdds");
            input = StaticShape(type, "InputShape");
            output = StaticShape(type, "OutputShape");
        }
        catch (Exception e)
        {
            Violate(FuzzProperties.RuntimeException, "reading the static members: " + (e.InnerException ?? e));
            return;
        }
        if (trainable is < 0 or > MaxParameters || nonTrainable is < 0 or > MaxParameters || multiplyAdds is < 0 or > MaxMultiplyAdds || input.Size is <= 0 or > MaxInput)
        {
            tally.Skipped++;
            return;
        }
        tally.Networks++;
        if (expected is not null)
        {
            tally.WithExpectation++;
        }
        if (source.Valid)
        {
            tally.FromValid++;
        }

        using var scope = NewDisposeScope();
        nn.Module<Tensor, Tensor>? module = null;
        var step = "construct";
        try
        {
            // The generated constructor takes a Device (null: CPU); naming it avoids ambiguity with a user's ctor(int).
            var constructor = type.GetConstructor(new[] { typeof(Device) });
            module = (nn.Module<Tensor, Tensor>)(constructor is null ? Activator.CreateInstance(type, new object?[] { null })! : constructor.Invoke(new object?[] { null }));
            module.eval();
            step = "forward";
            Tensor y;
            var x = randn(input.WithBatch(2));
            using (no_grad())
            {
                y = module.forward(x);
            }

            // The eval forward exported to ONNX and run by ONNX Runtime on the same batch.
            step = "onnx";
            byte[]? onnx = null;
            try
            {
                onnx = NetDsl.Onnx.OnnxExport.ToBytes(module);
            }
            catch (NetDsl.Onnx.OnnxExportException e) when (e.Message.Contains("is a custom module", StringComparison.Ordinal))
            {
                tally.NotExportable++; // a [Custom] module that writes no ONNX nodes of its own: refused by name, as documented
            }
            if (onnx is not null)
            {
                using var served = NetDsl.Onnx.OnnxNetwork.FromBytes(onnx, new NetDsl.Onnx.OnnxNetworkOptions { IntraOpThreads = 1 });
                var actual = served.Run(x.contiguous().data<float>().ToArray(), 2);
                var wantedValues = y.contiguous().data<float>().ToArray();
                var scale = Math.Max(1, wantedValues.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max());
                var worst = actual.Length != wantedValues.Length ? double.PositiveInfinity
                    : actual.Zip(wantedValues, (a, b) => float.IsFinite(a) && float.IsFinite(b) ? Math.Abs((double)a - b) : a.Equals(b) ? 0 : double.PositiveInfinity).Max();
                tally.Exported++;
                if (!(worst <= 1e-4 * scale))
                {
                    Violate(FuzzProperties.RuntimeOnnx, $"ONNX Runtime differs from the eval forward by {worst:E2} (outputs up to {scale:G3}, {actual.Length} values)");
                }
            }
            var wanted = output.WithBatch(2);
            if (!y.shape.SequenceEqual(wanted))
            {
                Violate(FuzzProperties.RuntimeOutputShape, $"forward gives {Format(y.shape)} but OutputShape is {output} (input {input})");
            }
            if (expected is not null && (input.ToString() != expected.Input.ToString() || output.ToString() != expected.Output.ToString()))
            {
                Violate(FuzzProperties.RuntimeOutputShape, $"InputShape/OutputShape {input} → {output}, the fuzzer expects {expected.Input} → {expected.Output}");
            }

            step = "parameters";
            var counted = module.parameters().Sum(p => p.numel());
            if (counted != trainable || expected is not null && counted != expected.Trainable)
            {
                Violate(FuzzProperties.RuntimeParameters, $"TorchSharp counts {counted} parameters, TrainableParameters = {trainable}" + (expected is null ? string.Empty : $", the fuzzer expects {expected.Trainable}"));
            }
            var statistics = module.named_buffers()
                .Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal) || b.name.EndsWith("running_var", StringComparison.Ordinal))
                .Sum(b => b.buffer.numel());
            if (statistics != nonTrainable || expected is not null && statistics != expected.NonTrainable)
            {
                Violate(FuzzProperties.RuntimeStatistics, $"running statistics {statistics}, NonTrainableParameters = {nonTrainable}" + (expected is null ? string.Empty : $", the fuzzer expects {expected.NonTrainable}"));
            }

            step = "modules";
            var modules = module.named_modules().Select(m => m.name).Where(n => n.Length > 0).ToDictionary(n => n, n => n, StringComparer.Ordinal);
            if (expected is not null)
            {
                var children = module.named_children().Select(c => c.name).OrderBy(n => n, StringComparer.Ordinal).ToList();
                var wantedChildren = expected.Children.OrderBy(n => n, StringComparer.Ordinal).ToList();
                var wantedModules = expected.Modules.OrderBy(n => n, StringComparer.Ordinal).ToList();
                var actualModules = modules.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
                if (!children.SequenceEqual(wantedChildren) || !actualModules.SequenceEqual(wantedModules))
                {
                    Violate(FuzzProperties.RuntimeModules,
                        $"children [{string.Join(", ", children)}], expected [{string.Join(", ", wantedChildren)}]; " +
                        $"missing [{string.Join(", ", wantedModules.Except(actualModules))}], unexpected [{string.Join(", ", actualModules.Except(wantedModules))}]");
                }
            }

            step = "regularization";
            var loss = ((IRegularizedModule)module).RegularizationLoss();
            var value = loss.numel() == 1 ? loss.to_type(ScalarType.Float64).item<double>() : double.NaN;
            if (loss.dim() != 0 || !double.IsFinite(value))
            {
                Violate(FuzzProperties.RuntimeRegularization, $"RegularizationLoss() is {Format(loss.shape)} with value {value}, not a finite scalar");
            }
            else if (expected is not null)
            {
                var parameters = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
                var want = 0.0;
                foreach (var w in expected.Regularized)
                {
                    want += Term(parameters, w.Path + ".weight", w.KernelL1, w.KernelL2) + Term(parameters, w.Path + ".bias", w.BiasL1, w.BiasL2);
                }
                if (Math.Abs(value - want) > 1e-3 * Math.Abs(want) + 1e-300)
                {
                    Violate(FuzzProperties.RuntimeRegularization, string.Create(CultureInfo.InvariantCulture,
                        $"RegularizationLoss() = {value:R}, the fuzzer computes {want:R} from {expected.Regularized.Count} regularized layers ({string.Join("; ", expected.Regularized.Select(r => $"{r.Path} {r.KernelL1:R}/{r.KernelL2:R}/{r.BiasL1:R}/{r.BiasL2:R}"))})"));
                }
            }

            var byName = module.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
            step = "dropout";
            if (expected is not null)
            {
                foreach (var dropout in expected.Dropouts)
                {
                    if (!byName.TryGetValue(dropout.Path, out var found))
                    {
                        continue; // reported as a module-name mismatch
                    }
                    var moduleType = dropout.Kind switch { "SpatialDropout2D" => "Dropout2d", "AlphaDropout" => "AlphaDropout", _ => "Dropout" };
                    var rate = found is Dropout d ? d.p : DropoutRate(found);
                    if (found.GetType().Name != moduleType || (found is Dropout || rate is not null) && (rate is null || !Close(rate.Value, dropout.Rate)))
                    {
                        Violate(FuzzProperties.RuntimeDropout, string.Create(CultureInfo.InvariantCulture,
                            $"{dropout.Path} ({found.GetType().Name}): p = {rate:R}; the fuzzer expects {dropout.Rate:R}"));
                    }
                }
            }

            step = "batchnorm";
            if (expected is not null)
            {
                foreach (var norm in expected.BatchNorms)
                {
                    if (!byName.TryGetValue(norm.Path, out var found))
                    {
                        continue; // reported as a module-name mismatch
                    }
                    var (epsilon, momentum) = Settings(found);
                    if (epsilon is null || momentum is null || !Close(epsilon.Value, norm.Epsilon) || !Close(momentum.Value, norm.TorchMomentum))
                    {
                        Violate(FuzzProperties.RuntimeBatchNorm, string.Create(CultureInfo.InvariantCulture,
                            $"{norm.Path} ({found.GetType().Name}): eps {epsilon:R}, momentum {momentum:R}; the fuzzer expects eps {norm.Epsilon:R}, momentum {norm.TorchMomentum:R}"));
                    }
                }
            }
        }
        catch (Exception e)
        {
            var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
            if (inner is DeclaredShapeException && !source.Valid)
            {
                // A text mutation (a layer deleted, a number changed) can make a [Custom] layer's literal declaration
                // wrong; the generated code then throws DeclaredShapeException naming both shapes, as docs/layers.md says.
                tally.CustomRefused++;
                return;
            }
            Violate(FuzzProperties.RuntimeException, $"{step}: {inner.GetType().Name}: {FirstLine(inner.Message)}");
        }
        finally
        {
            module?.Dispose();
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0];
        return line.Length > 300 ? line.Substring(0, 300) + "…" : line;
    }

    /// <summary>The p of a dropout module other than Dropout (Dropout2d, AlphaDropout), where TorchSharp exposes it.</summary>
    private static double? DropoutRate(nn.Module module)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        for (var t = module.GetType(); t is not null; t = t.BaseType)
        {
            if (t.GetProperty("p", flags) is { } property && property.GetValue(module) is { } value)
            {
                return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
            if ((t.GetField("p", flags) ?? t.GetField("_p", flags)) is { } field && field.GetValue(module) is { } stored)
            {
                return Convert.ToDouble(stored, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= 1e-9 * Math.Abs(expected) + 1e-300;

    private static (double? Epsilon, double? Momentum) Settings(nn.Module module) => module switch
    {
        BatchNorm1d b => (b.eps, b.momentum),
        BatchNorm2d b => (b.eps, b.momentum),
        _ => (null, null),
    };

    private static double Term(Dictionary<string, Tensor> parameters, string name, double l1, double l2)
    {
        if ((l1 == 0 && l2 == 0) || !parameters.TryGetValue(name, out var tensor))
        {
            return 0;
        }
        using var weights = tensor.detach().to_type(ScalarType.Float64);
        return l1 * weights.abs().sum().item<double>() + l2 * weights.square().sum().item<double>();
    }
}
