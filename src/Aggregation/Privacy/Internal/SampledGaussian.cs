namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// RDP of one step of the sampled Gaussian mechanism: Mironov, Talwar, Zhang, "Rényi Differential Privacy of
/// the Sampled Gaussian Mechanism" (arXiv:1908.10530), Sec. 3.3. With μ₀ = N(0, σ²) and
/// A_α = E_{z∼μ₀}[((1 − q) + q·exp((2z − 1)/(2σ²)))^α], RDP(α) = log(A_α)/(α − 1).
/// </summary>
/// <remarks>
/// Integer α: the binomial expansion, written as A_α − 1 = Σ_{k≥2} C(α,k) q^k (1−q)^(α−k) (exp((k²−k)/(2σ²)) − 1),
/// a sum of positive terms, so tiny RDP values keep their relative precision.
/// Fractional α: the paper's two series split at z₀ = σ²·log(1/q − 1) + ½, with erfc in log space. Past
/// k₀ (beyond α, z₀ and α − z₀) the terms of both series share the form
/// C(α,k)·(1−q)^α·exp(−z₀²/(2σ²))·½·erfcx(·), an alternating series whose magnitudes are a moment
/// sequence; it is summed with the Cohen–Rodriguez Villegas–Zagier acceleration instead of the tens of
/// thousands of terms its k^−(α+2) decay would otherwise need. Before k₀ a rigorous bound on everything
/// that is left (Σ_{k≥m}|C(α,k)| = |C(α,m)|·m/α) stops the sum early once the rest is below 1e-18·A_α.
/// </remarks>
internal static class SampledGaussian
{
    /// <summary>Largest order accepted when q &lt; 1 (the sums run over about α terms).</summary>
    public const double MaxOrder = 1e6;

    private const int TailTerms = 30;
    private const double NegligibleLog = -42;   // e^−42 ≈ 6e-19, against A_α ≥ 1

    /// <summary>RDP at order <paramref name="alpha"/> of one step; arguments already validated.</summary>
    public static double Rdp(double q, double sigma, double alpha)
    {
        if (q == 0) return 0;
        if (q == 1) return alpha / (2 * sigma * sigma);
        return alpha == Math.Floor(alpha) ? IntegerOrder(q, sigma, (int)alpha) : FractionalOrder(q, sigma, alpha);
    }

    private static double IntegerOrder(double q, double sigma, int alpha)
    {
        var logQ = Math.Log(q);
        var log1mQ = LogMath.Log1p(-q);
        var halfInverseVariance = 1 / (2 * sigma * sigma);
        var logAMinusOne = new LogSumAccumulator();
        var logBinomial = Math.Log(alpha);   // log C(α, 1)
        for (var k = 2; k <= alpha; k++)
        {
            logBinomial += Math.Log(alpha - k + 1) - Math.Log(k);
            var exponent = (double)k * (k - 1) * halfInverseVariance;
            logAMinusOne.Add(logBinomial + k * logQ + (alpha - k) * log1mQ + LogMath.LogExpm1(exponent), +1);
        }
        return LogMath.Log1pExp(logAMinusOne.Log) / (alpha - 1);
    }

