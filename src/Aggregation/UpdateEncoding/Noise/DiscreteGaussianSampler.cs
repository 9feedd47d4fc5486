namespace FedBioMed.Aggregation.UpdateEncoding.Noise;

/// <summary>
/// Exact sampler for the discrete Gaussian N_Z(0, σ²): P(x) ∝ exp(−x²/(2σ²)) on the integers.
/// Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
/// Algorithms 1–3: Bernoulli(exp(−γ)) from Bernoulli(γ/k) draws, discrete Laplace by rejection, then
/// discrete Gaussian by rejection from the discrete Laplace with t = ⌊σ⌋ + 1. Only integer arithmetic
/// (Int128 fractions) and uniform integers from a CSPRNG: no floating point touches a sample.
/// σ² is a rational p/q; <see cref="ForVariance"/> rounds a real σ² UP to a multiple of 2^-20, which only
/// adds noise, and the accountant uses the rounded value (<see cref="Variance"/>).
/// </summary>
public sealed class DiscreteGaussianSampler
{
    /// <summary>Denominator of σ²: variances are multiples of 2^-20.</summary>
    public const long VarianceDenominator = 1L << 20;

    /// <summary>Largest σ supported: keeps every intermediate within Int128.</summary>
    public const double MaxSigma = 100_000;

    private readonly CryptoRandomSource _random;
    private readonly Int128 _p;
    private readonly Int128 _q;
    private readonly long _t;

    private DiscreteGaussianSampler(CryptoRandomSource random, long varianceNumerator)
    {
        _random = random;
        _p = varianceNumerator;
        _q = VarianceDenominator;
        // t = ⌊σ⌋ + 1 with σ = sqrt(p/q), computed exactly: the largest s with s²·q ≤ p, plus one.
        var s = (long)Math.Floor(Math.Sqrt((double)varianceNumerator / VarianceDenominator));
        while ((Int128)s * s * _q > _p) s--;
        while ((Int128)(s + 1) * (s + 1) * _q <= _p) s++;
        _t = s + 1;
    }

    /// <summary>The exact variance σ² = p / 2^20 this sampler draws with.</summary>
    public double Variance => (double)_p / (double)_q;

    /// <summary>A sampler for variance at least <paramref name="variance"/> (rounded up to a multiple of 2^-20).</summary>
    public static DiscreteGaussianSampler ForVariance(double variance, CryptoRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(variance > 0) || variance > MaxSigma * MaxSigma)
            throw new ArgumentOutOfRangeException(nameof(variance), $"variance {variance} must be in (0, {MaxSigma * MaxSigma}]");
        var numerator = (long)Math.Ceiling(variance * VarianceDenominator);
        return new DiscreteGaussianSampler(random, Math.Max(1, numerator));
    }

    /// <summary>One sample of N_Z(0, σ²).</summary>
    public long Next()
    {
        while (true)
        {
            var y = NextDiscreteLaplace(_t);
            // γ = (|y| − σ²/t)² / (2σ²) = (|y|·q·t − p)² / (2·p·q·t²)
            var diff = (Int128)Math.Abs(y) * _q * _t - _p;
            if (BernoulliExpMinus(diff * diff, 2 * _p * _q * _t * _t)) return y;
        }
    }

    /// <summary>Adds one independent sample to each coordinate.</summary>
    public void AddTo(Span<long> values)
    {
        for (var i = 0; i < values.Length; i++) values[i] += Next();
    }

    /// <summary>Discrete Laplace with scale t: P(y) ∝ exp(−|y|/t) (CKS20 Algorithm 2 with s = 1).</summary>
    private long NextDiscreteLaplace(long t)
    {
        while (true)
        {
            var u = (long)_random.NextBelow(t);
            if (!BernoulliExpMinus(u, t)) continue;
            long v = 0;
            while (BernoulliExpMinus(1, 1)) v++;
            var x = u + t * v;
            var negative = _random.NextBelow(2) == 1;
            if (negative && x == 0) continue;
            return negative ? -x : x;
        }
    }

    /// <summary>Bernoulli(exp(−num/den)) for num/den ≥ 0 (CKS20 Algorithm 1 and its extension to γ &gt; 1).</summary>
    private bool BernoulliExpMinus(Int128 num, Int128 den)
    {
        while (num > den)
        {
            if (!BernoulliExpMinusAtMostOne(1, 1)) return false;
            num -= den;
        }
        return BernoulliExpMinusAtMostOne(num, den);
    }

    /// <summary>Bernoulli(exp(−γ)) for γ = num/den ∈ [0, 1]: count k while Bernoulli(γ/k) succeeds; odd k means 1.</summary>
    private bool BernoulliExpMinusAtMostOne(Int128 num, Int128 den)
    {
        long k = 1;
        while (_random.NextBelow(den * k) < num) k++;
        return (k & 1) == 1;
    }
}
