using NetDsl;

namespace NetDsl.Samples.Models;

/// <summary>Experiment E1: 784 → Dense 32 → BN → ReLU → Dense 32 → BN → ReLU → Dense 10 (BN's offset replaces the bias).</summary>
[Network, Input(784)]
[Dense(32, UseBias = false), BatchNorm, ReLU]
[Dense(32, UseBias = false), BatchNorm, ReLU]
[Dense(10)]
public partial class MnistMlpBatchNorm
{
}

/// <summary>Experiment E1's baseline: the same MLP without BatchNorm (with biases).</summary>
[Network, Input(784)]
[Dense(32), ReLU]
[Dense(32), ReLU]
[Dense(10)]
public partial class MnistMlp
{
}

/// <summary>Experiment E2: [Dense 256 → ReLU → Dropout 0.5] × 2 → Dense 10.</summary>
[Network, Input(784)]
[Dense(256), ReLU, Dropout(0.5)]
[Dense(256), ReLU, Dropout(0.5)]
[Dense(10)]
public partial class MnistDropoutMlp
{
}

/// <summary>Experiment E2 with BatchNorm: [Dense 256 → BN → ReLU → Dropout 0.5] × 2 → Dense 10.</summary>
[Network, Input(784)]
[Dense(256, UseBias = false), BatchNorm, ReLU, Dropout(0.5)]
[Dense(256, UseBias = false), BatchNorm, ReLU, Dropout(0.5)]
[Dense(10)]
public partial class MnistBatchNormMlp
{
}
