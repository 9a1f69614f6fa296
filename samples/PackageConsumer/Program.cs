using NetDsl;
using static TorchSharp.torch;

// Built by CI against the packed NetDsl NuGet package, as a user's project would be: generator, analyzer and the
// native-library fix all come from the package.
using var model = new Tiny();
System.Console.WriteLine(Tiny.Summary);
var output = model.forward(randn(2, 1, 28, 28));
System.Console.WriteLine($"package consumer: output [{string.Join(", ", output.shape)}], expected {Tiny.OutputShape}");
return output.shape[1] == Tiny.OutputShape.Channels ? 0 : 1;

[Network, Input(1, 28, 28)]
[Conv2D(8, 3, 2, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU6]
[GlobalAveragePooling2D, Dense(10)]
public partial class Tiny { }
