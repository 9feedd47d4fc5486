using System.Security.Cryptography;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>A node's long-term Ed25519 identity: its id and signing key.</summary>
public sealed class NodeIdentity : IDisposable
{
    private readonly byte[] _privateKey;

    public NodeIdentity(string id, ReadOnlySpan<byte> privateKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (privateKey.Length != Ed25519.PrivateKeySize)
            throw new ArgumentException($"Identity key must be {Ed25519.PrivateKeySize} bytes.", nameof(privateKey));
        Id = id;
        _privateKey = privateKey.ToArray();
        PublicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.DerivePublicKey(_privateKey, PublicKey);
    }

    public string Id { get; }

    public byte[] PublicKey { get; }

    /// <summary>Makes a fresh identity from the system CSPRNG.</summary>
    public static NodeIdentity Generate(string id)
    {
        Span<byte> sk = stackalloc byte[Ed25519.PrivateKeySize];
        Span<byte> pk = stackalloc byte[Ed25519.PublicKeySize];
        try
        {
            Ed25519.GenerateKeyPair(sk, pk);
            return new NodeIdentity(id, sk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sk);
        }
    }

    /// <summary>The private key, for persisting the identity (treat as a secret).</summary>
    public byte[] ExportPrivateKey() => (byte[])_privateKey.Clone();

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        // With the public key at hand, signing skips deriving it again (half of an Ed25519 signature's cost).
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(_privateKey, PublicKey, message, signature);
        return signature;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);
}
