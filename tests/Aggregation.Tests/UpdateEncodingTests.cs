using CsCheck;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Aggregation.UpdateEncoding;

namespace FedBioMed.Aggregation.Tests;

public sealed class UpdateEncodingTests
{
    [Fact]
    public void SecureRound_OfEncodedUpdates_EqualsPlainWeightedAverageWithinStatedBound()
    {
        const int n = 5, d = 2_000;
        var rng = new Random(11); // test data only
        var updates = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 0.02 - 0.01)).ToArray()).ToArray();
        var weights = new long[] { 120, 45, 300, 7, 88 };
        var encoding = EncodingConfig.WithLargestScale(n, 32, clipNorm: 10, maxWeight: 1_000);
        using var sim = new SecAggSimulation(n);
        var config = sim.CreateConfig("exp", 1, 3, 4, EncodingConfig.VectorLength(d), 32, encoding.MaxAbsInput);
        var index = sim.NodeIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        var outcome = sim.Run(config, id => UpdateEncoder.Encode(updates[index[id]], weights[index[id]], encoding, 32));
        var (average, totalWeight) = UpdateDecoder.Decode(outcome.Result!.SignedSum(), encoding);

        Assert.Equal(weights.Sum(), totalWeight);
        var bound = encoding.ErrorBound(n, totalWeight);
        Assert.True(bound < 1e-6, $"bound {bound} should be tiny for 32-bit words");
        for (var i = 0; i < d; i++)
        {
            var exact = Enumerable.Range(0, n).Sum(u => (double)weights[u] * updates[u][i]) / totalWeight;
            Assert.InRange(average[i], exact - bound - 1e-7 * Math.Abs(exact), exact + bound + 1e-7 * Math.Abs(exact));
        }
    }

    [Fact]
    public void Encode_ClipsTheUpdateToTheNormBound()
    {
        var encoding = new EncodingConfig { ClipNorm = 1.0, Scale = 1_000_000, MaxWeight = 1 };
        var update = new float[] { 3, 4 }; // norm 5 → clipped to (0.6, 0.8)
        var words = UpdateEncoder.Encode(update, 1, encoding, 64);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(words);
        Assert.InRange(values[0], 599_999, 600_001);
        Assert.InRange(values[1], 799_999, 800_001);
        Assert.Equal(1, values[2]);
    }

    [Fact]
    public void StochasticRound_IsUnbiasedAndWithinOneUnit()
    {
        Gen.Double[-1e6, 1e6].Sample(x =>
        {
            var down = UpdateEncoder.StochasticRound(x, 0.999999999);
            var up = UpdateEncoder.StochasticRound(x, 0.0);
            Assert.InRange(x - down, -1e-9, 1.0);
            Assert.InRange(up - x, -1e-9, 1.0);
        }, iter: 10_000);

        // Mean of many roundings of 0.3 with uniform coins is 0.3.
        var coins = new Random(5); // test data only
        var mean = Enumerable.Range(0, 200_000).Average(_ => UpdateEncoder.StochasticRound(0.3, coins.NextDouble()));
        Assert.InRange(mean, 0.297, 0.303);
    }

    [Fact]
    public void Encode_NeverExceedsTheAnnouncedMagnitude()
    {
        var encoding = EncodingConfig.WithLargestScale(10, 32, clipNorm: 2, maxWeight: 500);
        Gen.Float[-100, 100].Array[1, 50].Sample(update =>
        {
            var words = UpdateEncoder.Encode(update, 500, encoding, 32);
            foreach (var value in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(words))
                Assert.True((ulong)Math.Abs((long)value) <= encoding.MaxAbsInput);
        }, iter: 2_000);
    }

    [Fact]
    public void WithLargestScale_NeverLetsTheCohortsSumWrap()
    {
        // Every input of every node at its largest, weight slot included (the larger one when C·scale < 1): the sum fits.
        Gen.Select(Gen.Int[1, 100_000], Gen.Double[0.001, 1e4], Gen.Long[1, 10_000_000]).Sample((cohort, clipNorm, weight) =>
        {
            EncodingConfig encoding;
            try
            {
                encoding = EncodingConfig.WithLargestScale(cohort, 32, clipNorm, weight);
            }
            catch (ArgumentOutOfRangeException)
            {
                return; // refused: nothing to check
            }
            Assert.True(cohort * (double)encoding.MaxAbsInput < Math.Pow(2, 31), $"n = {cohort}, C = {clipNorm}, W = {weight}: {cohort} × {encoding.MaxAbsInput} could wrap");
        }, iter: 20_000);
    }

    [Fact]
    public void LargestFittingWeight_IsTheLargestWeightThatStillHasAScale()
    {
        Gen.Select(Gen.Int[1, 100_000], Gen.Double[0.001, 1e7]).Sample((cohort, clipNorm) =>
        {
            var weight = EncodingConfig.LargestFittingWeight(cohort, 32, clipNorm);
            if (weight == 0)
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => EncodingConfig.WithLargestScale(cohort, 32, clipNorm, 1));
                return;
            }
            var fitting = EncodingConfig.WithLargestScale(cohort, 32, clipNorm, weight);
            Assert.True(fitting.Scale >= 1);
            // The sum of the cohort's largest inputs cannot wrap a 32-bit word.
            Assert.True(cohort * (double)fitting.MaxAbsInput < Math.Pow(2, 31), $"n = {cohort}, C = {clipNorm}: {cohort} × {fitting.MaxAbsInput} could wrap");
            Assert.Throws<ArgumentOutOfRangeException>(() => EncodingConfig.WithLargestScale(cohort, 32, clipNorm, weight + 1));
        }, iter: 5_000);
    }

    [Fact]
    public void Encode_RefusesNonFiniteUpdatesAndOutOfRangeWeights()
    {
        var encoding = new EncodingConfig { ClipNorm = 1, Scale = 10, MaxWeight = 5 };
        var nan = Assert.Throws<ArgumentException>(() => UpdateEncoder.Encode(new[] { 1f, float.NaN }, 1, encoding, 32));
        Assert.Contains("update[1]", nan.Message);
        var heavy = Assert.Throws<ArgumentOutOfRangeException>(() => UpdateEncoder.Encode(new[] { 1f }, 6, encoding, 32));
        Assert.Contains("weight 6", heavy.Message);
    }

    [Theory]
    [InlineData(3, 1_000_000_000UL, 32, false)] // 3e9 ≥ 2^31: could wrap
    [InlineData(2, 1_000_000_000UL, 32, true)]
    [InlineData(3, 1_000_000_000UL, 64, true)]
    public void Config_WhoseSumCouldWrap_IsRefused(int n, ulong maxAbs, int bits, bool fits)
    {
        Assert.Equal(fits, SecAggConfig.SumFits(n, maxAbs, bits));
        var config = new SecAggConfig
        {
            Header = new RoundHeader("e", 1, new byte[32]),
            Cohort = Enumerable.Range(0, n).Select(i => $"n{i}").ToArray(),
            Threshold = n,
            NeighbourDegree = n - 1,
            VectorLength = 4,
            WordBits = bits,
            MaxAbsInput = maxAbs,
        };
        if (fits)
        {
            config.Validate();
        }
        else
        {
            var refusal = Assert.Throws<SecAggRefusedException>(config.Validate);
            Assert.Equal(RefusalReason.InvalidParameters, refusal.Reason);
            Assert.Contains("can wrap", refusal.Message);
        }
    }

    [Fact]
    public void ChooseWordBits_PicksTheSmallestModulusThatHoldsTheSum()
    {
        Assert.Equal(32, SecAggConfig.ChooseWordBits(100, 1_000_000));
        Assert.Equal(64, SecAggConfig.ChooseWordBits(100, 100_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAggConfig.ChooseWordBits(3, ulong.MaxValue / 2));
    }
}
