using NetDsl;

// Graph networks: branches read earlier outputs by name (From), merges name what they merge. Each one is trained
// for an epoch on the shipped MNIST by the graph smoke run (GraphTrainingTests, docs/layers.md).
namespace NetDsl.Samples.Models;

/// <summary>
/// ResNet's basic block (torchvision's BasicBlock): two 3×3 convolutions, and a strided 1×1 projection of the input
/// only where the shape changes (more filters or a stride); otherwise the input itself is added.
/// </summary>
[Conv2D("filters", 3, "strides", Pad = 1, UseBias = false, Name = "conv1")]
[BatchNorm(Name = "bn1"), ReLU(Name = "relu")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Conv2D("filters", 1, "strides", UseBias = false, From = "input", Name = "downsample", When = "strides != 1 || inputChannels != filters")]
[BatchNorm(Name = "downsample_bn", When = "strides != 1 || inputChannels != filters")]
[Add("bn2", "downsample_bn", Name = "add")]
[ReLU(Name = "out")]
public sealed class BasicBlockAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="strides">Stride of the first convolution (and of the projection).</param>
    public BasicBlockAttribute(int filters, int strides = 1) { }

    /// <inheritdoc cref="BasicBlockAttribute(int, int)"/>
    public BasicBlockAttribute(int filters, string strides) { }
}

/// <summary>A small ResNet for 28×28 digits: three stages of two basic blocks, the first of each stage strided.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[Conv2D(16, 3, Pad = 1, UseBias = false, Name = "stem"), BatchNorm(Name = "stem_bn"), ReLU(Name = "stem_relu")]
[BasicBlock(16, Repeat = "2", Name = "layer1")]
[BasicBlock(32, "repeatIndex == 0 ? 2 : 1", Repeat = "2", Name = "layer2")]
[BasicBlock(64, "repeatIndex == 0 ? 2 : 1", Repeat = "2", Name = "layer3")]
[GlobalAveragePooling2D(Name = "pool")]
[Dense(10, Name = "fc")]
public partial class SmallResNet { }

/// <summary>Convolution, BatchNorm, ReLU: torchvision's BasicConv2d, with PyTorch's kernel // 2 padding.</summary>
[Conv2D("filters", "kernel", Padding = Padding.Half, UseBias = false, Name = "conv")]
[BatchNorm(Epsilon = 0.001, Name = "bn"), ReLU(Name = "relu")]
public sealed class ConvBnAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="kernel">Square kernel side (odd, so the size is kept).</param>
    public ConvBnAttribute(int filters, int kernel = 1) { }

    /// <summary>Either argument as a constant or an expression over the enclosing block's parameters ("c3").</summary>
    public ConvBnAttribute(object filters, object? kernel = null) { }
}

/// <summary>
/// GoogLeNet's Inception module: 1×1, 1×1→3×3, 1×1→5×5 and 3×3-max-pool→1×1 branches on the same input, joined on
/// the channels (c1 + c3 + c5 + pool channels out).
/// </summary>
[ConvBn("c1", Name = "branch1")]
[ConvBn("c3reduce", From = "input", Name = "branch2_reduce"), ConvBn("c3", 3, Name = "branch2")]
[ConvBn("c5reduce", From = "input", Name = "branch3_reduce"), ConvBn("c5", 5, Name = "branch3")]
[MaxPooling2D(3, 1, Pad = 1, From = "input", Name = "branch4_pool"), ConvBn("pool", Name = "branch4")]
[Concatenate("branch1", "branch2", "branch3", "branch4", Name = "concat")]
public sealed class InceptionAttribute : BlockAttribute
{
    /// <param name="c1">Channels of the 1×1 branch.</param>
    /// <param name="c3reduce">Channels of the 1×1 before the 3×3.</param>
    /// <param name="c3">Channels of the 3×3 branch.</param>
    /// <param name="c5reduce">Channels of the 1×1 before the 5×5.</param>
    /// <param name="c5">Channels of the 5×5 branch.</param>
    /// <param name="pool">Channels of the 1×1 after the max pooling.</param>
    public InceptionAttribute(int c1, int c3reduce, int c3, int c5reduce, int c5, int pool) { }
}

