using NetDsl;

namespace NetDsl.Tests;

// Small networks compiled by the generator in this project, covering the layers the seeds do not use.

/// <summary>A block with conditional layers and every pooling/padding form.</summary>
[Conv2D("filters", 3, "strides", Name = "conv", Padding = Padding.Same)]
[ReLU(Name = "relu")]
[MaxPooling2D(3, 2, Name = "pool", Padding = Padding.Same, When = "pool")]
[Dropout(0.25, Name = "drop")]
public sealed class StageAttribute : BlockAttribute
{
    public StageAttribute(int filters, int strides, bool pool) { }
}

[Network, Input(3, 15, 17)]
[ZeroPadding2D(1, 2)]
[Stage(8, 2, true)]
[Stage(12, 1, false)]
[AveragePooling2D(3, 2, Padding = Padding.Same)]
[MaxPooling2D(2)]
[Flatten]
[Dense(7, KernelL1 = 0.01, BiasL2 = 0.02)]
public partial class EveryLayerNet
{
}

[Network(BatchNormDefaults = BatchNormDefaults.Torch), Input(4, 9, 9)]
[Conv2D(6, 2, 2, Padding = Padding.Same, UseBias = false), BatchNorm]
[GlobalAveragePooling2D]
[Dense(3)]
public partial class TorchDefaultsNet
{
}
