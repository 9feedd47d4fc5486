using CsCheck;
using FedBioMed.Aggregation.Privacy;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>
/// <see cref="RdpAccountant.NoiseMultiplierFor"/> returns the smallest z whose ε meets the target: ε(z*) ≤ target
/// and ε(z* − 1e-9·z*) &gt; target. For q = 1 the grid minimum inverts exactly per order,
/// z_α = √(α·T/(2(target − c(α)))), and z* = min_α z_α (Reference/compute_reference.py, mpmath).
/// </summary>
public sealed class NoiseCalibrationTests
{
    [Theory]
    [InlineData(1.0, 1, 1e-05, 4.0453853688550923041)]
    [InlineData(2.0, 10, 1e-05, 6.7960835726341037512)]
    [InlineData(8.0, 100, 1e-06, 6.8930433623120307925)]
    public void PlainGaussian_MatchesTheExactInverse(double target, long steps, double delta, double expected)
    {
        Tolerance.Close(expected, RdpAccountant.NoiseMultiplierFor(target, steps, delta), 1e-11);
    }

    [Theory]
    [InlineData(1.0, 10, 1e-5, 1.0)]
    [InlineData(3.0, 14064, 1e-5, 256.0 / 60000)]
    [InlineData(0.5, 100, 1e-6, 0.01)]
    [InlineData(8.0, 1000, 1e-5, 0.3)]
    [InlineData(50.0, 5, 1e-5, 0.9)]
    public void NoiseMultiplierFor_IsTheSmallestThatMeetsTheTarget(double target, long steps, double delta, double q)
    {
        var z = RdpAccountant.NoiseMultiplierFor(target, steps, delta, q);
        Assert.True(RdpAccountant.Epsilon(z, steps, delta, q) <= target);
        Assert.True(RdpAccountant.Epsilon(z * (1 - 1e-9), steps, delta, q) > target);
    }

    [Fact]
    public void NoiseMultiplierFor_RoundTrips_OnRandomSettings()
    {
        Gen.Select(Gen.Double[0.2, 20], Gen.Long[1, 5000], Gen.Double[1e-4, 1], Gen.Int[5, 9]).Sample((target, steps, q, exponent) =>
        {
            var delta = Math.Pow(10, -exponent);
            var z = RdpAccountant.NoiseMultiplierFor(target, steps, delta, q);
            Assert.True(RdpAccountant.Epsilon(z, steps, delta, q) <= target);
            Assert.True(RdpAccountant.Epsilon(z * (1 - 1e-9), steps, delta, q) > target);
        }, iter: 25);
    }
}
