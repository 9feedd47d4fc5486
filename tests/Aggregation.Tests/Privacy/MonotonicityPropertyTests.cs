using CsCheck;
using FedBioMed.Aggregation.Privacy;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>
/// Properties every correct accountant has (Mironov et al. 2019 show A_α grows with q and shrinks with σ):
/// ε decreases in the noise multiplier and increases in the number of steps and in the sampling rate.
/// The relative slack 1e-12 absorbs rounding only.
/// </summary>
public sealed class MonotonicityPropertyTests
{
    private static readonly Gen<double> Delta = Gen.Int[4, 10].Select(e => Math.Pow(10, -e));

    [Fact]
    public void Epsilon_DecreasesInNoiseMultiplier()
    {
        Gen.Select(Gen.Double[0.3, 10], Gen.Double[1.0001, 2], Gen.Long[1, 20_000], Gen.Double[1e-4, 1], Delta).Sample((z, factor, steps, q, delta) =>
            Assert.True(RdpAccountant.Epsilon(z * factor, steps, delta, q) <= RdpAccountant.Epsilon(z, steps, delta, q) * (1 + 1e-12)),
            iter: 60);
    }

    [Fact]
    public void Epsilon_IncreasesInSteps()
    {
        Gen.Select(Gen.Double[0.3, 10], Gen.Long[1, 20_000], Gen.Long[1, 1000], Gen.Double[1e-4, 1], Delta).Sample((z, steps, more, q, delta) =>
            Assert.True(RdpAccountant.Epsilon(z, steps + more, delta, q) >= RdpAccountant.Epsilon(z, steps, delta, q) * (1 - 1e-12)),
            iter: 60);
    }

    [Fact]
    public void Epsilon_IncreasesInSamplingRate()
    {
        Gen.Select(Gen.Double[0.3, 10], Gen.Long[1, 20_000], Gen.Double[1e-4, 1], Gen.Double[1e-4, 1], Delta).Sample((z, steps, q1, q2, delta) =>
        {
            var (lo, hi) = (Math.Min(q1, q2), Math.Max(q1, q2));
            Assert.True(RdpAccountant.Epsilon(z, steps, delta, hi) >= RdpAccountant.Epsilon(z, steps, delta, lo) * (1 - 1e-12));
        }, iter: 60);
    }

    [Fact]
    public void SampledRdp_NeverExceedsThePlainGaussian()
    {
        Gen.Select(Gen.Double[0.3, 10], Gen.Double[1e-4, 1], Gen.Int[0, RdpAccountant.DefaultOrders.Count - 1]).Sample((z, q, i) =>
        {
            var order = RdpAccountant.DefaultOrders[i];
            Assert.True(RdpAccountant.SampledGaussianRdp(q, z, 1, [order])[0] <= order / (2 * z * z) * (1 + 1e-12));
        });
    }
}