    private static double FractionalOrder(double q, double sigma, double alpha)
    {
        var variance = sigma * sigma;
        var logQ = Math.Log(q);
        var log1mQ = LogMath.Log1p(-q);
        var z0 = variance * (log1mQ - logQ) + 0.5;
        var scale = 1 / (Math.Sqrt(2) * sigma);
        // log of (1 − q)^α·exp(−z₀²/(2σ²)): the common size of every term whose erfc argument is positive.
        var psi = alpha * log1mQ - z0 * z0 / (2 * variance);
        var k0 = (long)Math.Max(Math.Floor(alpha), Math.Max(Math.Floor(z0), Math.Floor(alpha - z0))) + 1;
        if (k0 < 1) k0 = 1;

        // φ(a, b) = a·log q + b·log(1 − q) + a(a − 1)/(2σ²): the exponent of a series term before erfc suppresses it;
        // the first series has (a, b) = (k, α − k), the second (α − k, k).
        double Phi(double a, double b) => a * logQ + b * log1mQ + a * (a - 1) / (2 * variance);

        // log of a head term without its binomial: e^φ·½erfc(x), written as e^ψ·½erfcx(x) once x > 0 so it cannot underflow.
        double LogHeadTerm(double a, double b, double x) => x > 0
            ? psi + Math.Log(0.5 * ErrorFunction.Erfcx(x))
            : Phi(a, b) + Math.Log(1 - 0.5 * ErrorFunction.Erfc(-x));

        var sum = new LogSumAccumulator();
        double logAbsBinomial = 0;   // log|C(α, k)|, updated as k grows
        var sign = 1;
        for (long k = 0; k < k0; k++)
        {
            if (k > 0)
            {
                logAbsBinomial += Math.Log(Math.Abs(alpha - k + 1)) - Math.Log(k);
                if (alpha - k + 1 < 0) sign = -sign;
            }
            var j = alpha - k;
            sum.Add(logAbsBinomial + LogHeadTerm(k, j, (k - z0) * scale), sign);
            sum.Add(logAbsBinomial + LogHeadTerm(j, k, (z0 - j) * scale), sign);

            // Everything from k + 1 on, both series, head and tail: |C(α,m)|·(m/α)·(e^max(φ₀,ψ) + e^max(φ₁,ψ)),
            // with φ the unsuppressed exponents at m (convex in m, equal to ψ at the split point).
            var m = k + 1;
            if (m > alpha)
            {
                var logAbsBinomialM = logAbsBinomial + Math.Log(Math.Abs(alpha - k)) - Math.Log(m);
                var jm = alpha - m;
                // Past its split point a series only has suppressed terms, bounded by ψ alone.
                var bound0 = m > z0 ? psi : Math.Max(Phi(m, jm), psi);
                var bound1 = m > alpha - z0 ? psi : Math.Max(Phi(jm, m), psi);
                var rest = logAbsBinomialM + Math.Log(m / alpha) + LogAddExp(bound0, bound1);
                if (rest < NegligibleLog + Math.Max(sum.Log, 0)) return LogAToRdp(sum.Log, alpha);
            }
        }

        // The tail from k₀: sign(C(α,k₀))·Σ_m (−1)^m a_m with a_m = |C(α,k₀+m)|·e^ψ·½(erfcx(x₀) + erfcx(x₁)).
        Span<double> ratios = stackalloc double[TailTerms];
        double logA0 = 0;
        for (var i = 0; i < TailTerms; i++)
        {
            var k = k0 + i;
            logAbsBinomial += Math.Log(Math.Abs(alpha - k + 1)) - Math.Log(k);
            var logA = logAbsBinomial + psi
                + Math.Log(0.5 * (ErrorFunction.Erfcx((k - z0) * scale) + ErrorFunction.Erfcx((z0 - alpha + k) * scale)));
            if (i == 0) logA0 = logA;
            ratios[i] = Math.Exp(logA - logA0);
        }
        sum.Add(logA0 + Math.Log(AlternatingSeries.Sum(ratios)), SignAt(alpha, k0));
        return LogAToRdp(sum.Log, alpha);
    }

    /// <summary>
    /// A_α ≥ 1 exactly, but the fractional series sums it in double, to about one ulp of 1: when the true RDP is
    /// below ~1e-16/(α − 1) the computed log can come out a hair negative, and 0 is the closer answer.
    /// </summary>
    private static double LogAToRdp(double logA, double alpha) => Math.Max(0, logA) / (alpha - 1);

    /// <summary>Sign of C(α, k) for fractional α: positive up to k = ⌊α⌋ + 1, alternating after.</summary>
    private static int SignAt(double alpha, long k)
    {
        var negatives = k - (long)Math.Floor(alpha) - 1;   // factors (α − i) < 0 among i = 0..k−1
        return negatives <= 0 || negatives % 2 == 0 ? 1 : -1;
    }

    private static double LogAddExp(double a, double b)
    {
        var max = Math.Max(a, b);
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
