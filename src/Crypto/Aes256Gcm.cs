// AES-256-GCM, NIST SP 800-38D: 32-byte key, 12-byte nonce, 16-byte tag; System.Security.Cryptography.AesGcm.
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>AES-256-GCM authenticated encryption.</summary>
public static class Aes256Gcm
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the tag.</summary>
    public static void Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData,
        Span<byte> ciphertext,
        Span<byte> tag)
    {
        CheckSizes(key, nonce, tag);
        if (ciphertext.Length != plaintext.Length)
        {
            throw Error.SameLength(nameof(ciphertext), nameof(plaintext), plaintext.Length, ciphertext.Length);
        }

        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>
    /// Decrypts and authenticates. Returns false, with <paramref name="plaintext"/> cleared, when the tag does not
    /// match the key, nonce, ciphertext and associated data.
    /// </summary>
    public static bool TryDecrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData,
        Span<byte> plaintext)
    {
        CheckSizes(key, nonce, tag);
        if (plaintext.Length != ciphertext.Length)
        {
            throw Error.SameLength(nameof(plaintext), nameof(ciphertext), ciphertext.Length, plaintext.Length);
        }

        return TryDecryptCore(key, nonce, ciphertext, tag, associatedData, plaintext);
    }

    /// <summary>Encrypts under a fresh random nonce and returns <c>nonce || ciphertext || tag</c>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        Error.RequireLength(key.Length, KeySize, nameof(key));
        var sealedMessage = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedMessage.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(
            nonce,
            plaintext,
            sealedMessage.AsSpan(NonceSize, plaintext.Length),
            sealedMessage.AsSpan(NonceSize + plaintext.Length, TagSize),
            associatedData);
        return sealedMessage;
    }

    /// <summary>
    /// Opens a message made by <see cref="Seal"/>. Returns false (and an empty array) when the message is too short
    /// or does not authenticate.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedMessage, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        Error.RequireLength(key.Length, KeySize, nameof(key));
        if (sealedMessage.Length < NonceSize + TagSize)
        {
            plaintext = [];
            return false;
        }

        int length = sealedMessage.Length - NonceSize - TagSize;
        var result = new byte[length];
        bool ok = TryDecryptCore(
            key,
            sealedMessage[..NonceSize],
            sealedMessage.Slice(NonceSize, length),
            sealedMessage[(NonceSize + length)..],
            associatedData,
            result);
        plaintext = ok ? result : [];
        return ok;
    }

    private static void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> tag)
    {
        Error.RequireLength(key.Length, KeySize, nameof(key));
        Error.RequireLength(nonce.Length, NonceSize, nameof(nonce));
        Error.RequireLength(tag.Length, TagSize, nameof(tag));
    }

    private static bool TryDecryptCore(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData,
        Span<byte> plaintext)
    {
        using var gcm = new AesGcm(key, TagSize);
        try
        {
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }
}
