namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>Argument checks shared by the accountants; each names the argument, its value and the rule.</summary>
internal static class Guard
{
    public static void Delta(double delta, string name)
    {
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(name, delta, "δ must be strictly between 0 and 1.");
    }

    public static void SamplingRate(double q, string name, bool allowZero = true)
    {
        if (!(q >= 0 && q <= 1) || (!allowZero && q == 0))
            throw new ArgumentOutOfRangeException(name, q, allowZero ? "The sampling rate must be in [0, 1]." : "The sampling rate must be in (0, 1].");
    }

    public static void Positive(double value, string name, string what)
    {
        if (!(value > 0 && double.IsFinite(value))) throw new ArgumentOutOfRangeException(name, value, $"The {what} must be positive and finite.");
    }

    public static void AtLeast(long value, long min, string name, string what)
    {
        if (value < min) throw new ArgumentOutOfRangeException(name, value, $"The {what} must be at least {min}.");
    }

    public static void SigmaPerNode(double sigma, string name)
    {
        if (!(sigma >= DistributedDiscreteGaussian.MinSigma && double.IsFinite(sigma)))
            throw new ArgumentOutOfRangeException(name, sigma, $"The per-node σ must be finite and at least {DistributedDiscreteGaussian.MinSigma}.");
    }

    public static void Order(double alpha, string name, bool subsampled)
    {
        if (!(alpha > 1 && double.IsFinite(alpha)))
            throw new ArgumentOutOfRangeException(name, alpha, "RDP orders must be finite and greater than 1.");
        if (subsampled && alpha > SampledGaussian.MaxOrder)
            throw new ArgumentOutOfRangeException(name, alpha, $"RDP orders above {SampledGaussian.MaxOrder:0} are not supported for a sampling rate below 1.");
    }
}
