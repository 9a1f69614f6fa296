using NetDsl;

namespace NetDsl.Tests;

// Small networks for the training runtime tests.

/// <summary>2 features → 4 classes, with BatchNorm and Dropout so train/eval modes matter.</summary>
[Network, Input(2)]
[Dense(32, UseBias = false), BatchNorm, ReLU, Dropout(0.1)]
[Dense(4)]
public partial class BlobNet
{
}

/// <summary>The same layers with L2 on every kernel and bias, and L1 on the output kernel.</summary>
[Network, Input(2), DefaultRegularizer(L2 = 0.01, Biases = true)]
[Dense(32, UseBias = false), BatchNorm, ReLU, Dropout(0.1)]
[Dense(4, KernelL1 = 0.001)]
public partial class RegularizedBlobNet
{
}

/// <summary>BlobNet with 16 hidden units: a different shape for checkpoint mismatch tests.</summary>
[Network, Input(2)]
[Dense(16, UseBias = false), BatchNorm, ReLU, Dropout(0.1)]
[Dense(4)]
public partial class NarrowBlobNet
{
}

/// <summary>A tiny image network, for the image transforms.</summary>
[Network, Input(3, 12, 12)]
[Conv2D(4, 3, 2, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU6]
[GlobalAveragePooling2D]
[Dense(10)]
public partial class TinyImageNet
{
}

/// <summary>No Dropout: its training is fully determined by the weights and the batches.</summary>
[Network, Input(2)]
[Dense(32), ReLU]
[Dense(4)]
public partial class PlainBlobNet
{
}

/// <summary>Keras' initialization, declared on the network.</summary>
[Network(Initialization = WeightInitialization.GlorotUniform), Input(100)]
[Dense(50), ReLU]
[Dense(10)]
public partial class GlorotNet
{
}

/// <summary>A variant keeps its base's initialization.</summary>
[Variant(typeof(GlorotNet)), DefaultRegularizer(L2 = 0.01)]
public partial class GlorotL2Net
{
}

/// <summary>The same layers with TorchSharp's initialization.</summary>
[Network, Input(100)]
[Dense(50), ReLU]
[Dense(10)]
public partial class TorchInitNet
{
}
