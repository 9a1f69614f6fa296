using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Tests.Fuzz;

/// <summary>Writes a <see cref="FuzzProgram"/> as C# source files.</summary>
internal static class FuzzRenderer
{
    private sealed record Declaration(string? Namespace, FuzzContainer? Container, List<string> Lines);

    public static (string Path, string Source)[] Render(FuzzProgram program)
    {
        var q = program.Qualifier ?? string.Empty;
        var networks = program.Networks.Select(n => new Declaration(n.Namespace, n.Container, NetworkLines(n, q, program))).ToList();
        var blocks = program.Blocks.Select(b => new Declaration(b.Namespace, null, BlockLines(b, q))).ToList();
        networks.AddRange(program.CustomModules.Select(m => new Declaration(program.CustomNamespace, null, CustomModuleLines(m))));
        var namespaces = program.Networks.Select(n => n.Namespace).Concat(program.Blocks.Select(b => b.Namespace))
            .Concat(program.CustomModules.Count > 0 ? new[] { program.CustomNamespace } : Array.Empty<string?>())
            .Where(n => n is not null).Select(n => n!).Distinct(StringComparer.Ordinal).ToList();

        var files = new List<(string, string)>();
        if (program.SplitFiles && blocks.Count > 0)
        {
            files.Add(("Model.cs", File(program, networks, namespaces)));
            files.Add(("Blocks.cs", File(program, blocks, namespaces)));
        }
        else
        {
            // Blocks first or last: C# does not care, and NetDsl must not either.
            var all = program.Networks.Count % 2 == 0 ? blocks.Concat(networks) : networks.Concat(blocks);
            files.Add(("Model.cs", File(program, all.ToList(), namespaces)));
        }
        return files.ToArray();
    }

    private static string File(FuzzProgram program, List<Declaration> declarations, List<string> namespaces)
    {
        var output = new StringBuilder();
        var usings = new List<string>();
        if (program.Qualifier is null)
        {
            usings.Add("using NetDsl;");
        }
        if (program.NamespaceStyle >= 2)
        {
            // Inside namespace @class.Models, "using Models;" means @class.Models: a namespace whose first segment
            // is also an inner segment of another is imported by its global name there.
            var inner = new HashSet<string>(namespaces.SelectMany(n => n.Split('.').Skip(1)).Select(Segment), StringComparer.Ordinal);
            usings.AddRange(namespaces.Select(n =>
                "using " + (program.UsingInsideNamespace && inner.Contains(Segment(n.Split('.')[0])) ? "global::" : string.Empty) + n + ";"));
        }
        if (!program.UsingInsideNamespace)
        {
            foreach (var line in usings)
            {
                output.Append(line).Append('\n');
            }
            output.Append('\n');
        }

        switch (program.NamespaceStyle)
        {
            case 0:
                foreach (var declaration in declarations)
                {
                    WriteDeclaration(output, declaration, 0);
                }
                break;
            case 1:
                output.Append("namespace ").Append(declarations.Select(d => d.Namespace).FirstOrDefault(n => n is not null) ?? namespaces.FirstOrDefault() ?? "Models").Append(";\n\n");
                foreach (var declaration in declarations)
                {
                    WriteDeclaration(output, declaration, 0);
                }
                break;
            default:
                foreach (var group in declarations.GroupBy(d => d.Namespace ?? string.Empty))
                {
                    var segments = program.NamespaceStyle == 3 ? group.Key.Split('.') : new[] { group.Key };
                    for (var i = 0; i < segments.Length; i++)
                    {
                        Indent(output, i).Append("namespace ").Append(segments[i]).Append('\n');
                        Indent(output, i).Append("{\n");
                    }
                    if (program.UsingInsideNamespace)
                    {
                        foreach (var line in usings)
                        {
                            Indent(output, segments.Length).Append(line).Append('\n');
                        }
                        output.Append('\n');
                    }
                    foreach (var declaration in group)
                    {
                        WriteDeclaration(output, declaration, segments.Length);
                    }
                    for (var i = segments.Length - 1; i >= 0; i--)
                    {
                        Indent(output, i).Append("}\n");
                    }
                    output.Append('\n');
                }
                break;
        }
        return output.ToString();
    }

