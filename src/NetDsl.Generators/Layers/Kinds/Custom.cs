using System.Collections.Generic;
using System.Linq;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Lowering;
using NetDsl.Generators.Model;
using NetDsl.Generators.Shapes;
using static NetDsl.Generators.Layers.TorchSharpNames;

namespace NetDsl.Generators.Layers.Kinds;

internal sealed record CustomArguments(string Type, bool TakesShape, Shape Input, long Parameters) : LayerArguments;

/// <summary>
/// Custom: the user's own TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c> used as a layer, for what the vocabulary lacks.
/// Its output shape is declared (expressions over its own inputChannels, inputHeight, inputWidth), so inference goes
/// on past it; the generated code checks the real output against it on every forward, and the declared trainable
/// parameter count when the network is built.
/// </summary>
internal sealed class CustomKind : LayerKind
{
    public override string Name => "Custom";

    public override IReadOnlyList<ArgumentSpec> Arguments { get; } = new[]
    {
        ArgumentSpec.TypeOf("module"), ArgumentSpec.IntList("outputShape"), ArgumentSpec.Int("parameters"),
    };

    public override bool ReadsOwnInputShape => true;

    public override LayerOutcome Lower(LayerContext context)
    {
        var type = context.Layer.Get("module");
        if (type is not { Kind: ValueKind.Type })
        {
            throw context.Fail(Rules.InvalidCustomModule, context.Where, "Custom", "the module", "is missing: write [Custom(typeof(MyModule), ...)]");
        }
        var dims = context.Ints("outputShape", context.Input).ToArray();
        if (dims.Length < 1 || dims.Length > Shape.MaxRank || dims.Any(d => d < 1))
        {
            throw context.Invalid("outputShape", $"the declared output shape must have 1 to {Shape.MaxRank} sizes ≥ 1, got ({string.Join(", ", dims)})");
        }
        var parameters = context.NonNegative("parameters", 0);
        return new LayerOutcome(Shape.Of(dims), new CustomArguments(type.Text!, type.Bool, context.Input, parameters), parameters);
    }

    public override TorchSharpModule Module(LoweredNode node)
    {
        var a = (CustomArguments)node.Arguments;
        var create = a.TakesShape ? $"new {a.Type}({ShapeCode(a.Input)})" : $"new {a.Type}()";
        return new TorchSharpModule(a.Type, $"global::NetDsl.CustomModules.Checked({create}, {Int(a.Parameters)}, {Model.CSharpNames.StringLiteral(node.Name)})",
            "its trainable parameters are checked against the declared count");
    }

    public override string Forward(LoweredNode node, string? module, IReadOnlyList<string> inputs) =>
        $"global::NetDsl.CustomModules.Output({module}.forward({inputs[0]}), {ShapeCode(node.Output)}, {Model.CSharpNames.StringLiteral(node.Name)})";

    /// <summary>The module's own nodes when it implements NetDsl.Onnx.IOnnxExportable; otherwise the export names this layer in its error.</summary>
    public override string Onnx(LoweredNode node, string? module, IReadOnlyList<string> inputs) => $"graph.Custom({module}, {inputs[0]})";

    private static string ShapeCode(Shape shape) => $"global::NetDsl.Shape.Of({string.Join(", ", shape.Dimensions.Select(Int))})";
}
