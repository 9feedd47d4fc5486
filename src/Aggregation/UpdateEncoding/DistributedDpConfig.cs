using FedBioMed.Aggregation.UpdateEncoding.Noise;

namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>
/// Client-level distributed DP (Kairouz, Liu, Steinke 2021): each node clips its update to L2 norm C,
/// rotates it (randomized Hadamard, public per-round seed), scales by s, rounds stochastically and adds
/// discrete Gaussian noise of variance σ²_node; secure aggregation sums the vectors, so the sum carries
/// the noise of n nodes. Nodes carry equal weight (a count slot of 1) so one node's influence is bounded.
/// Bounds hold except with probability <see cref="FailureProbability"/> per vector.
/// </summary>
public sealed record DistributedDpConfig
{
    /// <summary>β: probability that a rotated coordinate or a noise sample exceeds its bound (2^-40).</summary>
    public const double FailureProbability = 9.094947017729282e-13;

    public required double ClipNorm { get; init; }

    /// <summary>Integer units per 1.0 of (rotated) update.</summary>
    public required double Scale { get; init; }

    /// <summary>σ² of the discrete Gaussian each node adds, in integer units (rounded up to a multiple of 2^-20).</summary>
    public required double NoiseVariancePerNode { get; init; }

    /// <summary>Parameters d of the model update.</summary>
    public required int Dimension { get; init; }

    /// <summary>Public per-round seed of the rotation signs; null: no rotation.</summary>
    public byte[]? RotationSeed { get; init; }

    public required int WordBits { get; init; }

    public int PaddedDimension => RotationSeed is null ? Dimension : HadamardRotation.PaddedLength(Dimension);

    /// <summary>Words in the masked vector: the padded update and the count slot.</summary>
    public int VectorLength => PaddedDimension + 1;

    /// <summary>
    /// L2 sensitivity of one node's integer vector: the scaled clipped update (s·C) plus the rounding,
    /// which moves each of the D coordinates by less than one unit (at most √D in L2).
    /// </summary>
    public double L2Sensitivity => Scale * ClipNorm + Math.Sqrt(PaddedDimension);

    /// <summary>k with P(|noise| &gt; kσ) ≤ β/D for a discrete Gaussian (sub-Gaussian tail 2·exp(−k²/2)).</summary>
    private double TailFactor => Math.Sqrt(TailFactorSquared);

    /// <summary>k² = 2·log(2D/β).</summary>
    private double TailFactorSquared => 2 * Math.Log(2 * PaddedDimension / FailureProbability);

    /// <summary>Largest |coordinate| of one node's scaled update before noise.</summary>
    public double SignalBound => (RotationSeed is null
        ? Scale * ClipNorm
        : Scale * ClipNorm * Math.Sqrt(TailFactorSquared / PaddedDimension)) + 1;

    /// <summary>Per-node bound on a coordinate, noise included (checked by every node on its own input).</summary>
    public ulong MaxAbsInput => (ulong)Math.Ceiling(SignalBound + TailFactor * Math.Sqrt(NoiseVariancePerNode));

    /// <summary>Bound on a coordinate of the sum over <paramref name="nodes"/>: signals add up, noise adds in quadrature.</summary>
    public ulong MaxAbsSum(int nodes) =>
        (ulong)Math.Ceiling(nodes * SignalBound + TailFactor * Math.Sqrt(nodes * NoiseVariancePerNode) + nodes);

    public void Validate(int maxNodes)
    {
        if (!(ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), $"clip norm {ClipNorm} must be positive");
        if (!(Scale > 0)) throw new ArgumentOutOfRangeException(nameof(Scale), $"scale {Scale} must be positive");
        if (!(NoiseVariancePerNode >= 0) || NoiseVariancePerNode > DiscreteGaussianSampler.MaxSigma * DiscreteGaussianSampler.MaxSigma)
            throw new ArgumentOutOfRangeException(nameof(NoiseVariancePerNode), $"noise variance {NoiseVariancePerNode} is out of range");
        if (Dimension < 1) throw new ArgumentOutOfRangeException(nameof(Dimension), $"dimension {Dimension} must be positive");
        if (RotationSeed is { Length: not 32 }) throw new ArgumentException("the rotation seed must be 32 bytes");
        if (WordBits is not (16 or 32 or 64)) throw new ArgumentOutOfRangeException(nameof(WordBits), $"word bits {WordBits} must be 16, 32 or 64");
        if (MaxAbsSum(maxNodes) >= 1UL << (WordBits - 1))
            throw new ArgumentOutOfRangeException(nameof(WordBits),
                $"the noisy sum of {maxNodes} nodes can reach {MaxAbsSum(maxNodes)}, beyond ±2^{WordBits - 1}: use more bits or a smaller scale");
    }

    /// <summary>The largest scale (within the sampler's σ range) for which the noisy sum of <paramref name="maxNodes"/> nodes fits in <paramref name="wordBits"/>, given a noise multiplier z (σ_total = z·Δ₂).</summary>
    public static DistributedDpConfig Fit(int dimension, double clipNorm, double noiseMultiplier, int minNodes, int maxNodes, int wordBits, byte[]? rotationSeed)
    {
        // Binary search on the scale: the bound grows with it.
        double low = 1e-6, high = 1e12;
        DistributedDpConfig Make(double scale)
        {
            var probe = new DistributedDpConfig { ClipNorm = clipNorm, Scale = scale, NoiseVariancePerNode = 1, Dimension = dimension, RotationSeed = rotationSeed, WordBits = wordBits };
            var sigmaTotal = noiseMultiplier * probe.L2Sensitivity;
            return probe with { NoiseVariancePerNode = Math.Max(sigmaTotal * sigmaTotal / minNodes, 1.0 / DiscreteGaussianSampler.VarianceDenominator) };
        }
        for (var i = 0; i < 200; i++)
        {
            var mid = Math.Sqrt(low * high);
            var candidate = Make(mid);
            var fits = candidate.MaxAbsSum(maxNodes) < 1UL << (wordBits - 1)
                && candidate.NoiseVariancePerNode <= DiscreteGaussianSampler.MaxSigma * DiscreteGaussianSampler.MaxSigma;
            if (fits) low = mid; else high = mid;
        }
        var config = Make(low);
        config.Validate(maxNodes);
        return config;
    }
}
