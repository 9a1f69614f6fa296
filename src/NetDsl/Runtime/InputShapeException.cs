using System;
using System.Linq;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>Thrown by a generated <c>forward</c> when the input does not have the network's declared shape.</summary>
public sealed class InputShapeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InputShapeException(string network, Shape expected, long[] actual)
        : base($"{network} expects input {expected} but got [{string.Join(", ", actual)}].", "input")
    {
        Network = network;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The network that refused the input.</summary>
    public string Network { get; }

    /// <summary>The declared input shape (batch size free).</summary>
    public Shape Expected { get; }

    /// <summary>The shape that was passed.</summary>
    public long[] Actual { get; }

    /// <summary>Throws unless <paramref name="input"/> is [N, …expected].</summary>
    public static void ThrowIfMismatch(string network, Tensor input, Shape expected)
    {
        var actual = input.shape;
        var want = expected.WithBatch(actual.Length > 0 ? actual[0] : 1);
        if (actual.Length != want.Length || !actual.Skip(1).SequenceEqual(want.Skip(1)))
        {
            throw new InputShapeException(network, expected, actual);
        }
    }
}
