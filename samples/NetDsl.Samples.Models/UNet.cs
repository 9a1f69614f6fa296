using NetDsl;

// The U-Net family from one recursive definition: a level holds the next one while levels remain, so the depth and
// the base width are parameters. Keys flatten the nesting into the usual names (enc1 … enc4, bottom, up4 … up1,
// dec4 … dec1, head), those of the PyTorch module the parity test compares against.
namespace NetDsl.Samples.Models;

/// <summary>
/// One U-Net level of <c>filters</c> channels: its encoder unit, and while <c>depth</c> levels remain below it, a 2×2
/// max pooling, the next level at twice the width, a 2×2 stride-2 transposed convolution back to this size, the
/// encoder's output concatenated before it (the skip connection), and the decoder unit. The deepest level is the
/// bottleneck alone. The output has the input's size and <c>filters</c> channels.
/// </summary>
[DoubleConv("filters", Name = "encoder", Key = "enc{level}", When = "depth > 0")]
[DoubleConv("filters", Name = "encoder", Key = "bottom", When = "!(depth > 0)")]
[MaxPooling2D(2, Name = "pool", When = "depth > 0")]
[UNetLevel("depth - 1", "filters * 2", "level + 1", Name = "below", Key = "", When = "depth > 0")]
[Conv2DTranspose("filters", 2, 2, Name = "up", Key = "up{level}", When = "depth > 0")]
[Concatenate("encoder", "up", Name = "skip", When = "depth > 0")]
[DoubleConv("filters", Name = "decoder", Key = "dec{level}", When = "depth > 0")]
public sealed class UNetLevelAttribute : BlockAttribute
{
    /// <param name="depth">Levels below this one (poolings to the bottleneck).</param>
    /// <param name="filters">Channels of this level's units.</param>
    /// <param name="level">This level's number, 1 at the top (its keys: enc1, up1, dec1).</param>
    public UNetLevelAttribute(int depth, int filters, int level = 1) { }

    /// <summary>Any argument as an expression over the enclosing block's parameters.</summary>
    public UNetLevelAttribute(string depth, string filters, string level) { }
}

/// <summary>A U-Net of <c>depth</c> poolings with <c>width</c> channels at the top, and a 1×1 convolution to a score per class and pixel.</summary>
[UNetLevel("depth", "width", "1", Name = "levels", Key = "")]
[Conv2D("classes", 1, Name = "head")]
public sealed class UNetAttribute : BlockAttribute
{
    /// <param name="depth">Poolings (4 in the original U-Net).</param>
    /// <param name="width">Channels at the top level (64 in the original), doubled at each level below.</param>
    /// <param name="classes">Output channels: a score per class.</param>
    public UNetAttribute(int depth, int width, int classes) { }
}

/// <summary>The original U-Net's shape (4 levels from 64 channels, BatchNorm after each convolution, 2 classes) on 256×256 RGB images.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 256, 256)]
[UNet(4, 64, 2, Name = "unet", Key = "")]
public partial class UNet4 { }

/// <summary>A 4-level U-Net from 16 channels on 64×64 RGB images, 2 classes: the one the PyTorch parity test builds too.</summary>
[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(3, 64, 64)]
[UNet(4, 16, 2, Name = "unet", Key = "")]
public partial class UNet4Width16 { }
