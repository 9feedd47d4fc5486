using FedBioMed.Aggregation.Privacy.Internal;

namespace FedBioMed.Aggregation.Privacy;

/// <summary>
/// Privacy of the distributed discrete Gaussian: every node adds N_Z(0, σ²)^d (integer units) to its encoded
/// update before masking, and secure aggregation reveals only the sum. Kairouz, Liu, Steinke, "The
/// Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation", ICML 2021
/// (arXiv:2102.06387), Theorem 1: the noisy sum over n nodes is ½ε²-concentrated DP with
/// ε = min( √(Δ₂²/(nσ²) + ½·τ·d), Δ₁/(√n·σ) + τ·d ),  τ = 10·Σ_{k=1}^{n−1} exp(−2π²σ²·k/(k + 1)).
/// </summary>
/// <remarks>
/// σ is the scale parameter of each node's discrete Gaussian (its variance is slightly below σ²), the same
/// "local stddev" the authors' accounting code (google-research/federated, distributed_dp/accounting_utils.py)
/// puts into τ. τ is what the sum loses against one discrete Gaussian of variance nσ²: noticeable for
/// σ &lt; 1, below 1e-16 from σ ≈ 2 on. ρ-zCDP composes additively over rounds.
/// </remarks>
public static class DistributedDiscreteGaussian
{
    /// <summary>The smallest per-node σ accepted; the theorem is stated for σ ≥ ½.</summary>
    public const double MinSigma = 0.5;

    /// <summary>τ = 10·Σ_{k=1}^{n−1} exp(−2π²σ²·k/(k+1)), the sum's distance from a discrete Gaussian; O(n).</summary>
    public static double Tau(double sigmaPerNode, int nodes)
    {
        Guard.SigmaPerNode(sigmaPerNode, nameof(sigmaPerNode));
        Guard.AtLeast(nodes, 1, nameof(nodes), "number of nodes");
        return TauCore(sigmaPerNode, nodes);
    }

    /// <summary>
    /// ρ (zCDP) of one round: <paramref name="nodes"/> nodes each add N_Z(0, σ²) to each of
    /// <paramref name="dimension"/> integer coordinates whose L2 sensitivity is <paramref name="l2Sensitivity"/>.
    /// </summary>
    /// <param name="l2Sensitivity">Δ₂ in integer units (after scaling and rounding), &gt; 0.</param>
    /// <param name="sigmaPerNode">σ of each node's discrete Gaussian, ≥ <see cref="MinSigma"/>.</param>
    /// <param name="nodes">n, the nodes whose noise is in the sum.</param>
    /// <param name="dimension">d, the number of noisy coordinates.</param>
    /// <param name="l1Sensitivity">
    /// Optional L1 sensitivity Δ₁ (≥ Δ₂) for the theorem's second bound; values above √d·Δ₂, which every vector
    /// of L2 norm Δ₂ satisfies anyway, are lowered to it. Without it only the first bound is used.
    /// </param>
    public static double Rho(double l2Sensitivity, double sigmaPerNode, int nodes, int dimension, double? l1Sensitivity = null)
    {
        Guard.Positive(l2Sensitivity, nameof(l2Sensitivity), "L2 sensitivity");
        Guard.SigmaPerNode(sigmaPerNode, nameof(sigmaPerNode));
        Guard.AtLeast(nodes, 1, nameof(nodes), "number of nodes");
        Guard.AtLeast(dimension, 1, nameof(dimension), "dimension");
        if (l1Sensitivity is { } l1 && !(l1 >= l2Sensitivity && double.IsFinite(l1)))
            throw new ArgumentOutOfRangeException(nameof(l1Sensitivity), l1, $"The L1 sensitivity must be finite and at least the L2 sensitivity {l2Sensitivity}.");
        return RhoCore(l2Sensitivity, sigmaPerNode, nodes, dimension, TauCore(sigmaPerNode, nodes), l1Sensitivity);
    }

