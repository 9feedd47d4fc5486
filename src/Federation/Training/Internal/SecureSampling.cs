// Randomness for DP-SGD: Gaussian noise, Poisson batch membership and secret shuffles, all from the operating
// system's CSPRNG (System.Security.Cryptography.RandomNumberGenerator), read 64 KiB at a time. Gaussians come from
// the Box–Muller transform on 53-bit uniforms in double precision (GaussianTransform), rounded to float at the end.
//
// Caveat: floating-point Gaussian sampling leaks through the gaps and rounding of the values it can produce
// (Mironov, "On significance of the least significant bits for differential privacy", CCS 2012); this path does
// not defend against that attack. The project's client-level distributed-DP path uses exact integer samplers
// (discrete Gaussian) instead, and that is the one to use where such a leak matters.
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Draws that are part of a privacy guarantee and so must be unpredictable, never seeded: an adversary who could
/// replay the noise or the batch membership could subtract or exploit them. Not thread-safe.
/// </summary>
internal sealed class SecureSampling : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int WordBufferSize = 8 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly ulong[] _words = new ulong[WordBufferSize];
    private int _position = BufferSize;

    /// <summary>A uniform 64-bit word.</summary>
    public ulong NextUInt64()
    {
        if (_position > BufferSize - sizeof(ulong))
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }
        ulong value = BitConverter.ToUInt64(_buffer, _position);
        _position += sizeof(ulong);
        return value;
    }

    /// <summary>True with probability <paramref name="probability"/>, to within 2^-64.</summary>
    public bool Bernoulli(double probability) => probability >= 1 || NextUInt64() < Threshold(probability);

    /// <summary>The word threshold below which <see cref="Bernoulli"/> says true, for callers that draw in a loop.</summary>
    public static ulong Threshold(double probability) =>
        probability <= 0 ? 0 : probability >= 1 ? ulong.MaxValue : (ulong)(probability * 18446744073709551616.0);

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt32(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong range = (ulong)bound;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            UInt128 product = (UInt128)NextUInt64() * range;
            if ((ulong)product >= threshold)
            {
                return (int)(product >> 64);
            }
        }
    }

    /// <summary>Fisher–Yates with secret swaps.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with N(0, <paramref name="std"/>²) draws.</summary>
    public void FillGaussian(Span<float> destination, double std)
    {
        Span<ulong> words = _words;
        while (destination.Length > 0)
        {
            int count = Math.Min(destination.Length, WordBufferSize);
            var chunk = words[..GaussianTransform.WordsFor(count)];
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(chunk));
            GaussianTransform.ToGaussians(chunk, destination[..count], std);
            destination = destination[count..];
        }
    }

    public void Dispose()
    {
        // The buffer holds unread future draws: the noise of the next steps.
        CryptographicOperations.ZeroMemory(_buffer);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_words.AsSpan()));
        _position = BufferSize;
    }
}
