using System;
using System.Linq;
using FluentAssertions;
using NetDsl.Samples.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
// TorchVision (referenced for TorchVisionPortTests) has a TorchSharp.Modules.MobileNetV2 too.
using MobileNetV2 = NetDsl.Samples.Models.MobileNetV2;

namespace NetDsl.Tests;

/// <summary>The generated modules running on the CPU.</summary>
[Collection(TorchCollection.Name)]
public sealed class RuntimeTests
{
    private static long Count(System.Collections.Generic.IEnumerable<Tensor> tensors) => tensors.Sum(t => t.numel());

    private static long RunningStatistics(nn.Module module) =>
        module.named_buffers().Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal) || b.name.EndsWith("running_var", StringComparison.Ordinal))
            .Sum(b => b.buffer.numel());

    [Theory]
    [InlineData(typeof(MobileNetV2))]
    [InlineData(typeof(MobileNetV2ImageNet))]
    [InlineData(typeof(MobileNetV2L1))]
    [InlineData(typeof(MobileNetV2L2))]
    [InlineData(typeof(MobileNetV2L2NoBatchNorm))]
    [InlineData(typeof(MobileNetV2BatchNormAfter))]
    [InlineData(typeof(MnistMlpBatchNorm))]
    [InlineData(typeof(MnistMlp))]
    [InlineData(typeof(MnistDropoutMlp))]
    [InlineData(typeof(MnistBatchNormMlp))]
    [InlineData(typeof(EveryLayerNet))]
    [InlineData(typeof(TorchDefaultsNet))]
    public void Forward_gives_the_compile_time_output_shape_and_parameter_counts(Type network)
    {
        using var scope = NewDisposeScope();
        var module = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(network, new object?[] { null })!;
        var input = (Shape)network.GetProperty("InputShape")!.GetValue(null)!;
        var output = (Shape)network.GetProperty("OutputShape")!.GetValue(null)!;
        module.eval();
        var y = module.forward(randn(input.WithBatch(2)));
        y.shape.Should().Equal(output.WithBatch(2));
        Count(module.parameters()).Should().Be((long)network.GetField("TrainableParameters")!.GetValue(null)!);
        RunningStatistics(module).Should().Be((long)network.GetField("NonTrainableParameters")!.GetValue(null)!);
    }

    [Fact]
    public void Seed_MobileNetV2_has_the_reference_sizes()
    {
        MobileNetV2ImageNet.TrainableParameters.Should().Be(3_504_872);
        MobileNetV2ImageNet.NonTrainableParameters.Should().Be(34_112);
        MobileNetV2.TrainableParameters.Should().Be(2_236_682);
        MobileNetV2.NonTrainableParameters.Should().Be(34_112);
        using var imageNet = new MobileNetV2ImageNet();
        Count(imageNet.parameters()).Should().Be(3_504_872);
        RunningStatistics(imageNet).Should().Be(34_112);
        using var tenClasses = new MobileNetV2();
        Count(tenClasses.parameters()).Should().Be(2_236_682);
    }

    [Fact]
    public void Names_are_the_state_dict_keys_users_wrote()
    {
        using var model = new MobileNetV2();
        var keys = model.state_dict().Keys.ToList();
        keys.Should().Contain("features.bottleneck_1.expand.conv.weight")
            .And.Contain("features.bottleneck_16.project_bn.running_var")
            .And.Contain("features.stem_conv.weight")
            .And.Contain("classifier.bias");
        using var after = new MobileNetV2BatchNormAfter();
        after.state_dict().Keys.Should().BeEquivalentTo(keys, "moving BatchNorm keeps every name");
        using var noBatchNorm = new MobileNetV2L2NoBatchNorm();
        noBatchNorm.state_dict().Keys.Should().BeSubsetOf(keys).And.NotContain(k => k.Contains("bn.", StringComparison.Ordinal));
        noBatchNorm.modules().OfType<BatchNorm2d>().Should().BeEmpty();
    }

    [Fact]
    public void Regularization_loss_equals_a_hand_computation()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        using var l2 = new MobileNetV2L2();
        var expectedL2 = l2.named_parameters()
            .Where(p => p.parameter.dim() == 4 || p.name.StartsWith("classifier.", StringComparison.Ordinal))
            .Sum(p => p.parameter.square().sum().item<float>() * 0.001);
        l2.RegularizationLoss().item<float>().Should().BeApproximately((float)expectedL2, (float)expectedL2 * 1e-5f);

        using var l1 = new MobileNetV2L1();
        var expectedL1 = l1.named_parameters().Where(p => p.parameter.dim() == 4).Sum(p => p.parameter.abs().sum().item<float>() * 0.001);
        l1.RegularizationLoss().item<float>().Should().BeApproximately((float)expectedL1, (float)expectedL1 * 1e-5f);

        using var plain = new MobileNetV2();
        plain.RegularizationLoss().item<float>().Should().Be(0);

        using var every = new EveryLayerNet();
        var dense = every.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = dense["dense_1.weight"].abs().sum().item<float>() * 0.01 + dense["dense_1.bias"].square().sum().item<float>() * 0.02;
        every.RegularizationLoss().item<float>().Should().BeApproximately((float)expected, 1e-6f);
    }

    [Fact]
    public void Five_SGD_steps_on_a_fixed_batch_reduce_the_loss()
    {
        torch.manual_seed(2);
        using var model = new MobileNetV2L2();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        using var images = randn(4, 3, 224, 224);
        using var labels = tensor(new long[] { 0, 1, 2, 3 });
        var losses = new float[6];
        for (var step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(images), labels) + model.RegularizationLoss();
            losses[step] = loss.item<float>();
            if (step < 5)
            {
                loss.backward();
                optimizer.step();
            }
        }
        losses[5].Should().BeLessThan(losses[0]);
    }

    [Fact]
    public void Generated_MobileNetV2_equals_a_hand_written_one_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var generated = new MobileNetV2();
        using var reference = new HandWrittenMobileNetV2(10);
        var source = generated.parameters().Concat(generated.buffers()).ToList();
        var target = reference.parameters().Concat(reference.buffers()).ToList();
        target.Count.Should().Be(source.Count);
        using (no_grad())
        {
            for (var i = 0; i < source.Count; i++)
            {
                target[i].shape.Should().Equal(source[i].shape, $"tensor {i} must line up");
                target[i].copy_(source[i]);
            }
        }
        var input = randn(2, 3, 224, 224);
        foreach (var train in new[] { true, false })
        {
            generated.train(train);
            reference.train(train);
            var difference = (generated.forward(input) - reference.forward(input)).abs().max().item<float>();
            difference.Should().BeLessThanOrEqualTo(1e-5f, train ? "in training mode" : "in evaluation mode");
        }
    }

    [Fact]
    public void Wrong_input_shape_is_a_dotnet_exception_naming_both_shapes()
    {
        using var model = new MobileNetV2();
        using var wrong = randn(2, 3, 32, 32);
        var act = () => model.forward(wrong);
        act.Should().Throw<InputShapeException>()
            .WithMessage("MobileNetV2 expects input [N, 3, 224, 224] but got [2, 3, 32, 32].*");
        using var mlp = new MnistMlp();
        using var flatWrong = randn(5, 28, 28);
        ((Action)(() => mlp.forward(flatWrong))).Should().Throw<InputShapeException>().WithMessage("MnistMlp expects input [N, 784] but got [5, 28, 28].*");
    }

    [Fact]
    public void BatchNorm_defaults_follow_the_network_setting()
    {
        using var keras = new MnistMlpBatchNorm();
        var kerasNorm = keras.modules().OfType<BatchNorm1d>().First();
        kerasNorm.eps.Should().BeApproximately(1e-3, 1e-12);
        kerasNorm.momentum.Should().BeApproximately(0.01, 1e-12);
        using var torchStyle = new TorchDefaultsNet();
        var torchNorm = torchStyle.modules().OfType<BatchNorm2d>().First();
        torchNorm.eps.Should().BeApproximately(1e-5, 1e-12);
        torchNorm.momentum.Should().BeApproximately(0.1, 1e-12);
    }
}
