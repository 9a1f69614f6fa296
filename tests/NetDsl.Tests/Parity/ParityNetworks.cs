using NetDsl;

// The NetDsl side of the PyTorch parity cases: each network's state-dict keys equal those of the PyTorch module of
// the same name in make_fixtures.py, which computes the reference with PyTorch's own layers (and, for TensorFlow's
// 'same' pooling, with explicit windows). Every layer kind of the catalogue appears in at least one of them.
namespace NetDsl.Tests.Parity;

[Network, Input(4, 9, 9)]
[Conv2D(6, 3, 2, Padding = Padding.Same, Name = "same")]
[Conv2D(6, 3, Pad = 2, Dilation = 2, Groups = 3, Name = "dilated")]
[Conv2D(8, 1, UseBias = false, Name = "point")]
[DepthwiseConv2D(3, DepthMultiplier = 2, Pad = 1, Name = "dw")]
[DepthwiseConv2D(3, 2, Padding = Padding.Same, UseBias = false, Name = "dw_same")]
public partial class Convolutions { }

[Network, Input(3, 17, 17)]
[MaxPooling2D(3, 2, Padding = Padding.Same)]
[AveragePooling2D(3, 2, Padding = Padding.Same)]
[MaxPooling2D(3, 2, Pad = 1)]
[AdaptiveAveragePooling2D(2)]
[ZeroPadding2D(1, 2, 0, 1)]
[AveragePooling2D(2, 1)]
[Cropping2D(1, 0, 0, 1, Name = "crop")]
[Flatten(Name = "flat")]
[GlobalMaxPooling2D(From = "crop", Name = "gmax")]
[GlobalAveragePooling2D(From = "crop", Name = "gavg")]
[Concatenate("flat", "gmax", "gavg")]
public partial class Pools { }

[Network, Input(6)]
[Dense(8, Name = "fc")]
[Sigmoid(Name = "sig")]
[Tanh(From = "fc", Name = "tanh")]
[LeakyReLU(Alpha = 0.2, From = "fc", Name = "leaky")]
[ELU(Alpha = 0.5, From = "fc", Name = "elu")]
[GELU(From = "fc", Name = "gelu")]
[GELU(Approximate = true, From = "fc", Name = "gelu_tanh")]
[SiLU(From = "fc", Name = "silu")]
[HardSigmoid(From = "fc", Name = "hsig")]
[HardSwish(From = "fc", Name = "hswish")]
[Mish(From = "fc", Name = "mish")]
[ReLU(From = "fc", Name = "relu")]
[ReLU6(From = "fc", Name = "relu6")]
[PReLU(Channelwise = true, From = "fc", Name = "prelu")]
[Softmax(From = "fc", Name = "softmax")]
[LeakyReLU(From = "fc", Name = "leaky_default")]
[Concatenate("sig", "tanh", "leaky", "elu", "gelu", "gelu_tanh", "silu", "hsig", "hswish", "mish", "relu", "relu6", "prelu", "softmax", "leaky_default")]
[Dense(3, Activation = Activation.Tanh, Name = "head")]
public partial class Activations { }

[Network, Input(4, 6, 6)]
[Conv2D(4, 3, Pad = 1, Name = "a")]
[Conv2D(4, 1, From = "input", Name = "b")]
[Add("a", "b", "input", Name = "total")]
[Subtract("a", "b", Name = "difference")]
[Multiply("a", "b", Name = "product")]
[Average("a", "b", "input", Name = "mean")]
[Maximum("a", "b", "input", Name = "high")]
[Minimum("a", "b", Name = "low")]
[GlobalAveragePooling2D(From = "total", Name = "pool")]
[Dense(2, Name = "squeeze"), ReLU(Name = "squeeze_relu"), Dense(4, Name = "excite"), Sigmoid(Name = "excite_sigmoid")]
[Reshape(4, 1, 1, Name = "gate")]
[Multiply("total", "gate", Name = "scaled")]
[Concatenate("difference", "product", "mean", "high", "low", "scaled", Name = "all")]
[Conv2D(3, 1, Activation = Activation.Sigmoid, Name = "out")]
public partial class Merges { }

[Network, Input(8, 5, 5)]
[BatchNorm(Epsilon = 1e-4, Momentum = 0.8, Name = "bn")]
[GroupNormalization(4, Epsilon = 1e-5, Name = "gn")]
[InstanceNormalization(Name = "inorm")]
[BatchNorm(Affine = false, Name = "bn_plain")]
[BatchNorm(TrackRunningStats = false, Name = "bn_batch")]
[Flatten(Name = "flat")]
[LayerNormalization(Name = "ln")]
[Dense(6, UseBias = false, Name = "fc")]
[BatchNorm(Name = "bn_flat")]
public partial class Norms { }

