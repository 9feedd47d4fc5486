// X25519 Diffie-Hellman, RFC 7748 §5 and §6.1: 32-byte scalars, 32-byte u-coordinates, 32-byte shared secrets.
// The curve arithmetic is BouncyCastle's Org.BouncyCastle.Math.EC.Rfc7748.X25519 (constant time).
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;
using Bc = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace FedBioMed.Crypto;

/// <summary>X25519 key agreement (RFC 7748).</summary>
public static class X25519
{
    /// <summary>Size in bytes of private keys, public keys and shared secrets.</summary>
    public const int KeySize = 32;

    /// <summary>Fills <paramref name="privateKey"/> with fresh random bytes and writes the matching public key.</summary>
    public static void GenerateKeyPair(Span<byte> privateKey, Span<byte> publicKey)
    {
        Error.RequireLength(privateKey.Length, KeySize, nameof(privateKey));
        Error.RequireLength(publicKey.Length, KeySize, nameof(publicKey));
        RandomNumberGenerator.Fill(privateKey);
        Bc.GeneratePublicKey(privateKey, publicKey);
    }

    /// <summary>Writes X25519(privateKey, 9), the public key of <paramref name="privateKey"/>.</summary>
    public static void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Error.RequireLength(privateKey.Length, KeySize, nameof(privateKey));
        Error.RequireLength(publicKey.Length, KeySize, nameof(publicKey));
        Bc.GeneratePublicKey(privateKey, publicKey);
    }

    /// <summary>
    /// Computes the shared secret X25519(privateKey, peerPublicKey). Returns false, with
    /// <paramref name="sharedSecret"/> cleared, when a size is wrong or the result is all zero
    /// (a low-order peer key, RFC 7748 §6.1).
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (privateKey.Length != KeySize || peerPublicKey.Length != KeySize || sharedSecret.Length != KeySize)
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            return false;
        }

        if (Bc.CalculateAgreement(privateKey, peerPublicKey, sharedSecret))
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(sharedSecret);
        return false;
    }

    /// <summary>The raw RFC 7748 function X25519(k, u), with scalar clamping and no all-zero check; for known-answer tests.</summary>
    public static void ScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> u, Span<byte> result)
    {
        Error.RequireLength(scalar.Length, KeySize, nameof(scalar));
        Error.RequireLength(u.Length, KeySize, nameof(u));
        Error.RequireLength(result.Length, KeySize, nameof(result));
        Bc.ScalarMult(scalar, u, result);
    }
}
