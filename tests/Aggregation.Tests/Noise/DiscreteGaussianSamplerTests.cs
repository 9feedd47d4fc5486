using FedBioMed.Aggregation.UpdateEncoding.Noise;

namespace FedBioMed.Aggregation.Tests.Noise;

/// <summary>
/// The exact sampler against the exact probability mass function: 10^6 samples at a fixed seed, a
/// chi-square goodness-of-fit test at significance 0.001 (critical value by Wilson–Hilferty).
/// </summary>
public sealed class DiscreteGaussianSamplerTests
{
    private const int Samples = 1_000_000;

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    [InlineData(150.0)]
    public void Samples_MatchTheDiscreteGaussianPmf(double sigma)
    {
        using var random = new CryptoRandomSource(Seed(sigma));
        var sampler = DiscreteGaussianSampler.ForVariance(sigma * sigma, random);
        var counts = new Dictionary<long, long>();
        for (var i = 0; i < Samples; i++)
        {
            var x = sampler.Next();
            counts[x] = counts.GetValueOrDefault(x) + 1;
        }

        var pmf = Pmf(y => Math.Exp(-(double)y * y / (2 * sampler.Variance)), (long)Math.Ceiling(40 * sigma) + 10);
        var (statistic, critical) = ChiSquare(counts, pmf);
        Assert.True(statistic < critical, $"σ = {sigma}: χ² = {statistic:F1} ≥ critical {critical:F1}");
    }

    [Fact]
    public void SumOfNodesNoise_HasTheDistributionOfTheConvolution()
    {
        // Five nodes each add N_Z(0, σ²/5) with σ = 4: the sum must follow the 5-fold convolution of that pmf.
        const int nodes = 5;
        using var random = new CryptoRandomSource(Seed(42));
        var sampler = DiscreteGaussianSampler.ForVariance(16.0 / nodes, random);
        var one = Pmf(y => Math.Exp(-(double)y * y / (2 * sampler.Variance)), 60);
        var sumPmf = one;
        for (var i = 1; i < nodes; i++) sumPmf = Convolve(sumPmf, one);

        var counts = new Dictionary<long, long>();
        for (var i = 0; i < 400_000; i++)
        {
            long total = 0;
            for (var n = 0; n < nodes; n++) total += sampler.Next();
            counts[total] = counts.GetValueOrDefault(total) + 1;
        }
        var (statistic, critical) = ChiSquare(counts, sumPmf);
        Assert.True(statistic < critical, $"χ² = {statistic:F1} ≥ critical {critical:F1}");
        var mean = counts.Sum(kv => (double)kv.Key * kv.Value) / 400_000;
        var variance = counts.Sum(kv => (kv.Key - mean) * (kv.Key - mean) * kv.Value) / 400_000;
        Assert.InRange(variance, 16 * 0.98, 16 * 1.02);
    }

    [Fact]
    public void Variance_IsRoundedUpNeverDown()
    {
        using var random = new CryptoRandomSource(Seed(1));
        foreach (var v in new[] { 0.1, 1.0 / 3, 2.5, 12345.678 })
        {
            var sampler = DiscreteGaussianSampler.ForVariance(v, random);
            Assert.InRange(sampler.Variance, v, v + 1.0 / DiscreteGaussianSampler.VarianceDenominator);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianSampler.ForVariance(0, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianSampler.ForVariance(double.NaN, random));
    }

    [Fact]
    public void UniformBelow_IsUnbiasedAcrossAnAwkwardBound()
    {
        using var random = new CryptoRandomSource(Seed(7));
        var counts = new long[3];
        for (var i = 0; i < 300_000; i++) counts[(int)random.NextBelow(3)]++;
        var (statistic, critical) = ChiSquare(counts.Select((c, i) => (Key: (long)i, Count: c)).ToDictionary(x => x.Key, x => x.Count),
            new Dictionary<long, double> { [0] = 1.0 / 3, [1] = 1.0 / 3, [2] = 1.0 / 3 });
        Assert.True(statistic < critical);
        var big = (Int128)ulong.MaxValue * 3;
        for (var i = 0; i < 1000; i++) Assert.InRange(random.NextBelow(big), 0, big - 1);
    }

    private static byte[] Seed(double label) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(label));

    private static Dictionary<long, double> Pmf(Func<long, double> weight, long support)
    {
        var pmf = new Dictionary<long, double>();
        double total = 0;
        for (var y = -support; y <= support; y++)
        {
            var w = weight(y);
            pmf[y] = w;
            total += w;
        }
        foreach (var y in pmf.Keys.ToArray()) pmf[y] /= total;
        return pmf;
    }

    private static Dictionary<long, double> Convolve(Dictionary<long, double> a, Dictionary<long, double> b)
    {
        var result = new Dictionary<long, double>();
        foreach (var (x, px) in a)
            foreach (var (y, py) in b)
                result[x + y] = result.GetValueOrDefault(x + y) + px * py;
        return result;
    }

    /// <summary>Bins with expected count ≥ 5 stand alone; the rest (both tails) are pooled.</summary>
    private static (double Statistic, double Critical) ChiSquare(Dictionary<long, long> counts, Dictionary<long, double> pmf)
    {
        var n = (double)counts.Values.Sum();
        double statistic = 0, pooledExpected = 0, pooledObserved = 0;
        var bins = 0;
        foreach (var (y, p) in pmf)
        {
            var expected = n * p;
            var observed = (double)counts.GetValueOrDefault(y);
            if (expected >= 5)
            {
                statistic += (observed - expected) * (observed - expected) / expected;
                bins++;
            }
            else
            {
                pooledExpected += expected;
                pooledObserved += observed;
            }
        }
        pooledObserved += counts.Where(kv => !pmf.ContainsKey(kv.Key)).Sum(kv => (double)kv.Value);
        if (pooledExpected > 0)
        {
            statistic += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / Math.Max(pooledExpected, 1e-9);
            bins++;
        }
        var df = bins - 1;
        const double z = 3.0902; // upper 0.001 quantile of N(0, 1)
        var critical = df * Math.Pow(1 - 2.0 / (9 * df) + z * Math.Sqrt(2.0 / (9 * df)), 3);
        return (statistic, critical);
    }
}
