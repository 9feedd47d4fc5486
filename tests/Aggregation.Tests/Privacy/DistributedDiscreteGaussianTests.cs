using CsCheck;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.Privacy.Internal;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>
/// The distributed discrete Gaussian, Kairouz, Liu, Steinke 2021 (arXiv:2102.06387), Theorem 1:
/// ρ = ½·min(√(Δ₂²/(nσ²) + ½τd), Δ₁/(√n·σ) + τd)², τ = 10·Σ_{k=1}^{n−1} e^{−2π²σ²k/(k+1)}, and ρ-zCDP → (ε, δ)
/// through RDP(α) = αρ minimized over real α. Expected values: Reference/compute_reference.py (mpmath, 50 digits).
/// </summary>
public sealed class DistributedDiscreteGaussianTests
{
    [Theory]
    [InlineData(0.5, 2, 0.84804972471113777302)]
    [InlineData(0.5, 10, 2.345325319246769671)]
    [InlineData(0.6, 100, 1.4503305711533283955)]
    [InlineData(0.8, 10, 0.022309628069702390497)]
    [InlineData(1.0, 1000, 0.00057312825775002220352)]
    [InlineData(2.0, 10, 0.000000000000000071571796476092403476)]
    public void Tau_MatchesReference(double sigma, int nodes, double expected)
    {
        Tolerance.Close(expected, DistributedDiscreteGaussian.Tau(sigma, nodes), 1e-13);
    }

    [Theory]
    [InlineData(10, 0.6, 10, 100, null, 27.902309615357347236)]       // τd dominates: Δ₂²/(nσ²) alone would give 13.9
    [InlineData(10, 0.8, 10, 1000, null, 13.389907017425596757)]
    [InlineData(1, 0.5, 3, 10, null, 3.7182600346330421361)]
    [InlineData(2, 0.5, 3, 10, 3.0, 5.7182600346330421361)]
    [InlineData(50, 4, 100, 10000, null, 0.78125)]                    // τ ≈ 1e-69: exactly Δ₂²/(2nσ²)
    [InlineData(4096, 25, 50, 1000000, null, 268.435456)]
    [InlineData(3, 1.0, 20, 50, 5.0, 0.23180700047656817308)]
    [InlineData(1, 1.0, 100, 20, 1.0, 0.006155591889883898839)]        // the L1 bound is the smaller one here
    public void Rho_MatchesReference(double l2, double sigma, int nodes, int dimension, double? l1, double expected)
    {
        Tolerance.Close(expected, DistributedDiscreteGaussian.Rho(l2, sigma, nodes, dimension, l1), 1e-13);
    }

    [Theory]
    [InlineData(0.5, 1e-05, 4.7283869849433138815, 5.4318496702701024527)]
    [InlineData(0.01, 1e-05, 0.54572554827400240256, 29.509992179956497452)]
    [InlineData(2.0, 1e-06, 11.688596249354894055, 3.5060933876549243154)]
    [InlineData(0.0001, 1e-05, 0.045047462087777228832, 246.09597814089607668)]
    [InlineData(50, 1e-05, 96.035270675173148019, 1.4717305692576220976)]
    public void ZcdpToEpsilon_MatchesTheContinuousMinimum(double rho, double delta, double epsilon, double order)
    {
        Tolerance.Close(epsilon, DistributedDiscreteGaussian.Epsilon(rho, delta), 1e-13);
        var (e, a) = ZcdpConversion.ToEpsilon(rho, delta);
        Tolerance.Close(epsilon, e, 1e-13);
        Tolerance.Close(order, a, 1e-6);   // ε is flat at its minimum; the order itself is found to about √ulp
    }

    [Theory]
    [InlineData(50, 4, 100, 10000, 100, 1e-05, 135.97194381358041385)]
    [InlineData(10, 0.8, 10, 1000, 1, 1e-05, 36.772561394105021663)]
    [InlineData(1, 1.0, 100, 20, 30, 1e-06, 3.4000106441437603442)]
    public void RoundsCompose_EndToEnd(double l2, double sigma, int nodes, int dimension, int rounds, double delta, double expected)
    {
        var rho = DistributedDiscreteGaussian.Rho(l2, sigma, nodes, dimension);
        Tolerance.Close(expected, DistributedDiscreteGaussian.Epsilon(rounds * rho, delta), 1e-13);
    }

    [Fact]
    public void LargeSigma_IsTheContinuousGaussianOfVarianceNSigmaSquared()
    {
        // τ underflows to 0, so ρ = Δ₂²/(2nσ²): the plain Gaussian with z = √n·σ/Δ₂, whose RDP α/(2z²) is ρ-zCDP.
        Assert.Equal(0, DistributedDiscreteGaussian.Tau(20, 1000));
        Assert.Equal(3.0 * 3 / (2 * 1000 * 20 * 20), DistributedDiscreteGaussian.Rho(3, 20, 1000, 1_000_000));
    }

