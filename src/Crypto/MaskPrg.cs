// The SecAgg mask PRG: AES-128 in counter mode (NIST SP 800-38A §6.5) with an all-zero initial counter block,
// keyed by HKDF-SHA256 (RFC 5869) of a 32-byte seed: key = HKDF(ikm = seed, salt = "FedBioMed.MaskPrg.v1",
// info = context, L = 16). Counter block i is the 128-bit big-endian integer i, so the stream equals OpenSSL's
// aes-128-ctr with IV 0. Keystream words are read little-endian.
using System.Security.Cryptography;
using System.Text;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>
/// A seekable AES-128-CTR keystream derived from a seed and a context; one AES key schedule per instance.
/// Not thread-safe: give each thread its own instance.
/// </summary>
public sealed class MaskPrg : IDisposable
{
    /// <summary>Size in bytes of the seed.</summary>
    public const int SeedSize = 32;

    /// <summary>Size in bytes of one keystream block.</summary>
    public const int BlockSize = 16;

    private const int AesKeySize = 16;
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("FedBioMed.MaskPrg.v1");

    private readonly Aes _aes;

    // An ECB encryptor kept open: its TransformBlock costs far less per call than the one-shot EncryptEcb.
    private readonly ICryptoTransform _ecb;
    private bool _disposed;

    /// <summary>Keys the PRG with HKDF-SHA256(seed, "FedBioMed.MaskPrg.v1", context).</summary>
    public MaskPrg(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> context)
    {
        Error.RequireLength(seed.Length, SeedSize, nameof(seed));
        Span<byte> key = stackalloc byte[AesKeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, key, Salt, context);
            _aes = Aes.Create();
            _aes.SetKey(key);
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _ecb = _aes.CreateEncryptor();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Writes keystream blocks firstBlock, firstBlock + 1, ... into <paramref name="destination"/>,
    /// whose length must be a multiple of 16.
    /// </summary>
    public void Keystream(long firstBlock, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBlock);
        if (destination.Length % BlockSize != 0)
        {
            throw new ArgumentException($"Length must be a multiple of {BlockSize}, got {destination.Length}.", nameof(destination));
        }

        if (firstBlock > long.MaxValue - (destination.Length / BlockSize))
        {
            throw Error.OutOfRange(nameof(firstBlock), firstBlock, "The keystream would run past block 2^63 - 1.");
        }

        CounterBlocks.Fill(firstBlock, destination);
        _aes.EncryptEcb(destination, destination, PaddingMode.None);
    }

    /// <summary>
    /// Encrypts <paramref name="count"/> bytes of prepared counter blocks; the expander shares one counter buffer
    /// among all its PRGs.
    /// </summary>
    internal void EncryptCounters(byte[] counters, int countersOffset, int count, byte[] keystream, int keystreamOffset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int written = _ecb.TransformBlock(counters, countersOffset, count, keystream, keystreamOffset);
        if (written != count)
        {
            throw new CryptographicException($"AES-ECB produced {written} of {count} keystream bytes.");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ecb.Dispose();
            _aes.Dispose();
        }
    }
}
