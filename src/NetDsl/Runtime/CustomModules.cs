using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl;

/// <summary>Thrown when a [Custom] layer's module does not keep the contract its attribute declares.</summary>
public sealed class DeclaredShapeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public DeclaredShapeException(string message) : base(message)
    {
    }
}

/// <summary>The checks generated code runs around a [Custom] layer's own module.</summary>
public static class CustomModules
{
    /// <summary>Returns <paramref name="module"/> if its trainable parameter count is the declared one; throws otherwise.</summary>
    public static T Checked<T>(T module, long declaredParameters, string layer) where T : nn.Module
    {
        var actual = module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        if (actual != declaredParameters)
        {
            throw new DeclaredShapeException(
                $"layer '{layer}' ({typeof(T).Name}) has {actual} trainable parameters but its [Custom] declares {declaredParameters}; " +
                $"set Parameters = {actual} so the network's counts are right");
        }
        return module;
    }

    /// <summary>Returns <paramref name="output"/> if it is [N, …declared]; throws a clear error otherwise.</summary>
    public static Tensor Output(Tensor output, Shape declared, string layer)
    {
        var actual = output.shape;
        if (actual.Length != declared.Rank + 1 || !actual.Skip(1).SequenceEqual(declared.Dimensions))
        {
            throw new DeclaredShapeException(
                $"layer '{layer}' declares the output {declared} but its module returned [{string.Join(", ", actual)}]; fix the module or the shape in its [Custom]");
        }
        return output;
    }
}