    /// <summary>
    /// ε at <paramref name="delta"/> of a ρ-zCDP mechanism (ρ summed over rounds): RDP(α) = α·ρ converted as in
    /// <see cref="RdpAccountant.ToEpsilon"/>, minimized over all real α &gt; 1.
    /// </summary>
    public static double Epsilon(double rhoTotal, double delta)
    {
        if (!(rhoTotal >= 0)) throw new ArgumentOutOfRangeException(nameof(rhoTotal), rhoTotal, "ρ must be non-negative.");
        Guard.Delta(delta, nameof(delta));
        return ZcdpConversion.ToEpsilon(rhoTotal, delta).Epsilon;
    }

    /// <summary>
    /// The smallest per-node σ (≥ <see cref="MinSigma"/>, to 1e-12 relative, always meeting the target) for which
    /// <paramref name="rounds"/> rounds of the noisy sum stay within ε = <paramref name="targetEpsilon"/> at δ,
    /// for every cohort size from <paramref name="minNodes"/> to <paramref name="maxNodes"/> (default: minNodes).
    /// </summary>
    /// <remarks>
    /// Fewer nodes mean less total noise, but the τ term grows with n, so for σ near 1 a larger cohort can be the
    /// worse case: pass the largest cohort too when it is known.
    /// </remarks>
    public static double SigmaPerNodeFor(double targetEpsilon, double delta, int rounds, double l2Sensitivity, int minNodes, int dimension, int? maxNodes = null)
    {
        Guard.Positive(targetEpsilon, nameof(targetEpsilon), "target ε");
        Guard.Delta(delta, nameof(delta));
        Guard.AtLeast(rounds, 1, nameof(rounds), "number of rounds");
        Guard.Positive(l2Sensitivity, nameof(l2Sensitivity), "L2 sensitivity");
        Guard.AtLeast(minNodes, 1, nameof(minNodes), "smallest cohort");
        Guard.AtLeast(dimension, 1, nameof(dimension), "dimension");
        var largest = maxNodes ?? minNodes;
        Guard.AtLeast(largest, minNodes, nameof(maxNodes), "largest cohort");

        bool Meets(double sigma) =>
            ZcdpConversion.ToEpsilon(rounds * WorstRho(l2Sensitivity, sigma, minNodes, largest, dimension), delta).Epsilon <= targetEpsilon;

        if (Meets(MinSigma)) return MinSigma;
        double lo = MinSigma, hi = 1;
        while (!Meets(hi))
        {
            lo = hi;
            hi *= 2;
            if (hi > 1e15)
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), targetEpsilon, "No σ up to 1e15 reaches this ε.");
        }
        while (hi - lo > 1e-12 * hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (Meets(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }

    private static double WorstRho(double l2Sensitivity, double sigma, int minNodes, int maxNodes, int dimension)
    {
        var c = TauRate(sigma);
        var tau = TauCore(sigma, minNodes);
        var worst = RhoCore(l2Sensitivity, sigma, minNodes, dimension, tau, null);
        for (var n = minNodes + 1; n <= maxNodes; n++)
        {
            tau += 10 * TauTerm(c, n - 1);   // τ(n) = τ(n − 1) + its term k = n − 1
            worst = Math.Max(worst, RhoCore(l2Sensitivity, sigma, n, dimension, tau, null));
        }
        return worst;
    }

    private static double RhoCore(double l2, double sigma, int n, int d, double tau, double? l1)
    {
        var variance = (double)n * sigma * sigma;
        var firstSquared = l2 * l2 / variance + 0.5 * tau * d;
        if (l1 is not { } given) return firstSquared / 2;
        var second = Math.Min(given, Math.Sqrt(d) * l2) / Math.Sqrt(variance) + tau * d;
        return Math.Min(firstSquared, second * second) / 2;
    }

    private static double TauCore(double sigma, int nodes)
    {
        var c = TauRate(sigma);
        if (nodes < 2 || Math.Exp(-c / 2) == 0) return 0;   // the largest term (k = 1) already underflows
        double sum = 0;
        for (var k = nodes - 1; k >= 1; k--) sum += TauTerm(c, k);   // smallest terms first
        return 10 * sum;
    }

    /// <summary>c = 2π²σ², the rate in τ's terms.</summary>
    private static double TauRate(double sigma) => 2 * Math.PI * Math.PI * sigma * sigma;

    /// <summary>exp(−c·k/(k + 1)), term k of τ (before the factor 10).</summary>
    private static double TauTerm(double c, int k) => Math.Exp(-c * k / (k + 1.0));
}
