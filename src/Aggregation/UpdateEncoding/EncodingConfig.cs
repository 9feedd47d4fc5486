namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>
/// How a float update becomes integers before masking: clip its L2 norm to <see cref="ClipNorm"/>,
/// multiply by the node's weight and <see cref="Scale"/>, round stochastically (unbiased). The weight
/// travels as one more integer in the same masked vector, so the server divides two sums.
/// </summary>
public sealed record EncodingConfig
{
    /// <summary>L2 norm bound C of one update.</summary>
    public required double ClipNorm { get; init; }

    /// <summary>Integer units per 1.0 of weighted update.</summary>
    public required double Scale { get; init; }

    /// <summary>The largest weight (for example local sample count) a node may carry.</summary>
    public required long MaxWeight { get; init; }

    /// <summary>Largest absolute integer any coordinate (or the weight slot) of one node's vector can hold.</summary>
    public ulong MaxAbsInput => Math.Max((ulong)Math.Floor(MaxWeight * ClipNorm * Scale) + 1, (ulong)MaxWeight);

    /// <summary>Words in an encoded vector of <paramref name="parameterCount"/> parameters: one per parameter plus the weight.</summary>
    public static int VectorLength(int parameterCount) => checked(parameterCount + 1);

    /// <summary>
    /// Worst-case error of one decoded coordinate against the exact weighted average of the clipped
    /// updates: each node's stochastic rounding moves its coordinate by less than one unit.
    /// </summary>
    public double ErrorBound(int survivors, long totalWeight) => survivors / (Scale * totalWeight);

    public void Validate()
    {
        if (!(ClipNorm > 0) || double.IsInfinity(ClipNorm)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), $"clip norm {ClipNorm} must be positive and finite");
        if (!(Scale > 0) || double.IsInfinity(Scale)) throw new ArgumentOutOfRangeException(nameof(Scale), $"scale {Scale} must be positive and finite");
        if (MaxWeight < 1) throw new ArgumentOutOfRangeException(nameof(MaxWeight), $"max weight {MaxWeight} must be at least 1");
        if (MaxWeight * ClipNorm * Scale > (double)(1L << 62))
            throw new ArgumentOutOfRangeException(nameof(Scale), $"max weight × clip norm × scale = {MaxWeight * ClipNorm * Scale:G3} exceeds 2^62");
    }

    /// <summary>
    /// The largest weight for which <see cref="WithLargestScale"/> still finds a scale of at least 1 (<c>n·(W·C + 1)</c> and
    /// <c>n·W</c> below <c>2^(b−1)</c>), or 0 when not even a weight of 1 fits: what a node-announced sample count may be
    /// capped to, so that an inflated count costs precision instead of leaving no encoding at all.
    /// </summary>
    public static long LargestFittingWeight(int cohortSize, int wordBits, double clipNorm)
    {
        // The bounds of WithLargestScale solved for the weight at scale 1: the scaled update, and the weight itself in its own
        // slot (the larger of the two when C < 1).
        var limit = Limit(cohortSize, wordBits);
        var weight = Math.Floor(Math.Min(limit / clipNorm, limit) * Headroom);
        return weight < 1 ? 0 : (long)Math.Min(weight, 1L << 62);
    }

    /// <summary>
    /// The finest scale for which the sum over <paramref name="cohortSize"/> nodes cannot wrap modulo
    /// 2^<paramref name="wordBits"/>.
    /// </summary>
    public static EncodingConfig WithLargestScale(int cohortSize, int wordBits, double clipNorm, long maxWeight)
    {
        // n·(W·C·scale + 1) < 2^(b-1), and n·W < 2^(b-1): the weight travels in a slot of its own and is the larger input
        // when C·scale < 1.
        var limit = Limit(cohortSize, wordBits);
        var scale = Math.Floor(limit / (maxWeight * clipNorm) * Headroom);
        if (scale < 1 || maxWeight > limit * Headroom)
            throw new ArgumentOutOfRangeException(nameof(maxWeight),
                $"no integer scale lets {cohortSize} nodes of weight up to {maxWeight} and clip norm {clipNorm} fit in {wordBits}-bit words");
        var config = new EncodingConfig { ClipNorm = clipNorm, Scale = scale, MaxWeight = maxWeight };
        config.Validate();
        return config;
    }

    // The largest input any of n nodes may send so that their sum stays below 2^(b-1) (one unit for rounding up).
    private static double Limit(int cohortSize, int wordBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cohortSize, 1);
        return Math.Pow(2, wordBits - 1) / cohortSize - 2;
    }

    // A little headroom for floating-point rounding of the bounds.
    private const double Headroom = 1 - 1e-9;
}
