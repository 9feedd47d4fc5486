namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// Σ_{m≥0} (−1)^m·a_m from its first n terms, for a_m a Hausdorff moment sequence (a_m = ∫₀¹ t^m dμ(t),
/// μ ≥ 0): Cohen, Rodriguez Villegas, Zagier, "Convergence acceleration of alternating series",
/// Experimental Mathematics 9 (2000), Algorithm 1. The error is at most 2·a_0/(3 + √8)^n, so 30 terms reach
/// 1e-22·a_0 where plain summation of a k^−3 tail would need millions.
/// </summary>
internal static class AlternatingSeries
{
    public static double Sum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        var d = Math.Pow(3 + Math.Sqrt(8), n);
        d = (d + 1 / d) / 2;
        double b = -1, c = -d, s = 0;
        for (var k = 0; k < n; k++)
        {
            c = b - c;
            s += c * a[k];
            b = (double)(k + n) * (k - n) * b / ((k + 0.5) * (k + 1));
        }
        return s / d;
    }
}
