using CsCheck;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Aggregation.UpdateEncoding.Noise;

namespace FedBioMed.Aggregation.Tests.Noise;

public sealed class DistributedDpTests
{
    private static readonly byte[] RotationSeed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void HadamardRotation_KeepsTheNorm_AndUnrotateUndoesIt()
    {
        Gen.Double[-10, 10].Array[1, 300].Sample(values =>
        {
            var padded = new double[HadamardRotation.PaddedLength(values.Length)];
            values.CopyTo(padded, 0);
            var rotated = (double[])padded.Clone();
            HadamardRotation.Rotate(rotated, RotationSeed);
            var scale = Math.Max(1, Norm(padded));
            Assert.Equal(Norm(padded), Norm(rotated), 1e-9 * scale);
            HadamardRotation.Unrotate(rotated, RotationSeed);
            for (var i = 0; i < padded.Length; i++) Assert.Equal(padded[i], rotated[i], 1e-9 * scale);
        }, iter: 500);
    }

    [Fact]
    public void HadamardRotation_SpreadsAOneHotVectorEvenly()
    {
        var vector = new double[1024];
        vector[17] = 1;
        HadamardRotation.Rotate(vector, RotationSeed);
        Assert.All(vector, v => Assert.Equal(1 / 32.0, Math.Abs(v), 12));
    }

    [Fact]
    public void SixteenBitConfig_For100Nodes_HoldsTheNoisySumWithoutWrap()
    {
        var config = DistributedDpConfig.Fit(dimension: 7_850, clipNorm: 1.0, noiseMultiplier: 1.0, minNodes: 100, maxNodes: 100, wordBits: 16, RotationSeed);
        Assert.True(config.MaxAbsSum(100) < 1 << 15);
        Assert.Equal(8_193, config.VectorLength);
        var sigmaTotal = Math.Sqrt(100 * config.NoiseVariancePerNode);
        Assert.True(sigmaTotal >= 1.0 * config.L2Sensitivity * 0.999, $"σ_total {sigmaTotal} < z·Δ₂ = {config.L2Sensitivity}");
    }

    [Fact]
    public void NoisyRoundThroughSecAgg_RecoversTheAverageUpToTheIntendedNoise()
    {
        const int n = 10, d = 500;
        var config = DistributedDpConfig.Fit(d, clipNorm: 1.0, noiseMultiplier: 0.5, minNodes: n, maxNodes: n, wordBits: 32, RotationSeed);
        var rng = new Random(8); // test data only
        var updates = Enumerable.Range(0, n).Select(_ =>
        {
            var u = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            var norm = Math.Sqrt(u.Sum(x => (double)x * x));
            return u.Select(x => (float)(x / norm * 0.8)).ToArray(); // inside the clip norm
        }).ToArray();
        using var sim = new SecAggSimulation(n);
        var secagg = sim.CreateConfig("dp", 1, 6, n - 1, config.VectorLength, config.WordBits, config.MaxAbsInput) with { MaxAbsSum = config.MaxAbsSum(n) };
        var index = sim.NodeIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        var outcome = sim.Run(secagg, id =>
        {
            using var random = new CryptoRandomSource();
            return DistributedDpEncoder.Encode(updates[index[id]], config, random);
        });
        var average = DistributedDpEncoder.Decode(outcome.Result!.SignedSum(), config);

        var errors = Enumerable.Range(0, d).Select(i => average[i] - updates.Average(u => (double)u[i])).ToArray();
        var rms = Math.Sqrt(errors.Average(e => e * e));
        // Expected: the total noise σ_total = sqrt(n·σ²_node), divided by the scale and by n (rotation keeps it per coordinate).
        var expected = Math.Sqrt(n * config.NoiseVariancePerNode + n / 4.0) / config.Scale / n;
        Assert.InRange(rms, expected * 0.85, expected * 1.15);
    }

    [Fact]
    public void Encode_RefusesAnUpdateOfTheWrongSize()
    {
        var config = new DistributedDpConfig { ClipNorm = 1, Scale = 10, NoiseVariancePerNode = 1, Dimension = 4, WordBits = 32 };
        using var random = new CryptoRandomSource();
        Assert.Contains("expects 4", Assert.Throws<ArgumentException>(() => DistributedDpEncoder.Encode(new float[3], config, random)).Message);
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));
}
