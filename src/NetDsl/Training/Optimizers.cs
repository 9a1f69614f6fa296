using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;

namespace NetDsl.Training;

/// <summary>How to build an optimizer for a model's parameters; value-equal, so it can be printed and compared.</summary>
public abstract record OptimizerSpec(double LearningRate)
{
    /// <summary>Plain SGD (Keras' default: no momentum).</summary>
    public static OptimizerSpec Sgd(double learningRate, double momentum = 0) => new SgdSpec(learningRate, momentum);

    /// <summary>Adam with Keras' defaults (β₁ 0.9, β₂ 0.999, ε 1e-7).</summary>
    public static OptimizerSpec Adam(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) =>
        new AdamSpec(learningRate, beta1, beta2, epsilon);

    /// <summary>Creates the TorchSharp optimizer.</summary>
    public abstract torch.optim.Optimizer Create(IEnumerable<Parameter> parameters);
}

/// <summary>Stochastic gradient descent.</summary>
public sealed record SgdSpec(double LearningRate, double Momentum) : OptimizerSpec(LearningRate)
{
    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters) => torch.optim.SGD(parameters, LearningRate, Momentum);

    /// <inheritdoc />
    public override string ToString() => Momentum == 0
        ? string.Create(CultureInfo.InvariantCulture, $"SGD(lr {LearningRate})")
        : string.Create(CultureInfo.InvariantCulture, $"SGD(lr {LearningRate}, momentum {Momentum})");
}

/// <summary>Adam.</summary>
public sealed record AdamSpec(double LearningRate, double Beta1, double Beta2, double Epsilon) : OptimizerSpec(LearningRate)
{
    /// <inheritdoc />
    public override torch.optim.Optimizer Create(IEnumerable<Parameter> parameters) => torch.optim.Adam(parameters, LearningRate, Beta1, Beta2, Epsilon);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Adam(lr {LearningRate})");
}
