using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FedBioMed.Crypto.Internal;

/// <summary>
/// The 24 GF(2^16) symbols a 32-byte secret is shared as: 16 symbols of the secret (big-endian pairs) and 8 of the
/// integrity tag, the first 16 bytes of SHA-256("FedBioMed.Shamir.v1" || secret).
/// </summary>
internal static class ShamirSymbols
{
    public const int SecretSymbols = 16;
    public const int TagSymbols = 8;
    public const int Count = SecretSymbols + TagSymbols;
    public const int TagSize = 2 * TagSymbols;

    private static readonly byte[] TagPrefix = Encoding.ASCII.GetBytes("FedBioMed.Shamir.v1");

    public static void FromSecret(ReadOnlySpan<byte> secret, Span<ushort> symbols)
    {
        Span<byte> tag = stackalloc byte[TagSize];
        try
        {
            ComputeTag(secret, tag);
            Read(secret, symbols[..SecretSymbols]);
            Read(tag, symbols[SecretSymbols..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    /// <summary>Writes the secret part of <paramref name="symbols"/> and returns whether its tag part matches it.</summary>
    public static bool TryToSecret(ReadOnlySpan<ushort> symbols, Span<byte> secret)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        Span<byte> actual = stackalloc byte[TagSize];
        try
        {
            Write(symbols[..SecretSymbols], secret);
            Write(symbols[SecretSymbols..], actual);
            ComputeTag(secret, expected);
            return CryptographicOperations.FixedTimeEquals(expected, actual);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
            CryptographicOperations.ZeroMemory(actual);
        }
    }

    public static void Read(ReadOnlySpan<byte> bytes, Span<ushort> symbols)
    {
        for (int i = 0; i < symbols.Length; i++)
        {
            symbols[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]);
        }
    }

    public static void Write(ReadOnlySpan<ushort> symbols, Span<byte> bytes)
    {
        for (int i = 0; i < symbols.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes[(2 * i)..], symbols[i]);
        }
    }

    private static void ComputeTag(ReadOnlySpan<byte> secret, Span<byte> tag)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(TagPrefix);
        sha.AppendData(secret);
        sha.GetHashAndReset(digest);
        digest[..TagSize].CopyTo(tag);
        CryptographicOperations.ZeroMemory(digest);
    }
}
