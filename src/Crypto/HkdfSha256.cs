// HKDF with HMAC-SHA-256, RFC 5869: output of 1 to 255 × 32 = 8160 bytes; System.Security.Cryptography.HKDF.
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>HKDF-SHA256 extract-and-expand (RFC 5869).</summary>
public static class HkdfSha256
{
    /// <summary>The largest output HKDF-SHA256 can produce: 255 blocks of 32 bytes.</summary>
    public const int MaxOutputSize = 255 * 32;

    /// <summary>Fills <paramref name="output"/> with HKDF-SHA256(ikm, salt, info).</summary>
    public static void DeriveKey(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        if (output.Length is < 1 or > MaxOutputSize)
        {
            throw Error.OutOfRange(nameof(output), output.Length, $"HKDF-SHA256 output must be 1 to {MaxOutputSize} bytes.");
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);
    }

    /// <summary>Returns <paramref name="length"/> bytes of HKDF-SHA256(ikm, salt, info).</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, int length)
    {
        if (length is < 1 or > MaxOutputSize)
        {
            throw Error.OutOfRange(nameof(length), length, $"HKDF-SHA256 output must be 1 to {MaxOutputSize} bytes.");
        }

        var output = new byte[length];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);
        return output;
    }
}
