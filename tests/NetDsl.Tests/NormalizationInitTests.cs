using System.Linq;
using FluentAssertions;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Tests;

[Network, Input(8, 5, 5)]
[GroupNormalization(4, Name = "gn")]
[LayerNormalization(Name = "ln")]
[InstanceNormalization(Name = "inorm")]
[BatchNorm(Name = "bn")]
public partial class FreshNormsNet { }

/// <summary>Every normalization of a new network starts as PyTorch's does: γ = 1, β = 0.</summary>
[Collection(TorchCollection.Name)]
public sealed class NormalizationInitTests
{
    [Fact]
    public void A_new_network_s_normalizations_scale_by_one_and_shift_by_zero()
    {
        // TorchSharp's own nn.GroupNorm leaves them as uninitialized memory; the first allocation after a free often
        // holds old values, so build a few.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var net = new FreshNormsNet();
            foreach (var (name, parameter) in net.named_parameters())
            {
                var expected = name.EndsWith("weight", System.StringComparison.Ordinal) ? 1f : 0f;
                parameter.data<float>().ToArray().Should().OnlyContain(v => v == expected, name);
            }
            net.named_parameters().Select(p => p.name).Should().Contain(new[] { "gn.weight", "gn.bias" });
        }
    }
}
