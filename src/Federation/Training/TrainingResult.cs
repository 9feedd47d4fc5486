namespace FedBioMed.Federation;

/// <summary>What one call of <see cref="LocalTrainer.Train(LabeledDataset, ReadOnlySpan{float}, long)"/> produced.</summary>
/// <param name="Parameters">The model after local training, flat in <see cref="LocalTrainer.Layout"/> order.</param>
/// <param name="TrainLoss">
/// Mean cross-entropy over every sample processed in this call, measured before each step; NaN under DP-SGD, where
/// releasing it would spend privacy the accountant does not count.
/// </param>
/// <param name="SampleCount">Size of the local training split: the node's weight in federated averaging.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="SamplesProcessed">Samples seen, counting repeats across epochs.</param>
public sealed record TrainingResult(float[] Parameters, double TrainLoss, int SampleCount, int Steps, long SamplesProcessed)
{
    /// <summary>DP-SGD steps taken (each a noisy release the accountant counts); 0 without differential privacy.</summary>
    public int DpSteps { get; init; }

    /// <summary>q: the probability that a given sample is in a step's batch, min(batchSize, N) / N; null without differential privacy.</summary>
    public double? SamplingRate { get; init; }

    /// <summary>z: noise standard deviation over the clipping norm; null without differential privacy.</summary>
    public double? NoiseMultiplier { get; init; }
}
