using FluentAssertions;
using NetDsl.Tests.Parity;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

/// <summary>A module that says it keeps the size but halves it: the forward check must catch the lie.</summary>
public sealed class Halver : nn.Module<Tensor, Tensor>
{
    public Halver() : base(nameof(Halver)) { }

    public override Tensor forward(Tensor x) => nn.functional.max_pool2d(x, 2, 2);
}

[Network, Input(2, 8, 8)]
[Custom(typeof(Halver), "inputChannels", "inputHeight", "inputWidth", Name = "halver")]
[Flatten, Dense(3)]
public partial class LyingCustomNet { }

[Network, Input(2, 8, 8)]
[Custom(typeof(SpaceToDepth), 8, 4, 4, Name = "s2d")]
[Flatten, Dense(3)]
public partial class UndeclaredParametersNet { }

/// <summary>The contract of a [Custom] layer holds at run time: its declared shape and parameter count.</summary>
[Collection(TorchCollection.Name)]
public sealed class CustomLayerTests
{
    [Fact]
    public void A_module_returning_another_shape_than_declared_is_refused_with_both_shapes()
    {
        using var model = new LyingCustomNet();
        var act = () => model.forward(randn(2, 2, 8, 8));
        act.Should().Throw<DeclaredShapeException>()
            .WithMessage("layer 'halver' declares the output [N, 2, 8, 8] but its module returned [2, 2, 4, 4]*");
    }

    [Fact]
    public void A_module_with_undeclared_parameters_is_refused_when_the_network_is_built()
    {
        var act = () => new UndeclaredParametersNet();
        act.Should().Throw<DeclaredShapeException>().WithMessage("layer 's2d' (SpaceToDepth) has 8 trainable parameters but its [Custom] declares 0*");
    }

    [Fact]
    public void A_declared_custom_layer_counts_its_parameters_and_its_output_shape()
    {
        CustomLayer.TrainableParameters.Should().Be(3 * 3 + 3 + 12 + 12 * 2 + 2);
        using var model = new CustomLayer();
        model.forward(randn(2, 3, 6, 6)).shape.Should().Equal(2, 2, 3, 3);
        long counted = 0;
        foreach (var p in model.parameters())
        {
            counted += p.numel();
        }
        counted.Should().Be(CustomLayer.TrainableParameters);
    }
}
