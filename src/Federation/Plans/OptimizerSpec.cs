namespace FedBioMed.Federation;

/// <summary>The local optimizer and its hyper-parameters.</summary>
public sealed record OptimizerSpec
{
    public required OptimizerKind Kind { get; init; }

    /// <summary>Learning rate; must be finite and in (0, 10].</summary>
    public required double LearningRate { get; init; }

    /// <summary>SGD momentum in [0, 1); must be 0 for Adam.</summary>
    /// <value>0 by default.</value>
    public double Momentum { get; init; }

    public static OptimizerSpec Sgd(double learningRate, double momentum = 0) =>
        new() { Kind = OptimizerKind.Sgd, LearningRate = learningRate, Momentum = momentum };

    public static OptimizerSpec Adam(double learningRate) =>
        new() { Kind = OptimizerKind.Adam, LearningRate = learningRate };
}
