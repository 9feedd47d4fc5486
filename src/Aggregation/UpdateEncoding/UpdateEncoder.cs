using System.Buffers.Binary;
using System.Security.Cryptography;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>
/// Node side: clip → weight and scale → unbiased stochastic rounding → two's complement words.
/// The rounding coins come from an AES-CTR stream under a fresh random seed: unpredictable to anyone
/// who might learn something from the low bits.
/// </summary>
public static class UpdateEncoder
{
    public static byte[] Encode(ReadOnlySpan<float> update, long weight, EncodingConfig config, int wordBits)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (weight < 1 || weight > config.MaxWeight)
            throw new ArgumentOutOfRangeException(nameof(weight), $"weight {weight} must be between 1 and the round's maximum {config.MaxWeight}");
        if (wordBits is not (32 or 64)) throw new ArgumentOutOfRangeException(nameof(wordBits), $"word bits {wordBits} must be 32 or 64");

        var factor = ClipFactor(update, config.ClipNorm) * weight * config.Scale;

        var wordBytes = wordBits / 8;
        var output = new byte[EncodingConfig.VectorLength(update.Length) * wordBytes];
        Span<byte> seed = stackalloc byte[MaskPrg.SeedSize];
        RandomNumberGenerator.Fill(seed);
        using var coins = new MaskPrg(seed, new ContextBuilder("encoding/stochastic-rounding").ToArray());
        CryptographicOperations.ZeroMemory(seed);
        var coinBytes = new byte[8 * 1024];
        var coinBlock = 0L;
        for (var start = 0; start < update.Length; start += 1024)
        {
            var count = Math.Min(1024, update.Length - start);
            coins.Keystream(coinBlock, coinBytes);
            coinBlock += coinBytes.Length / 16;
            for (var j = 0; j < count; j++)
            {
                var uniform = Uniform(BinaryPrimitives.ReadUInt64LittleEndian(coinBytes.AsSpan(8 * j)));
                var value = StochasticRound(update[start + j] * factor, uniform);
                WriteWord(output, start + j, value, wordBits);
            }
        }
        WriteWord(output, update.Length, weight, wordBits);
        return output;
    }

    /// <summary>
    /// The factor that scales <paramref name="update"/> to L2 norm at most <paramref name="clipNorm"/> (1 when it
    /// is already within); throws for a non-finite coordinate.
    /// </summary>
    internal static double ClipFactor(ReadOnlySpan<float> update, double clipNorm)
    {
        double squared = 0;
        for (var i = 0; i < update.Length; i++)
        {
            if (!float.IsFinite(update[i])) throw new ArgumentException($"update[{i}] is {update[i]}; updates must be finite", nameof(update));
            squared += (double)update[i] * update[i];
        }
        var norm = Math.Sqrt(squared);
        return norm > clipNorm ? clipNorm / norm : 1.0;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 of 64 random bits.</summary>
    internal static double Uniform(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>floor(x) + 1 with probability frac(x): E[result] = x.</summary>
    internal static long StochasticRound(double x, double uniform)
    {
        var floor = Math.Floor(x);
        return (long)floor + (uniform < x - floor ? 1 : 0);
    }

    /// <summary>Writes word <paramref name="index"/> as a little-endian two's complement integer; throws if it does not fit.</summary>
    internal static void WriteWord(byte[] output, int index, long value, int wordBits)
    {
        switch (wordBits)
        {
            case 16: BinaryPrimitives.WriteInt16LittleEndian(output.AsSpan(index * 2), checked((short)value)); break;
            case 32: BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(index * 4), checked((int)value)); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(index * 8), value); break;
        }
    }
}
