namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// (ε, δ) from ρ-zCDP: RDP(α) = α·ρ for every α &gt; 1 (Bun and Steinke 2016), turned into ε(α) by the
/// conversion of <see cref="RdpAccountant.EpsilonAt"/> and minimized over all real α &gt; 1, not a grid.
/// </summary>
/// <remarks>
/// dε/dα = ρ + log(α·δ)/(α − 1)², so the minimum is the single root of h(α) = ρ(α − 1)² + log(α·δ), which
/// increases in α, is log δ &lt; 0 at α = 1 and positive at min(1 + √(log(1/δ)/ρ), 1/δ); bisection finds it.
/// </remarks>
internal static class ZcdpConversion
{
    public static (double Epsilon, double Order) ToEpsilon(double rho, double delta)
    {
        if (double.IsPositiveInfinity(rho)) return (double.PositiveInfinity, double.NaN);
        var logDelta = Math.Log(delta);
        double lo = 1, hi = 1 / delta;
        if (rho > 0) hi = Math.Min(hi, 1 + Math.Sqrt(-logDelta / rho));
        for (var i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
        {
            var mid = lo + (hi - lo) / 2;
            if (rho * (mid - 1) * (mid - 1) + Math.Log(mid) + logDelta < 0) lo = mid; else hi = mid;
        }
        var alpha = lo + (hi - lo) / 2;
        return (Math.Max(0, RdpAccountant.EpsilonAt(alpha, alpha * rho, delta)), alpha);
    }
}
