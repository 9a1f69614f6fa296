using NetDsl;

namespace NetDsl.Samples.Models;

// The seed networks at 32×32: the same layers (a variant changes only the input), so the MobileNetV2 experiments
// train on a CPU in minutes. 32 is the smallest size that MobileNetV2's five stride-2 stages leave at 1×1.

/// <summary>MobileNetV2 (experiment A) on 32×32 inputs.</summary>
[Variant(typeof(MobileNetV2)), Input(3, 32, 32)]
public partial class MobileNetV2At32
{
}

/// <summary>Experiment B's L1 run on 32×32 inputs.</summary>
[Variant(typeof(MobileNetV2L1)), Input(3, 32, 32)]
public partial class MobileNetV2L1At32
{
}

/// <summary>Experiments B and C's L2 run (with BN) on 32×32 inputs.</summary>
[Variant(typeof(MobileNetV2L2)), Input(3, 32, 32)]
public partial class MobileNetV2L2At32
{
}

/// <summary>Experiment C's L2-only run (no BatchNorm) on 32×32 inputs.</summary>
[Variant(typeof(MobileNetV2L2NoBatchNorm)), Input(3, 32, 32)]
public partial class MobileNetV2L2NoBatchNormAt32
{
}

/// <summary>Experiment D's BN-after-activation run on 32×32 inputs.</summary>
[Variant(typeof(MobileNetV2BatchNormAfter)), Input(3, 32, 32)]
public partial class MobileNetV2BatchNormAfterAt32
{
}
