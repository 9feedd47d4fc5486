using System.Buffers.Binary;
using System.Security.Cryptography;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.UpdateEncoding.Noise;

/// <summary>
/// Uniform random bits for the noise samplers: AES-128-CTR keystream (the mask PRG) keyed from a fresh
/// 32-byte seed drawn from the system CSPRNG. Tests may pass a fixed seed to get a repeatable stream.
/// Not thread-safe.
/// </summary>
public sealed class CryptoRandomSource : IDisposable
{
    private const int BufferBytes = 8192;
    private readonly MaskPrg _prg;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private long _nextBlock;
    private int _position = BufferBytes;

    /// <summary>A source seeded by the system CSPRNG.</summary>
    public CryptoRandomSource()
        : this(RandomNumberGenerator.GetBytes(MaskPrg.SeedSize))
    {
    }

    /// <summary>A repeatable source (tests only: a known seed makes the noise predictable).</summary>
    public CryptoRandomSource(ReadOnlySpan<byte> seed)
    {
        _prg = new MaskPrg(seed, new ContextBuilder("noise/random-source").ToArray());
    }

    public ulong NextUInt64()
    {
        if (_position + 8 > BufferBytes)
        {
            _prg.Keystream(_nextBlock, _buffer);
            _nextBlock += BufferBytes / MaskPrg.BlockSize;
            _position = 0;
        }
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_position));
        _position += 8;
        return value;
    }

    /// <summary>Uniform on [0, bound), exactly (rejection sampling, no modulo bias).</summary>
    public Int128 NextBelow(Int128 bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), $"bound {bound} must be positive");
        if (bound <= ulong.MaxValue)
        {
            var b = (ulong)bound;
            var mask = b == 1 ? 0UL : ulong.MaxValue >> System.Numerics.BitOperations.LeadingZeroCount(b - 1);
            while (true)
            {
                var candidate = NextUInt64() & mask;
                if (candidate < b) return candidate;
            }
        }
        var bits = 128 - (int)Int128.LeadingZeroCount(bound - 1);
        var highMask = bits >= 128 ? ulong.MaxValue : ulong.MaxValue >> (128 - bits);
        while (true)
        {
            var candidate = new Int128(NextUInt64() & highMask, NextUInt64());
            if (candidate >= 0 && candidate < bound) return candidate;
        }
    }

    public void Dispose() => _prg.Dispose();
}