[Network, Input(4, 11)]
[Conv1D(6, 3, 2, Padding = Padding.Same, Name = "same")]
[Conv1D(6, 3, Pad = 2, Dilation = 2, Groups = 2, UseBias = false, Name = "dilated")]
[BatchNorm(Name = "bn")]
[LayerNormalization(Name = "ln")]
[Permute(2, 1, Name = "permute")]
[Reshape(-1, Name = "reshape")]
[Dense(3, Name = "fc")]
public partial class Sequences { }

[Network, Input(4, 5, 5)]
[Conv2DTranspose(4, 2, 2, Name = "up")]
[Conv2DTranspose(4, 3, 2, Pad = 1, OutputPadding = 1, UseBias = false, Name = "up_padded")]
[UpSampling2D(4, From = "input", Name = "b")]
[UpSampling2D(2, Interpolation = Interpolation.Bilinear, From = "input", Name = "c_half")]
[UpSampling2D(2, Interpolation = Interpolation.Bilinear, AlignCorners = true, Name = "c")]
[Concatenate("up_padded", "b", Name = "ab")]
[ChannelShuffle(2, Name = "shuffled")]
[Chunk(2, 1, Name = "second")]
[Chunk(4, 3, From = "ab", Name = "last")]
[Concatenate("up_padded", "b", "c", "shuffled", "second", "last", Name = "all")]
[Conv2D(3, 1, Name = "mix")]
public partial class Resampling { }

/// <summary>ResNet's basic block: the projection exists only where the shape changes.</summary>
[Conv2D("filters", 3, "strides", Pad = 1, UseBias = false, Name = "conv1")]
[BatchNorm(Name = "bn1"), ReLU(Name = "relu1")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Conv2D("filters", 1, "strides", UseBias = false, From = "input", Name = "proj", When = "strides != 1 || inputChannels != filters")]
[BatchNorm(Name = "proj_bn", When = "strides != 1 || inputChannels != filters")]
[Add("bn2", "proj_bn", Name = "sum")]
[ReLU(Name = "out")]
public sealed class BasicAttribute : BlockAttribute
{
    public BasicAttribute(int filters, int strides = 1) { }
}

[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 12, 12)]
[Conv2D(8, 3, Pad = 1, UseBias = false, Name = "stem"), BatchNorm(Name = "stem_bn"), ReLU(Name = "stem_relu")]
[MaxPooling2D(3, 2, Pad = 1, Name = "pool")]
[Basic(8, Name = "block1")]
[Basic(16, 2, Name = "block2")]
[Basic(16, Name = "block3")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(5, Name = "fc")]
public partial class Residual { }

/// <summary>A 3×3 convolution with the block's input added back (the residual shortcut without names).</summary>
[Conv2D(4, 3, Pad = 1, Name = "conv"), Add(Name = "shortcut")]
public sealed class ShortcutAttribute : BlockAttribute { }

[Network, Input(3, 8, 8)]
[Conv2D(4, 3, 2, Padding = Padding.Same, Name = "same")]
[Shortcut(Name = "res")]
[MaxPooling2D(3, 2, Padding = Padding.Same, Name = "y")]
[AveragePooling2D(3, 1, Pad = 1, From = "res", Name = "z")]
[Conv2D(4, 5, 2, Padding = Padding.Half, Name = "wide")]
[Concatenate("y", "wide")]
public partial class SamePadding { }

/// <summary>Space-to-depth by 2 (PyTorch's pixel_unshuffle) with a learned per-channel scale, written in TorchSharp.</summary>
public sealed class SpaceToDepth : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, NetDsl.Onnx.IOnnxExportable
{
    private readonly TorchSharp.Modules.Parameter scale;
    private readonly Shape input;

    public SpaceToDepth(Shape input) : base(nameof(SpaceToDepth))
    {
        this.input = input;
        scale = new TorchSharp.Modules.Parameter(TorchSharp.torch.ones(input.Channels * 4, 1, 1));
        RegisterComponents();
    }

    /// <summary>A custom layer's own ONNX nodes: the same reshape, permutation and scale as its forward.</summary>
    string NetDsl.Onnx.IOnnxExportable.ExportOnnx(NetDsl.Onnx.OnnxGraph graph, System.Collections.Generic.IReadOnlyList<string> inputs)
    {
        var (c, h, w) = (input.Channels, input.Height / 2, input.Width / 2);
        var split = graph.Node("Reshape", new[] { inputs[0], graph.Longs(0, c, h, 2, w, 2) }, new[] { c, h, 2, w, 2 });
        var moved = graph.Node("Transpose", new[] { split }, new[] { c, 2, 2, h, w }, NetDsl.Onnx.OnnxAttribute.Ints("perm", 0, 1, 3, 5, 2, 4));
        var joined = graph.Node("Reshape", new[] { moved, graph.Longs(0, c * 4, h, w) }, new[] { c * 4, h, w });
        return graph.Node("Mul", new[] { joined, graph.Parameter(scale, "scale") }, new[] { c * 4, h, w });
    }

