using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NetDsl.Tests;

/// <summary>The seed MobileNetV2 written by hand in TorchSharp, as a reference for the generated module.</summary>
internal sealed class HandWrittenMobileNetV2 : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear classifier;

    public HandWrittenMobileNetV2(int classes) : base("HandWrittenMobileNetV2")
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            ZeroPad2d((0, 1, 0, 1)), Conv2d(3, 32, 3, stride: 2, bias: false), Norm(32), ReLU6(),
            Conv2d(32, 32, 3, padding: 1, groups: 32, bias: false), Norm(32), ReLU6(),
            Conv2d(32, 16, 1, bias: false), Norm(16),
        };
        var blocks = new (int Out, int Stride, bool Shortcut)[]
        {
            (24, 2, false), (24, 1, true), (32, 2, false), (32, 1, true), (32, 1, true), (64, 2, false), (64, 1, true),
            (64, 1, true), (64, 1, true), (96, 1, false), (96, 1, true), (96, 1, true), (160, 2, false), (160, 1, true),
            (160, 1, true), (320, 1, false),
        };
        var channels = 16;
        foreach (var (outChannels, stride, shortcut) in blocks)
        {
            layers.Add(new InvertedResidual(channels, outChannels, stride, shortcut));
            channels = outChannels;
        }
        layers.Add(Conv2d(320, 1280, 1, bias: false));
        layers.Add(Norm(1280));
        layers.Add(ReLU6());
        features = Sequential(layers);
        classifier = Linear(1280, classes);
        RegisterComponents();
    }

    private static BatchNorm2d Norm(long channels) => BatchNorm2d(channels, eps: 1e-3, momentum: 0.01);

    public override Tensor forward(Tensor input) => classifier.forward(features.forward(input).mean(new long[] { 2, 3 }));

    private sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly bool shortcut;

        public InvertedResidual(long inChannels, long outChannels, long stride, bool shortcut) : base("InvertedResidual")
        {
            var hidden = inChannels * 6;
            var layers = new List<Module<Tensor, Tensor>> { Conv2d(inChannels, hidden, 1, bias: false), Norm(hidden), ReLU6() };
            if (stride == 2)
            {
                layers.Add(ZeroPad2d((0, 1, 0, 1)));
                layers.Add(Conv2d(hidden, hidden, 3, stride: 2, groups: hidden, bias: false));
            }
            else
            {
                layers.Add(Conv2d(hidden, hidden, 3, padding: 1, groups: hidden, bias: false));
            }
            layers.Add(Norm(hidden));
            layers.Add(ReLU6());
            layers.Add(Conv2d(hidden, outChannels, 1, bias: false));
            layers.Add(Norm(outChannels));
            body = Sequential(layers);
            this.shortcut = shortcut;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => shortcut ? input + body.forward(input) : body.forward(input);
    }
}
