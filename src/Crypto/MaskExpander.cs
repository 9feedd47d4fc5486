// Expands SecAgg masks (AES-128-CTR keystreams of MaskPrg) into a vector mod 2^32 or 2^64, chunk by chunk.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>
/// Adds or subtracts many mask streams into a vector: <c>target[i] ±= word(firstWord + i)</c> of each term's keystream.
/// Works chunk-major (for each chunk of the target, every term in turn) so the target chunk stays in cache, and
/// builds the counter blocks once per chunk for all terms. Owns its scratch buffers: allocation-free per call,
/// not thread-safe (use one per thread).
/// </summary>
public sealed class MaskExpander : IDisposable
{
    /// <summary>The default chunk: large enough to amortize the per-call cost of the AES backend, small enough for L2.</summary>
    public const int DefaultChunkBytes = 128 * 1024;

    /// <summary>The largest chunk accepted.</summary>
    public const int MaxChunkBytes = 64 * 1024 * 1024;

    private const int Alignment = 64;

    private readonly AlignedBuffer _counters;
    private readonly AlignedBuffer _keystream;
    private readonly int _chunkBytes;
    private bool _disposed;

    /// <param name="chunkBytes">Keystream bytes produced per term and chunk; a multiple of 16.</param>
    public MaskExpander(int chunkBytes = DefaultChunkBytes)
    {
        if (chunkBytes < MaskPrg.BlockSize || chunkBytes > MaxChunkBytes || chunkBytes % MaskPrg.BlockSize != 0)
        {
            throw Error.OutOfRange(
                nameof(chunkBytes), chunkBytes, $"Must be a multiple of {MaskPrg.BlockSize} between {MaskPrg.BlockSize} and {MaxChunkBytes}.");
        }

        _chunkBytes = chunkBytes;
        _counters = new AlignedBuffer(chunkBytes, Alignment);
        _keystream = new AlignedBuffer(chunkBytes, Alignment);
    }

    /// <summary>target[i] = target[i] ± LE16(keystream bytes [2(firstWord + i), 2(firstWord + i) + 2)) mod 2^16, for every term.</summary>
    public void Apply(Span<ushort> target, long firstWord, ReadOnlySpan<MaskTerm> terms)
    {
        Validate(target.Length, firstWord, terms);
        ApplyCore(target, firstWord, terms);
    }

    /// <summary>target[i] = target[i] ± LE32(keystream bytes [4(firstWord + i), 4(firstWord + i) + 4)) mod 2^32, for every term.</summary>
    public void Apply(Span<uint> target, long firstWord, ReadOnlySpan<MaskTerm> terms)
    {
        Validate(target.Length, firstWord, terms);
        ApplyCore(target, firstWord, terms);
    }

    /// <summary>target[i] = target[i] ± LE64(keystream bytes [8(firstWord + i), 8(firstWord + i) + 8)) mod 2^64, for every term.</summary>
    public void Apply(Span<ulong> target, long firstWord, ReadOnlySpan<MaskTerm> terms)
    {
        Validate(target.Length, firstWord, terms);
        ApplyCore(target, firstWord, terms);
    }

    public void Dispose() => _disposed = true;

    private void Validate(int length, long firstWord, ReadOnlySpan<MaskTerm> terms)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(firstWord);
        if (firstWord > (long.MaxValue / MaskPrg.BlockSize) - length)
        {
            throw Error.OutOfRange(nameof(firstWord), firstWord, $"Words past {long.MaxValue / MaskPrg.BlockSize} are out of the keystream's range.");
        }

        foreach (var term in terms)
        {
            if (term.Prg is null)
            {
                throw new ArgumentException("Every term needs a PRG.", nameof(terms));
            }
        }
    }

    private void ApplyCore<T>(Span<T> target, long firstWord, ReadOnlySpan<MaskTerm> terms)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (target.IsEmpty || terms.IsEmpty)
        {
            return;
        }

        int wordSize = Unsafe.SizeOf<T>();
        var counters = _counters.Span;
        var keystream = _keystream.Span;
        try
        {
            int done = 0;
            while (done < target.Length)
            {
                long startByte = (firstWord + done) * wordSize;
                int skip = (int)(startByte % MaskPrg.BlockSize);
                int words = Math.Min(target.Length - done, (_chunkBytes - skip) / wordSize);
                int keystreamBytes = skip + (words * wordSize);
                int blockBytes = (keystreamBytes + MaskPrg.BlockSize - 1) & ~(MaskPrg.BlockSize - 1);

                CounterBlocks.Fill(startByte / MaskPrg.BlockSize, counters[..blockBytes]);
                var chunk = target.Slice(done, words);
                foreach (var term in terms)
                {
                    term.Prg.EncryptCounters(_counters.Array, _counters.Offset, blockBytes, _keystream.Array, _keystream.Offset);
                    VectorArithmetic.AddLittleEndian(chunk, keystream.Slice(skip, words * wordSize), term.Subtract);
                }

                done += words;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keystream);
        }
    }
}
