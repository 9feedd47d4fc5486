using FedBioMed.Aggregation.UpdateEncoding.Noise;

namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>
/// Node side of client-level distributed DP: clip → rotate → scale → stochastic rounding → discrete
/// Gaussian noise → two's complement words, plus a count slot of 1. Every random choice (rounding coins,
/// noise) comes from <see cref="CryptoRandomSource"/>; no floating-point Gaussian is ever drawn.
/// </summary>
public static class DistributedDpEncoder
{
    public static byte[] Encode(ReadOnlySpan<float> update, DistributedDpConfig config, CryptoRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        if (update.Length != config.Dimension)
            throw new ArgumentException($"the update has {update.Length} parameters; the round expects {config.Dimension}", nameof(update));
        var clip = UpdateEncoder.ClipFactor(update, config.ClipNorm);

        var vector = new double[config.PaddedDimension];
        for (var i = 0; i < update.Length; i++) vector[i] = update[i] * clip;
        if (config.RotationSeed is { } seed) HadamardRotation.Rotate(vector, seed);

        var values = new long[config.PaddedDimension];
        for (var i = 0; i < vector.Length; i++)
        {
            var uniform = UpdateEncoder.Uniform(random.NextUInt64());
            values[i] = UpdateEncoder.StochasticRound(vector[i] * config.Scale, uniform);
        }
        if (config.NoiseVariancePerNode > 0)
            DiscreteGaussianSampler.ForVariance(config.NoiseVariancePerNode, random).AddTo(values);

        var bound = (long)config.MaxAbsInput;
        for (var i = 0; i < values.Length; i++)
        {
            // Happens with probability at most β (2^-40); the node then sits this round out rather than wrap.
            if (Math.Abs(values[i]) > bound)
                throw new InvalidOperationException($"encoded coordinate {i} is {values[i]}, beyond the round's bound ±{bound}; this node sits the round out");
        }
        var wordBytes = config.WordBits / 8;
        var output = new byte[config.VectorLength * wordBytes];
        for (var i = 0; i < values.Length; i++) UpdateEncoder.WriteWord(output, i, values[i], config.WordBits);
        UpdateEncoder.WriteWord(output, values.Length, 1, config.WordBits);
        return output;
    }

    /// <summary>Server side: the average update of the survivors from the summed words.</summary>
    public static float[] Decode(long[] sum, DistributedDpConfig config)
    {
        ArgumentNullException.ThrowIfNull(sum);
        ArgumentNullException.ThrowIfNull(config);
        if (sum.Length != config.VectorLength) throw new ArgumentException($"the sum has {sum.Length} words, expected {config.VectorLength}", nameof(sum));
        var count = sum[^1];
        if (count < 1) throw new InvalidDataException($"the summed count slot {count} is not positive; the sum is corrupt");
        var vector = new double[config.PaddedDimension];
        for (var i = 0; i < vector.Length; i++) vector[i] = sum[i] / config.Scale;
        if (config.RotationSeed is { } seed) HadamardRotation.Unrotate(vector, seed);
        var average = new float[config.Dimension];
        for (var i = 0; i < average.Length; i++) average[i] = (float)(vector[i] / count);
        return average;
    }
}
