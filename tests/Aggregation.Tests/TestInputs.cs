using System.Runtime.InteropServices;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Aggregation.Tests;

/// <summary>Random encoded inputs and the plain sums a round must reproduce.</summary>
internal static class TestInputs
{
    /// <summary>Input magnitudes whose sum over up to 200 nodes cannot wrap.</summary>
    public const ulong MaxAbs32 = 10_000_000, MaxAbs64 = 1UL << 54;

    /// <summary>Random signed inputs within ±<see cref="SecAggConfig.MaxAbsInput"/>.</summary>
    public static Dictionary<string, byte[]> Random(IEnumerable<string> nodes, SecAggConfig config, int seed)
    {
        var rng = new Random(seed); // test data only: nothing secret depends on it
        var bound = (long)Math.Min(config.MaxAbsInput, long.MaxValue / 2);
        return nodes.ToDictionary(id => id, _ =>
        {
            var bytes = new byte[config.VectorBytes];
            for (var i = 0; i < config.VectorLength; i++)
            {
                var value = rng.NextInt64(-bound, bound + 1);
                if (config.WordBits == 32) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (int)value);
                else BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), value);
            }
            return bytes;
        }, StringComparer.Ordinal);
    }

    /// <summary>Σ inputs mod 2^b over <paramref name="nodes"/>, computed plainly.</summary>
    public static byte[] PlainSum(IReadOnlyDictionary<string, byte[]> inputs, IEnumerable<string> nodes, int wordBits)
    {
        var length = inputs.Values.First().Length;
        var sum = new byte[length];
        foreach (var node in nodes)
        {
            if (wordBits == 32)
            {
                var acc = MemoryMarshal.Cast<byte, uint>(sum.AsSpan());
                var x = MemoryMarshal.Cast<byte, uint>(inputs[node].AsSpan());
                for (var i = 0; i < acc.Length; i++) acc[i] = unchecked(acc[i] + x[i]);
            }
            else
            {
                var acc = MemoryMarshal.Cast<byte, ulong>(sum.AsSpan());
                var x = MemoryMarshal.Cast<byte, ulong>(inputs[node].AsSpan());
                for (var i = 0; i < acc.Length; i++) acc[i] = unchecked(acc[i] + x[i]);
            }
        }
        return sum;
    }
}