    private static StringBuilder Indent(StringBuilder output, int level) => output.Append(' ', level * 4);

    private static string Segment(string segment) => segment.TrimStart('@');

    private static void WriteDeclaration(StringBuilder output, Declaration declaration, int level)
    {
        var levels = declaration.Container?.Levels ?? new List<(string, string)>();
        for (var i = 0; i < levels.Count; i++)
        {
            Indent(output, level + i).Append(levels[i].Item2).Append(' ').Append(levels[i].Item1).Append('\n');
            Indent(output, level + i).Append("{\n");
        }
        foreach (var line in declaration.Lines)
        {
            if (line.Length == 0)
            {
                output.Append('\n');
                continue;
            }
            Indent(output, level + levels.Count).Append(line).Append('\n');
        }
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            Indent(output, level + i).Append("}\n");
        }
        output.Append('\n');
    }

    // ---- networks ----------------------------------------------------------------------------------------------

    private static string Quote(string text) => "\"" + text + "\"";

    public static string InputText(FuzzShape input, bool named, string q) => input.IsSequence
        ? named ? $"{q}Input(channels: {input.Channels}, length: {input.Length})" : $"{q}Input({input.Channels}, {input.Length})"
        : input.IsImage
        ? named
            ? $"{q}Input(channels: {input.Channels}, height: {input.Height}, width: {input.Width})"
            : $"{q}Input({input.Channels}, {input.Height}, {input.Width})"
        : named ? $"{q}Input(features: {input.Channels})" : $"{q}Input({input.Channels})";

    public static string RegularizerText(FuzzRegularizer regularizer, string q)
    {
        var parts = new List<string>();
        if (regularizer.L1 is { } l1)
        {
            parts.Add("L1 = " + l1.Text);
        }
        if (regularizer.L2 is { } l2)
        {
            parts.Add("L2 = " + l2.Text);
        }
        if (regularizer.Layers is { } layers)
        {
            parts.Add("Layers = " + (regularizer.LayersAsFlags
                ? $"{q}RegularizedLayers.Convolutions | {q}RegularizedLayers.Dense"
                : q + "RegularizedLayers." + (layers switch { 1 => "Convolutions", 2 => "Dense", _ => "All" })));
        }
        if (regularizer.Biases is { } biases)
        {
            parts.Add("Biases = " + (biases ? "true" : "false"));
        }
        return $"{q}DefaultRegularizer({string.Join(", ", parts)})";
    }

    private static string TypeofName(FuzzNetwork variant)
    {
        var target = variant.Base!;
        // Containers share names across namespaces, so a simple name is only safe within the same namespace.
        if (variant.QualifiedTypeof || target.Namespace != variant.Namespace)
        {
            return target.QualifiedName;
        }
        return (target.Container is null ? string.Empty : string.Concat(target.Container.Levels.Select(l => l.Name + "."))) + target.ClassName;
    }

    private static List<string> NetworkLines(FuzzNetwork network, string q, FuzzProgram program)
    {
        var header = new List<string>();
        if (network.IsVariant)
        {
            var placement = network.PlacementWritten
                ? ", BatchNorm = " + q + "BatchNormPlacement." + (network.Placement switch { 1 => "AfterActivation", 2 => "Removed", _ => "AsDeclared" })
                : string.Empty;
            header.Add($"{q}Variant(typeof({TypeofName(network)}){placement})");
        }
        else
        {
            var settings = new List<string>();
            if (network.TorchDefaults is { } torch)
            {
                settings.Add("BatchNormDefaults = " + q + "BatchNormDefaults." + (torch ? "Torch" : "Keras"));
            }
            if (network.Glorot)
            {
                settings.Add("Initialization = " + q + "WeightInitialization.GlorotUniform");
            }
            header.Add(q + "Network" + (settings.Count > 0 || network.NetworkParentheses ? "(" + string.Join(", ", settings) + ")" : string.Empty));
        }
        if (network.Input is { } input)
        {
            header.Add(InputText(input, network.InputNamed, q));
        }
        if (network.Regularizer is { } regularizer)
        {
            header.Add(RegularizerText(regularizer, q));
        }

        header.AddRange(network.Lets.Select(l => LetText(l, q)));

        var layerLines = new List<string>();
        var index = 0;
        foreach (var size in network.Grouping)
        {
            layerLines.Add("[" + string.Join(", ", network.Layers.Skip(index).Take(size).Select(l => Layer(l, q))) + "]");
            index += size;
        }
        for (; index < network.Layers.Count; index++)
        {
            layerLines.Add("[" + Layer(network.Layers[index], q) + "]");
        }

        var headerLines = header.Count > 1 && network.Layers.Count % 3 == 1
            ? header.Select(h => "[" + h + "]").ToList()
            : new List<string> { "[" + string.Join(", ", header) + "]" };
        var lines = new List<string>(layerLines);
        lines.InsertRange(Math.Min(network.HeaderPosition, lines.Count), headerLines);
        var declaration = (network.Modifiers + " partial class " + network.ClassName).Trim();
        lines.Add(declaration);
        if (network.Members.Count == 0)
        {
            lines.Add("{");
            lines.Add("}");
        }
        else
        {
            lines.Add("{");
            lines.AddRange(network.Members.SelectMany(m => m.Replace(FuzzNetwork.Self, network.ClassName, StringComparison.Ordinal).Split('\n')).Select(m => "    " + m));
            lines.Add("}");
        }
        return lines;
    }

    public static string LetText(FuzzLet let, string q) => $"{q}Let({Quote(let.Header)}, {Quote(let.Body.Render())})";

    private static List<string> CustomModuleLines(FuzzCustomModule module)
    {
        const string tensor = "global::TorchSharp.torch.Tensor";
        // Styles 0 and 1 write their own ONNX nodes; style 2 writes none, so exporting a network that uses it is refused by name.
        const string onnx = "string global::NetDsl.Onnx.IOnnxExportable.ExportOnnx(global::NetDsl.Onnx.OnnxGraph graph, global::System.Collections.Generic.IReadOnlyList<string> inputs)";
        var lines = new List<string>
        {
            $"public sealed class {module.Name} : global::TorchSharp.torch.nn.Module<{tensor}, {tensor}>{(module.Style < 2 ? ", global::NetDsl.Onnx.IOnnxExportable" : string.Empty)}", "{",
        };
        switch (module.Style)
        {
            case 0:
                lines.Add($"    public {module.Name}() : base(\"{module.Name}\") {{ }}");
                lines.Add("");
                lines.Add($"    public override {tensor} forward({tensor} x) => x * 2;");
                lines.Add("");
                lines.Add($"    {onnx} =>");
                lines.Add("        graph.Node(\"Mul\", new[] { inputs[0], graph.Scalar(2) }, graph.ShapeOf(inputs[0]));");
                break;
            case 1:
                // One learned scale per channel, shaped [C, 1, …] from the input Shape, so it broadcasts over the positions.
                lines.Add("    private readonly global::TorchSharp.Modules.Parameter scale;");
                lines.Add("");
                lines.Add($"    public {module.Name}(global::NetDsl.Shape input) : base(\"{module.Name}\")");
                lines.Add("    {");
                lines.Add("        var size = new long[input.Rank];");
                lines.Add("        for (var i = 0; i < size.Length; i++) { size[i] = i == 0 ? input.Channels : 1; }");
                lines.Add("        scale = new global::TorchSharp.Modules.Parameter(global::TorchSharp.torch.ones(size));");
                lines.Add("        RegisterComponents();");
                lines.Add("    }");
                lines.Add("");
                lines.Add($"    public override {tensor} forward({tensor} x) => x * scale;");
                lines.Add("");
                lines.Add($"    {onnx} =>");
                lines.Add("        graph.Node(\"Mul\", new[] { inputs[0], graph.Parameter(scale, \"scale\") }, graph.ShapeOf(inputs[0]));");
                break;
            default:
                // Space-to-depth by 2 (PyTorch's pixel_unshuffle).
                lines.Add($"    public {module.Name}() : base(\"{module.Name}\") {{ }}");
                lines.Add("");
                lines.Add($"    public override {tensor} forward({tensor} x)");
                lines.Add("    {");
                lines.Add("        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);");
                lines.Add("        return x.reshape(n, c, h / 2, 2, w / 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(n, c * 4, h / 2, w / 2);");
                lines.Add("    }");
                break;
        }
        lines.Add("}");
        return lines;
    }

    // ---- layers ------------------------------------------------------------------------------------------------

    private static string KindName(FuzzKind kind) => kind == FuzzKind.ActivationLayer ? "Activation" : kind.ToString();

    public static string Layer(FuzzLayer layer, string q)
    {
        var arguments = new List<string>();
        var properties = new List<string>();
        string name;
        if (layer.Kind == FuzzKind.Block)
        {
            var block = layer.Block!;
            // A block whose name another namespace also declares is named in full wherever it is used.
            var prefix = block.Qualified && block.Namespace is not null ? "global::" + block.Namespace + "." : string.Empty;
            name = prefix + block.Name + (layer.Suffix && !block.NoSuffix ? "Attribute" : string.Empty);
            var named = layer.NamedArguments;
            foreach (var parameter in block.Parameters)
            {
                if (!layer.BlockArgs.TryGetValue(parameter.Name, out var argument))
                {
                    named = true;
                    continue;
                }
                arguments.Add((named ? parameter.CSharpName + ": " : string.Empty) + (layer.BlockObjectCtor ? argument.RenderObject() : argument.Render(layer.BlockStringCtor)));
            }
        }
        else
        {
            name = q + KindName(layer.Kind) + (layer.Suffix ? "Attribute" : string.Empty);
            ConstructorArguments(layer, arguments, q);
            LayerProperties(layer, q, properties);
        }
        if (layer.From is not null)
        {
            properties.Insert(0, "From = " + Quote(layer.From));
        }
        else if (layer.IsMultiInputUse)
        {
            properties.Insert(0, "From = " + Quote(string.Join(layer.OptionsCompact ? "," : ", ", layer.Inputs)));
        }
        if (layer.ExplicitName is not null)
        {
            properties.Insert(0, "Name = " + Quote(layer.ExplicitName));
        }
        if (layer.Repeat is not null)
        {
            properties.Add("Repeat = " + Quote(layer.Repeat.Render(layer.RepeatCompact)));
        }
        if (layer.When is not null)
        {
            properties.Add("When = " + Quote(layer.WhenText!));
        }
        var all = arguments.Concat(properties).ToList();
        return all.Count == 0 ? name : name + "(" + string.Join(", ", all) + ")";
    }

    private static void ConstructorArguments(FuzzLayer layer, List<string> arguments, string q)
    {
        void Add(string parameter, string value) => arguments.Add(layer.NamedArguments ? parameter + ": " + value : value);
        switch (layer.Kind)
        {
            case FuzzKind.Conv2D:
            case FuzzKind.Conv1D:
            case FuzzKind.Conv2DTranspose:
            case FuzzKind.SeparableConv2D:
                Add("filters", layer.Filters!.Render());
                Add("kernelSize", layer.KernelArg?.Render() ?? layer.Kernel.ToString(CultureInfo.InvariantCulture));
                if (!layer.StridesOmitted)
                {
                    Add("strides", layer.Strides!.Render());
                }
                break;
            case FuzzKind.UpSampling2D:
                if (layer.Sizes.Length > 0)
                {
                    Add("size", I(layer.Sizes[0]));
                }
                break;
            case FuzzKind.AdaptiveAveragePooling2D:
                if (layer.Sizes.Length == 1)
                {
                    Add("size", I(layer.Sizes[0]));
                }
                else
                {
                    Add("height", I(layer.Sizes[0]));
                    Add("width", I(layer.Sizes[1]));
                }
                break;
            case FuzzKind.GroupNormalization:
            case FuzzKind.ChannelShuffle:
                if (layer.Groups is { } groups)
                {
                    Add("groups", I(groups));
                }
                break;
            case FuzzKind.SpatialDropout2D:
            case FuzzKind.AlphaDropout:
                Add("rate", layer.RateExpression is null ? layer.Rate.Text : Quote(layer.RateExpression.Render(layer.RateCompact)));
                break;
            case FuzzKind.Permute:
                arguments.AddRange(layer.Dimensions.Select(d => I(d)));
                break;
            case FuzzKind.Chunk:
                Add("chunks", layer.Chunks!.Render());
                Add("index", layer.ChunkIndex!.Render());
                break;
            case FuzzKind.Custom:
                // params object[]: positionally.
                arguments.Add("typeof(" + layer.CustomModule!.Name + ")");
                arguments.AddRange(layer.OutputShape.Select(a => a.Render()));
                break;
            case FuzzKind.DepthwiseConv2D:
                Add("kernelSize", layer.KernelArg?.Render() ?? layer.Kernel.ToString(CultureInfo.InvariantCulture));
                if (!layer.StridesOmitted)
                {
                    Add("strides", layer.Strides!.Render());
                }
                break;
            case FuzzKind.Dense:
                Add("units", layer.Units!.Render());
                break;
            case FuzzKind.ActivationLayer:
                Add("activation", layer.Options.TryGetValue("activation", out var chosen)
                    ? Quote(chosen.Render(layer.OptionsCompact))
                    : q + "Activation." + (layer.Activation ?? "None"));
                break;
            case FuzzKind.Dropout:
                Add("rate", layer.RateExpression is null ? layer.Rate.Text : Quote(layer.RateExpression.Render(layer.RateCompact)));
                break;
            case FuzzKind.ZeroPadding2D:
            case FuzzKind.Cropping2D:
            {
                var names = layer.Pads.Length switch
                {
                    1 => new[] { layer.Kind == FuzzKind.Cropping2D ? "cropping" : "padding" },
                    2 => new[] { "vertical", "horizontal" },
                    _ => new[] { "top", "bottom", "left", "right" },
                };
                for (var i = 0; i < layer.Pads.Length; i++)
                {
                    Add(names[i], layer.Pads[i].ToString(CultureInfo.InvariantCulture));
                }
                break;
            }
            case FuzzKind.Add:
            case FuzzKind.Subtract:
            case FuzzKind.Multiply:
            case FuzzKind.Average:
            case FuzzKind.Maximum:
            case FuzzKind.Minimum:
            case FuzzKind.Concatenate:
                // params string[]: the names, positionally (a named argument would need an array).
                arguments.AddRange(layer.Inputs.Select(Quote));
                break;
            case FuzzKind.Reshape:
                arguments.AddRange(layer.Dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture)));
                break;
            case FuzzKind.MaxPooling2D:
            case FuzzKind.AveragePooling2D:
                if (layer.PoolSize is { } pool)
                {
                    Add("poolSize", pool.ToString(CultureInfo.InvariantCulture));
                }
                if (layer.PoolStrides is { } strides)
                {
                    var value = strides.ToString(CultureInfo.InvariantCulture);
                    // Without a pool size a positional stride would be read as the pool size.
                    arguments.Add(layer.NamedArguments || layer.PoolSize is null ? "strides: " + value : value);
                }
                break;
        }
    }

    private static void LayerProperties(FuzzLayer layer, string q, List<string> properties)
    {
        // A property written as an expression string takes the place of its constant.
        bool Expression(string property)
        {
            if (!layer.Options.TryGetValue(property, out var expression))
            {
                return false;
            }
            properties.Add(property + " = " + Quote(expression.Render(layer.OptionsCompact)));
            return true;
        }
        if (!Expression("Padding") && layer.PaddingStyle != 0)
        {
            properties.Add("Padding = " + q + "Padding." + (layer.Same ? "Same" : layer.Half ? "Half" : "Valid"));
        }
        void Int(string property, int? value)
        {
            if (!Expression(property) && value is { } v)
            {
                properties.Add(property + " = " + I(v));
            }
        }
        void Bool(string property, bool? value)
        {
            if (!Expression(property) && value is { } v)
            {
                properties.Add(property + " = " + (v ? "true" : "false"));
            }
        }
        Int("Pad", layer.Pad);
        Int("PadHeight", layer.PadHeight);
        Int("PadWidth", layer.PadWidth);
        Int("KernelHeight", layer.KernelHeight);
        Int("KernelWidth", layer.KernelWidth);
        Int("StrideHeight", layer.StrideHeight);
        Int("StrideWidth", layer.StrideWidth);
        Int("Dilation", layer.Dilation);
        if (layer.Kind is FuzzKind.Conv2D or FuzzKind.Conv1D)
        {
            Int("Groups", layer.Groups);
        }
        Int("OutputPadding", layer.OutputPadding);
        Int("InFeatures", layer.InFeatures);
        Bool("CeilMode", layer.CeilMode);
        Bool("CountIncludePad", layer.CountIncludePad);
        Bool("Affine", layer.Affine);
        Bool("TrackRunningStats", layer.TrackRunningStats);
        Bool("Approximate", layer.Approximate);
        Bool("Channelwise", layer.Channelwise);
        if (layer.Alpha is { } alpha)
        {
            properties.Add("Alpha = " + alpha.Text);
        }
        if (layer.Init is { } init)
        {
            properties.Add("Init = " + init.Text);
        }
        if (layer.Bilinear is { } bilinear)
        {
            properties.Add("Interpolation = " + q + "Interpolation." + (bilinear ? "Bilinear" : "Nearest"));
        }
        Bool("AlignCorners", layer.AlignCorners);
        if (layer.Kind != FuzzKind.ActivationLayer && !Expression("Activation") && layer.Activation is { } activation)
        {
            properties.Add("Activation = " + q + "Activation." + activation);
        }
        if (layer.Kind == FuzzKind.Custom && layer.CustomParameters != 0)
        {
            properties.Add("Parameters = " + layer.CustomParameters.ToString(CultureInfo.InvariantCulture));
        }
        if (layer.Axis is { } axis)
        {
            properties.Add("Axis = " + axis.ToString(CultureInfo.InvariantCulture));
        }
        if (layer.DepthMultiplier is { } multiplier)
        {
            properties.Add("DepthMultiplier = " + multiplier.ToString(CultureInfo.InvariantCulture));
        }
        Bool("UseBias", layer.UseBias);
        foreach (var (property, value) in layer.Regularizers)
        {
            properties.Add(property + " = " + value.Text);
        }
        if (!Expression("Epsilon") && layer.Epsilon is { } epsilon)
        {
            properties.Add("Epsilon = " + epsilon.Text);
        }
        if (layer.Momentum is { } momentum)
        {
            properties.Add("Momentum = " + momentum.Text);
        }
    }

    // ---- blocks ------------------------------------------------------------------------------------------------

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static List<string> BlockLines(FuzzBlock block, string q)
    {
        var lines = new List<string>();
        if (block.UserEnum is { } declared)
        {
            lines.Add("public enum " + declared.Name + " { " + string.Join(", ", declared.Members) + " }");
            lines.Add(string.Empty);
        }
        if (block.InputNames is { } inputs)
        {
            lines.Add("[" + q + "BlockInputs(" + string.Join(", ", inputs.Select(Quote)) + ")]");
        }
        if (block.InputContract is { } contract)
        {
            lines.Add("[" + q + "Input(" + string.Join(", ", contract.Select(d => d == 0 ? q + "InputAttribute.Any" : I(d))) + ")]");
        }
        lines.AddRange(block.Lets.Select(l => "[" + LetText(l, q) + "]"));
        lines.AddRange(block.Body.Select(l => "[" + Layer(l, q) + "]"));
        lines.Add($"{block.Modifiers} class {block.ClassName} : {q}BlockAttribute");
        lines.Add("{");
        var typed = "    public " + block.ClassName + "(" + string.Join(", ", block.Parameters.Select(p =>
            p.Declared + " " + p.CSharpName + (p.Default is { } d ? " = " + (p.DefaultText ?? d.Literal) : string.Empty))) + ") { }";
        var strings = "    public " + block.ClassName + "(" + string.Join(", ", block.Parameters.Select(p => "string " + p.CSharpName)) + ") { }";
        var objects = "    public " + block.ClassName + "(" + string.Join(", ", block.Parameters.Select(p => "object " + p.CSharpName)) + ") { }";
        if (block.Parameters.Count > 0 || block.ExplicitEmptyCtor)
        {
            if (block.StringCtor && block.StringCtorFirst)
            {
                lines.Add(strings);
            }
            lines.Add(typed);
            if (block.StringCtor && !block.StringCtorFirst)
            {
                lines.Add(strings);
            }
            if (block.ObjectCtor)
            {
                lines.Add(objects);
            }
        }
        lines.Add("}");
        return lines;
    }
}
