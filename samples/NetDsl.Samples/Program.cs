using System;
using System.Diagnostics;
using NetDsl.Samples.Models;
using TorchSharp;
using static TorchSharp.torch;

// The seed MobileNetV2's compile-time summary and one forward/backward pass on the CPU; with "graphs [count]", the
// graph samples (ResNet, Inception, U-Net, SE-ResNet) each trained for one epoch on the shipped MNIST.
if (args.Length > 0 && args[0] == "graphs")
{
    return GraphSmokeRun.Run(args.Length > 1 && int.TryParse(args[1], out var count) ? count : int.MaxValue);
}
var batch = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 2;

Console.WriteLine(MobileNetV2.Summary);
Console.WriteLine();
Console.WriteLine($"Compile-time constants: input {MobileNetV2.InputShape}, output {MobileNetV2.OutputShape}, " +
                  $"{MobileNetV2.TrainableParameters:N0} trainable, {MobileNetV2.NonTrainableParameters:N0} non-trainable, " +
                  $"{MobileNetV2.MultiplyAdds / 1e6:F1}M multiply-adds per image.");

torch.manual_seed(0);
using var model = new MobileNetV2();
long counted = 0;
foreach (var p in model.parameters())
{
    counted += p.numel();
}
Console.WriteLine($"TorchSharp counts {counted:N0} trainable parameters in the generated module.");

using (var scope = NewDisposeScope())
{
    var images = randn(batch, 3, 224, 224);
    var stopwatch = Stopwatch.StartNew();
    var logits = model.forward(images);
    var forwardMs = stopwatch.Elapsed.TotalMilliseconds;
    var loss = nn.functional.cross_entropy(logits, zeros(batch, dtype: ScalarType.Int64));
    loss.backward();
    Console.WriteLine($"forward of [{string.Join(", ", images.shape)}] → [{string.Join(", ", logits.shape)}] in {forwardMs:F0} ms on {images.device}; " +
                      $"backward done, loss {loss.item<float>():F4}.");
}

try
{
    model.forward(randn(1, 1, 28, 28));
}
catch (NetDsl.InputShapeException e)
{
    Console.WriteLine($"A wrong input is refused before libtorch sees it: {e.Message}");
}
return 0;
