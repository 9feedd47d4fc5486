using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>Statistical checks of DP-SGD's CSPRNG draws; bounds are at least 4 standard errors wide.</summary>
public sealed class SecureSamplingTests
{
    [Fact]
    public void FillGaussian_HasTheRequestedMeanStdAndShape()
    {
        const int Count = 1_000_000;
        const double Std = 3;
        using var random = new SecureSampling();
        var draws = new float[Count];

        random.FillGaussian(draws, Std);

        double mean = draws.Average(v => (double)v);
        double std = Math.Sqrt(draws.Sum(v => (v - mean) * (v - mean)) / (Count - 1));
        double withinOneStd = draws.Count(v => Math.Abs(v) <= Std) / (double)Count;
        Assert.True(Math.Abs(mean) < 4 * Std / Math.Sqrt(Count), $"mean {mean}");
        Assert.True(Math.Abs(std / Std - 1) < 0.003, $"std {std}");
        // P(|Z| <= 1) = 0.6827 for a normal; a uniform or Laplace of the same std would miss this.
        Assert.True(Math.Abs(withinOneStd - 0.6827) < 0.002, $"P(|x| <= std) = {withinOneStd}");
    }

    [Fact]
    public void FillGaussian_TwoSamplers_DrawDifferentNoise()
    {
        using var a = new SecureSampling();
        using var b = new SecureSampling();
        var first = new float[64];
        var second = new float[64];

        a.FillGaussian(first, 1);
        b.FillGaussian(second, 1);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void NextInt32_StaysInRangeAndCoversIt()
    {
        using var random = new SecureSampling();
        var seen = new int[7];

        for (int i = 0; i < 7_000; i++)
        {
            seen[random.NextInt32(7)]++;
        }

        Assert.All(seen, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void PoissonBatches_HaveMeanSizeQNAndBinomialVariance()
    {
        const int Count = 1000, BatchSize = 50, Draws = 2000;
        using var random = new SecureSampling();
        var batches = PrivateBatches.Create(BatchSampling.Poisson, random, Count, BatchSize);

        var sizes = new double[Draws];
        for (int d = 0; d < Draws; d++)
        {
            var batch = batches.Next();
            Assert.All(batch, i => Assert.InRange(i, 0, Count - 1));
            Assert.Equal(batch.Length, batch.Distinct().Count());
            sizes[d] = batch.Length;
        }

        double mean = sizes.Average();
        double variance = sizes.Sum(s => (s - mean) * (s - mean)) / (Draws - 1);
        // Binomial(N, q): mean qN = 50, variance qN(1 - q) = 47.5; standard errors 0.15 and about 1.5.
        Assert.InRange(mean, 49.3, 50.7);
        Assert.InRange(variance, 40, 55);
    }

    [Fact]
    public void PoissonBatches_SmallRate_AreSometimesEmpty()
    {
        using var random = new SecureSampling();
        var batches = PrivateBatches.Create(BatchSampling.Poisson, random, count: 100, batchSize: 1);

        int empty = Enumerable.Range(0, 500).Count(_ => batches.Next().Length == 0);

        // P(empty) = 0.99^100 = 0.366: about 183 of 500.
        Assert.InRange(empty, 140, 230);
    }

    [Fact]
    public void FixedBatches_AreFullSizeAndDisjointWithinAShuffle()
    {
        using var random = new SecureSampling();
        var batches = PrivateBatches.Create(BatchSampling.Fixed, random, count: 100, batchSize: 30);

        var pass = Enumerable.Range(0, 3).SelectMany(_ => batches.Next()).ToArray();
        var next = batches.Next();

        Assert.Equal(90, pass.Length);
        Assert.Equal(90, pass.Distinct().Count());
        Assert.Equal(30, next.Distinct().Count());
    }
}
