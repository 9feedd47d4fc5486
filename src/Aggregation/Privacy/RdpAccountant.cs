using FedBioMed.Aggregation.Privacy.Internal;

namespace FedBioMed.Aggregation.Privacy;

/// <summary>
/// Rényi-DP accountant for the (sampled) Gaussian mechanism, the one behind DP-SGD and DP-FedAvg:
/// per-order RDP of <c>steps</c> compositions (Mironov, Talwar, Zhang 2019, arXiv:1908.10530), then the
/// tightest standard RDP → (ε, δ) conversion (Balle et al. 2020, arXiv:1905.09982, Thm. 21; Canonne,
/// Kamath, Steinke 2020), the one Opacus' <c>get_privacy_spent</c> uses.
/// </summary>
/// <remarks>Pure math: no state, no I/O, thread-safe.</remarks>
public static class RdpAccountant
{
    private static readonly double[] Orders = BuildDefaultOrders();

    /// <summary>
    /// Opacus' default orders (1.1, 1.2, …, 10.9, then 12, …, 63) followed by 64, 80, 96, 128, 192, 256, 512
    /// and 1024, which only matter for very small ε.
    /// </summary>
    public static IReadOnlyList<double> DefaultOrders { get; } = Array.AsReadOnly(Orders);

    /// <summary>
    /// RDP ε(α) at each order after <paramref name="steps"/> compositions of the sampled Gaussian mechanism:
    /// Gaussian noise of standard deviation <paramref name="noiseMultiplier"/> × sensitivity on a Poisson
    /// sample taken at rate <paramref name="samplingRate"/>. q = 1 is the plain Gaussian, α·T/(2z²).
    /// </summary>
    /// <param name="samplingRate">q in [0, 1]; 0 gives zero RDP.</param>
    /// <param name="noiseMultiplier">z = σ/Δ₂ &gt; 0.</param>
    /// <param name="steps">T ≥ 0 (RDP composes additively).</param>
    /// <param name="orders">Orders α &gt; 1 (at most 10⁶ when q &lt; 1).</param>
    public static double[] SampledGaussianRdp(double samplingRate, double noiseMultiplier, long steps, IReadOnlyList<double> orders)
    {
        Guard.SamplingRate(samplingRate, nameof(samplingRate));
        Guard.Positive(noiseMultiplier, nameof(noiseMultiplier), "noise multiplier");
        Guard.AtLeast(steps, 0, nameof(steps), "number of steps");
        ArgumentNullException.ThrowIfNull(orders);
        var rdp = new double[orders.Count];
        for (var i = 0; i < rdp.Length; i++)
        {
            Guard.Order(orders[i], $"{nameof(orders)}[{i}]", subsampled: samplingRate < 1);
            rdp[i] = steps == 0 ? 0 : steps * SampledGaussian.Rdp(samplingRate, noiseMultiplier, orders[i]);
        }
        return rdp;
    }

    /// <summary>
    /// The smallest ε over the orders of ε(α) = rdp(α) − (log δ + log α)/(α − 1) + log((α − 1)/α), and the order
    /// that gives it. Orders whose RDP is infinite are skipped; if all are, the result is (∞, NaN).
    /// A negative minimum is reported as 0 ((0, δ)-DP is then proven).
    /// </summary>
    public static (double Epsilon, double Order) ToEpsilon(IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(rdp);
        if (orders.Count != rdp.Count)
            throw new ArgumentException($"{orders.Count} orders but {rdp.Count} RDP values; they must pair up", nameof(rdp));
        if (orders.Count == 0) throw new ArgumentException("at least one order is needed", nameof(orders));
        Guard.Delta(delta, nameof(delta));
        (double Epsilon, double Order) best = (double.PositiveInfinity, double.NaN);
        for (var i = 0; i < orders.Count; i++)
        {
            Guard.Order(orders[i], $"{nameof(orders)}[{i}]", subsampled: false);
            if (!(rdp[i] >= 0)) throw new ArgumentOutOfRangeException($"{nameof(rdp)}[{i}]", rdp[i], "RDP values must be non-negative (∞ allowed).");
            if (double.IsPositiveInfinity(rdp[i])) continue;
            var epsilon = EpsilonAt(orders[i], rdp[i], delta);
            if (epsilon < best.Epsilon) best = (epsilon, orders[i]);
        }
        return (Math.Max(0, best.Epsilon), best.Order);
    }

    /// <summary>ε at <see cref="DefaultOrders"/> after <paramref name="steps"/> steps of the sampled Gaussian mechanism.</summary>
    public static double Epsilon(double noiseMultiplier, long steps, double delta, double samplingRate = 1.0) =>
        EpsilonAndOrder(noiseMultiplier, steps, delta, samplingRate).Epsilon;

    /// <summary>As <see cref="Epsilon"/>, with the order that attains it.</summary>
    /// <remarks>No steps, or a sampling rate of 0, releases nothing: (0, NaN), not the grid's small positive bound.</remarks>
    public static (double Epsilon, double Order) EpsilonAndOrder(double noiseMultiplier, long steps, double delta, double samplingRate = 1.0)
    {
        Guard.Delta(delta, nameof(delta));
        var rdp = SampledGaussianRdp(samplingRate, noiseMultiplier, steps, Orders);
        return steps == 0 || samplingRate == 0 ? (0, double.NaN) : ToEpsilon(Orders, rdp, delta);
    }

    /// <summary>
    /// The smallest noise multiplier z whose ε after <paramref name="steps"/> steps at <see cref="DefaultOrders"/> is at
    /// most <paramref name="targetEpsilon"/> (bisection to 1e-12 relative; the result always satisfies the target).
    /// </summary>
    public static double NoiseMultiplierFor(double targetEpsilon, long steps, double delta, double samplingRate = 1.0)
    {
        Guard.Positive(targetEpsilon, nameof(targetEpsilon), "target ε");
        Guard.AtLeast(steps, 1, nameof(steps), "number of steps");
        Guard.Delta(delta, nameof(delta));
        Guard.SamplingRate(samplingRate, nameof(samplingRate), allowZero: false);
        bool Meets(double z) => Epsilon(z, steps, delta, samplingRate) <= targetEpsilon;

        double hi = 1;
        while (!Meets(hi))
        {
            hi *= 2;
            if (hi > 1e8)
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, "No noise multiplier up to 1e8 reaches this ε.");
        }
        var lo = hi / 2;
        while (Meets(lo))
        {
            hi = lo;
            lo /= 2;
            if (lo < 1e-6) return hi;
        }
        while (hi - lo > 1e-12 * hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (Meets(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }

    /// <summary>The RDP → (ε, δ) conversion at one order (Balle et al. 2020, Thm. 21).</summary>
    internal static double EpsilonAt(double alpha, double rdp, double delta) =>
        rdp + LogMath.Log1p(-1 / alpha) - (Math.Log(delta) + Math.Log(alpha)) / (alpha - 1);

    private static double[] BuildDefaultOrders()
    {
        var orders = new List<double>();
        for (var x = 1; x < 100; x++) orders.Add(1 + x / 10.0);
        for (var a = 12; a < 64; a++) orders.Add(a);
        orders.AddRange([64, 80, 96, 128, 192, 256, 512, 1024]);
        return [.. orders];
    }
}