    public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.reshape(n, c, h / 2, 2, w / 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(n, c * 4, h / 2, w / 2) * scale;
    }
}

[Network, Input(3, 6, 6)]
[Conv2D(3, 1, Name = "conv")]
[Custom(typeof(SpaceToDepth), "inputChannels * 4", "inputHeight / 2", "inputWidth / 2", Parameters = 12, Name = "s2d")]
[Conv2D(2, 1, Name = "head")]
public partial class CustomLayer { }

[Network, Input(3, 9, 11)]
[Conv2D(4, 1, KernelWidth = 7, PadWidth = 3, Name = "row")]
[Conv2D(4, 3, KernelHeight = 5, StrideWidth = 2, PadHeight = 2, Name = "tall")]
[MaxPooling2D(3, 2, CeilMode = true)]
[DepthwiseConv2D(3, KernelWidth = 1, Pad = 1, Name = "column")]
[MaxPooling2D(3, 2, Pad = 1, CeilMode = true)]
public partial class NonSquare { }

[Network, Input(4, 8, 8)]
[SeparableConv2D(6, 3, Pad = 1, DepthMultiplier = 2, Activation = Activation.ReLU, Name = "sep")]
[SeparableConv2D(5, 3, 2, Padding = Padding.Same, UseBias = false, Name = "sep_same")]
public partial class Separable { }

[Network, Input(3, 4, 4)]
[Conv2D(3, 1, Name = "conv")]
[Dropout(0.5), SpatialDropout2D(0.5), AlphaDropout(0.5)]
[Flatten]
public partial class Dropouts { }

/// <summary>A block whose activation is an enum parameter, and whose sizes and options are expressions.</summary>
[Conv2D("filters", 3, Pad = "dilation", Dilation = "dilation", Groups = "groups", UseBias = "groups == 1", Name = "conv")]
[Activation("act", Name = "act")]
[BatchNorm(When = "act == Activation.ReLU", Name = "bn")]
public sealed class ConvActAttribute : BlockAttribute
{
    public ConvActAttribute(int filters, int groups, int dilation, Activation act) { }

    public ConvActAttribute(object filters, object groups, object dilation, object act) { }
}

[Network, Input(4, 9, 9)]
[ConvAct(8, 2, 2, Activation.HardSwish, Name = "first")]
[ConvAct(8, 1, 1, Activation.ReLU, Name = "second")]
[Conv2D(6, 1, Activation = Activation.SiLU, Name = "point")]
[Activation(Activation.None, Name = "same")]
[AveragePooling2D(3, 2, Pad = 1, CeilMode = true, Name = "ceil")]
[AveragePooling2D(3, 1, Pad = 1, CountIncludePad = true, From = "same", Name = "counted")]
[AveragePooling2D(2, 2, CeilMode = true, CountIncludePad = true, From = "same", Name = "ceil_unpadded")]
[AveragePooling2D(2, 2, Padding = Padding.Same, CountIncludePad = true, From = "same", Name = "same_counted")]
[Flatten(From = "ceil", Name = "f1"), Flatten(From = "counted", Name = "f2"), Flatten(From = "ceil_unpadded", Name = "f3"), Flatten(From = "same_counted", Name = "f4")]
[Concatenate("f1", "f2", "f3", "f4")]
public partial class Options { }

/// <summary>A U-Net decoder level as a block of two inputs: the map to upsample and the skip connection.</summary>
[BlockInputs("x", "skip")]
[UpSampling2D(2, Name = "up")]
[Concatenate("up", "skip", Name = "cat")]
[Conv2D("filters", 3, Pad = 1, Name = "conv"), ReLU(Name = "relu")]
public sealed class UpLevelAttribute : BlockAttribute
{
    public UpLevelAttribute(int filters) { }
}

[Network, Input(3, 8, 8)]
[Conv2D(4, 3, Pad = 1, Name = "enc"), ReLU(Name = "enc_relu")]
[MaxPooling2D(2, Name = "down")]
[Conv2D(8, 3, Pad = 1, Name = "mid")]
[UpLevel(4, From = "mid, enc_relu", Name = "dec")]
[Conv2D(2, 1, Name = "head")]
public partial class TwoInputs { }
