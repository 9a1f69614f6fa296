using NetDsl;
using NetDsl.Onnx;
using static TorchSharp.torch;

// Built by CI against the packed NetDsl and NetDsl.OnnxRuntime NuGet packages, as a user's project would be:
// generator, analyzer and the native-library fix all come from the package; the network is exported to ONNX and
// served by ONNX Runtime.
using var model = new Tiny();
model.eval();
System.Console.WriteLine(Tiny.Summary);
using var input = randn(2, 1, 28, 28);
using var output = model.forward(input);
System.Console.WriteLine($"package consumer: output [{string.Join(", ", output.shape)}], expected {Tiny.OutputShape}");

var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tiny-{System.Environment.ProcessId}.onnx");
model.SaveOnnx(path);
using var served = OnnxNetwork.Load<Tiny>(path);
using var onnx = served.Run(input);
var difference = (onnx - output).abs().max().item<float>();
System.IO.File.Delete(path);
System.Console.WriteLine($"package consumer: ONNX Runtime output equals TorchSharp's within {difference:E1}");
return output.shape[1] == Tiny.OutputShape.Channels && difference < 1e-4 ? 0 : 1;

[Network, Input(1, 28, 28)]
[Conv2D(8, 3, 2, Padding = Padding.Same, UseBias = false), BatchNorm, ReLU6]
[GlobalAveragePooling2D, Dense(10)]
public partial class Tiny { }
