// Ed25519 signatures, RFC 8032 §5.1 (pure EdDSA, no context): 32-byte private keys (seeds),
// 32-byte public keys, 64-byte signatures. The arithmetic is BouncyCastle's Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;
using Bc = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace FedBioMed.Crypto;

/// <summary>Ed25519 signatures (RFC 8032).</summary>
public static class Ed25519
{
    public const int PrivateKeySize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>Fills <paramref name="privateKey"/> with a fresh random seed and writes the matching public key.</summary>
    public static void GenerateKeyPair(Span<byte> privateKey, Span<byte> publicKey)
    {
        Error.RequireLength(privateKey.Length, PrivateKeySize, nameof(privateKey));
        Error.RequireLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        RandomNumberGenerator.Fill(privateKey);
        Bc.GeneratePublicKey(privateKey, publicKey);
    }

    /// <summary>Writes the public key of <paramref name="privateKey"/>.</summary>
    public static void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Error.RequireLength(privateKey.Length, PrivateKeySize, nameof(privateKey));
        Error.RequireLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        Bc.GeneratePublicKey(privateKey, publicKey);
    }

    /// <summary>Signs <paramref name="message"/> into <paramref name="signature"/> (64 bytes).</summary>
    public static void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Error.RequireLength(privateKey.Length, PrivateKeySize, nameof(privateKey));
        Error.RequireLength(signature.Length, SignatureSize, nameof(signature));
        Bc.Sign(privateKey, message, signature);
    }

    /// <summary>
    /// Signs <paramref name="message"/> into <paramref name="signature"/> with the key pair's public key given: the same
    /// signature as without it, for one scalar multiplication instead of two (signing derives the public key otherwise).
    /// </summary>
    /// <param name="privateKey">The 32-byte seed.</param>
    /// <param name="publicKey">Its public key (<see cref="DerivePublicKey"/>); a public key of another seed gives a signature that does not verify.</param>
    /// <param name="message">The message.</param>
    /// <param name="signature">64 bytes.</param>
    public static void Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Error.RequireLength(privateKey.Length, PrivateKeySize, nameof(privateKey));
        Error.RequireLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        Error.RequireLength(signature.Length, SignatureSize, nameof(signature));
        Bc.Sign(privateKey, publicKey, message, signature);
    }

    /// <summary>Signs <paramref name="message"/> and returns the 64-byte signature.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        var signature = new byte[SignatureSize];
        Sign(privateKey, message, signature);
        return signature;
    }

    /// <summary>
    /// True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> under
    /// <paramref name="publicKey"/>; false otherwise, including for wrongly sized or malformed keys and signatures.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        return Bc.Verify(signature, publicKey, message);
    }
}
