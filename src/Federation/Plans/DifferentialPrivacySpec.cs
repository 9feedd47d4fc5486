namespace FedBioMed.Federation;

/// <summary>
/// Sample-level DP-SGD (Abadi et al., 2016): each step clips every sample's gradient to L2 norm
/// <see cref="MaxGradNorm"/>, sums them, adds Gaussian noise of standard deviation
/// <see cref="NoiseMultiplier"/> × <see cref="MaxGradNorm"/> to each coordinate, and divides by the expected batch size.
/// </summary>
/// <remarks>
/// Every catalog model is supported, the CNN included. A plan in epochs takes ⌈epochs·N / b⌉ steps with
/// b = min(batchSize, N) and sampling rate q = b / N; <see cref="TrainingResult"/> reports both for the accountant,
/// which composes them over rounds (this type spends privacy, it does not count it).
/// </remarks>
/// <example><code>"differentialPrivacy":{"noiseMultiplier":1.1,"maxGradNorm":1,"sampling":"poisson"}</code></example>
public sealed record DifferentialPrivacySpec
{
    /// <summary>z: noise standard deviation in units of the clipping norm; finite and in (0, 1000].</summary>
    public required double NoiseMultiplier { get; init; }

    /// <summary>C: the per-sample gradient L2 bound, over all parameters jointly; finite and in (0, 1e6].</summary>
    public required double MaxGradNorm { get; init; }

    /// <value><see cref="BatchSampling.Poisson"/> by default.</value>
    public BatchSampling Sampling { get; init; } = BatchSampling.Poisson;

    public static DifferentialPrivacySpec Poisson(double noiseMultiplier, double maxGradNorm) =>
        new() { NoiseMultiplier = noiseMultiplier, MaxGradNorm = maxGradNorm };
}