    [Fact]
    public void ZcdpConversion_OfThePlainGaussian_IsTheGridConversionWithoutTheGrid()
    {
        // T steps of the Gaussian with multiplier z are exactly (T/(2z²))-zCDP: minimizing over all real orders
        // is never worse than over DefaultOrders and, with the optimum inside the grid, barely better.
        var grid = RdpAccountant.Epsilon(2.1, 10, 1e-5);
        var continuous = DistributedDiscreteGaussian.Epsilon(10 / (2 * 2.1 * 2.1), 1e-5);
        Assert.InRange(continuous, grid * (1 - 1e-3), grid);
    }

    [Fact]
    public void L1Sensitivity_AboveSqrtDTimesL2_IsLoweredToIt()
    {
        Assert.Equal(DistributedDiscreteGaussian.Rho(1, 1, 100, 1, 1), DistributedDiscreteGaussian.Rho(1, 1, 100, 1, 5));
        Assert.True(DistributedDiscreteGaussian.Rho(1, 1, 100, 1, 1) < DistributedDiscreteGaussian.Rho(1, 1, 100, 1));
    }

    [Fact]
    public void Rho_DecreasesInSigma_AndIncreasesInSensitivityAndDimension()
    {
        Gen.Select(Gen.Double[0.5, 6], Gen.Double[0.5, 6], Gen.Int[1, 300], Gen.Int[1, 100_000], Gen.Double[0.1, 100]).Sample((s1, s2, n, d, l2) =>
        {
            var (lo, hi) = (Math.Min(s1, s2), Math.Max(s1, s2));
            Assert.True(DistributedDiscreteGaussian.Rho(l2, hi, n, d) <= DistributedDiscreteGaussian.Rho(l2, lo, n, d));
            Assert.True(DistributedDiscreteGaussian.Rho(l2, lo, n, d) <= DistributedDiscreteGaussian.Rho(l2 * 1.5, lo, n, d));
            Assert.True(DistributedDiscreteGaussian.Rho(l2, lo, n, d) <= DistributedDiscreteGaussian.Rho(l2, lo, n, d + 1));
        });
    }

    [Theory]
    [InlineData(1.0, 1e-5, 100, 10.0, 10, 1000, null)]
    [InlineData(8.0, 1e-6, 1, 1.0, 3, 10, null)]
    [InlineData(3.0, 1e-5, 50, 4096.0, 50, 1_000_000, 200)]
    [InlineData(0.3, 1e-5, 200, 30.0, 5, 100_000, 40)]
    public void SigmaPerNodeFor_IsTheSmallestThatMeetsTheTarget(double target, double delta, int rounds, double l2, int minNodes, int dimension, int? maxNodes)
    {
        var sigma = DistributedDiscreteGaussian.SigmaPerNodeFor(target, delta, rounds, l2, minNodes, dimension, maxNodes);
        double Worst(double s) => Enumerable.Range(minNodes, (maxNodes ?? minNodes) - minNodes + 1)
            .Max(n => DistributedDiscreteGaussian.Epsilon(rounds * DistributedDiscreteGaussian.Rho(l2, s, n, dimension), delta));
        Assert.True(Worst(sigma) <= target);
        Assert.True(Worst(sigma * (1 - 1e-9)) > target);
    }

    [Fact]
    public void SigmaPerNodeFor_CoversTheLargerCohort_WhenTauMakesItWorse()
    {
        // σ near 0.6 with a large dimension: τ·d grows with n faster than Δ₂²/(nσ²) shrinks.
        var rhoSmall = DistributedDiscreteGaussian.Rho(1, 0.6, 5, 1000);
        var rhoLarge = DistributedDiscreteGaussian.Rho(1, 0.6, 50, 1000);
        Assert.True(rhoLarge > rhoSmall);
        var onlySmallest = DistributedDiscreteGaussian.SigmaPerNodeFor(5, 1e-5, 1, 1, 5, 1000);
        var wholeRange = DistributedDiscreteGaussian.SigmaPerNodeFor(5, 1e-5, 1, 1, 5, 1000, maxNodes: 50);
        Assert.True(wholeRange >= onlySmallest);
    }

    [Fact]
    public void SigmaPerNodeFor_ReturnsTheMinimum_WhenEvenItMeetsTheTarget()
    {
        Assert.Equal(DistributedDiscreteGaussian.MinSigma, DistributedDiscreteGaussian.SigmaPerNodeFor(1000, 1e-5, 1, 1, 2, 1));
    }
}