/// <summary>Two Inception modules, a pooling, a third module, and a linear classifier.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[ConvBn(32, 3, Name = "stem")]
[MaxPooling2D(2, Name = "stem_pool")]
[Inception(16, 16, 24, 4, 8, 8, Name = "inception1")]
[Inception(24, 24, 32, 8, 12, 12, Name = "inception2")]
[MaxPooling2D(3, 2, Pad = 1, Name = "pool")]
[Inception(32, 24, 48, 8, 16, 16, Name = "inception3")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(10, Name = "fc")]
public partial class SmallInception { }

/// <summary>U-Net's double convolution: two 3×3 convolutions that keep the size, each with BatchNorm and ReLU.</summary>
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU(Name = "relu1")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2"), BatchNorm(Name = "bn2"), ReLU(Name = "relu2")]
public sealed class DoubleConvAttribute : BlockAttribute
{
    /// <param name="filters">Output channels of both convolutions.</param>
    public DoubleConvAttribute(int filters) { }

    /// <summary>The filters as an expression over the enclosing block's parameters ("filters * 2").</summary>
    public DoubleConvAttribute(string filters) { }
}

/// <summary>
/// A two-level U-Net: the encoder halves the size twice, the decoder doubles it back with transposed convolutions
/// and concatenates the encoder's output of the same size (the skip connections). A classifier on the decoder's
/// output trains it on digits here; a 1×1 convolution to the classes in its place would segment.
/// </summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[DoubleConv(16, Name = "enc1")]
[MaxPooling2D(2, Name = "down1")]
[DoubleConv(32, Name = "enc2")]
[MaxPooling2D(2, Name = "down2")]
[DoubleConv(64, Name = "bottom")]
[Conv2DTranspose(32, 2, 2, Name = "up2")]
[Concatenate("up2", "enc2", Name = "skip2")]
[DoubleConv(32, Name = "dec2")]
[Conv2DTranspose(16, 2, 2, Name = "up1")]
[Concatenate("up1", "enc1", Name = "skip1")]
[DoubleConv(16, Name = "dec1")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(10, Name = "fc")]
public partial class SmallUNet { }

/// <summary>
/// A ResNet basic block with Squeeze-and-Excitation: the block's output is scaled per channel by a gate computed
/// from its global average (squeeze to filters / reduction, excite back, sigmoid), then the shortcut is added.
/// </summary>
[Conv2D("filters", 3, "strides", Pad = 1, UseBias = false, Name = "conv1"), BatchNorm(Name = "bn1"), ReLU(Name = "relu")]
[Conv2D("filters", 3, Pad = 1, UseBias = false, Name = "conv2"), BatchNorm(Name = "bn2")]
[GlobalAveragePooling2D(Name = "squeeze")]
[Dense("filters / reduction", Name = "fc1"), ReLU(Name = "fc1_relu")]
[Dense("filters", Name = "fc2"), Sigmoid(Name = "gate")]
[Reshape(-1, 1, 1, Name = "gate_map")]
[Multiply("bn2", "gate_map", Name = "scale")]
[Conv2D("filters", 1, "strides", UseBias = false, From = "input", Name = "downsample", When = "strides != 1 || inputChannels != filters")]
[BatchNorm(Name = "downsample_bn", When = "strides != 1 || inputChannels != filters")]
[Add("scale", "downsample_bn", Name = "add")]
[ReLU(Name = "out")]
public sealed class SEBasicBlockAttribute : BlockAttribute
{
    /// <param name="filters">Output channels.</param>
    /// <param name="strides">Stride of the first convolution.</param>
    /// <param name="reduction">How much the gate's hidden layer squeezes the channels (16 in the SE paper).</param>
    public SEBasicBlockAttribute(int filters, int strides = 1, int reduction = 4) { }
}

/// <summary>A small SE-ResNet: SE basic blocks in three stages.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(1, 28, 28)]
[Conv2D(16, 3, Pad = 1, UseBias = false, Name = "stem"), BatchNorm(Name = "stem_bn"), ReLU(Name = "stem_relu")]
[SEBasicBlock(16, Name = "block1")]
[SEBasicBlock(32, 2, Name = "block2")]
[SEBasicBlock(64, 2, Name = "block3")]
[GlobalAveragePooling2D(Name = "pool")]
[Dense(10, Name = "fc")]
public partial class SmallSEResNet { }
