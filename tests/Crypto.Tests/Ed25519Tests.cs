namespace FedBioMed.Crypto.Tests;

public sealed class Ed25519Tests
{
    [Fact]
    public void SignAndVerify_WithGeneratedKeyPair_RoundTrips()
    {
        var (privateKey, publicKey) = NewKeyPair();
        var message = "round 3, session 42"u8.ToArray();
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(privateKey, message, signature);

        Assert.True(Ed25519.Verify(publicKey, message, signature));
        Assert.Equal(signature, Ed25519.Sign(privateKey, message));
    }

    [Fact]
    public void Sign_WithThePublicKeyGiven_IsTheSignatureWithout_AndAnotherPublicKeyGivesOneThatFails()
    {
        var (privateKey, publicKey) = NewKeyPair();
        var (_, otherPublicKey) = NewKeyPair();
        foreach (var length in new[] { 0, 1, 64, 1000 })
        {
            var message = new byte[length];
            System.Security.Cryptography.RandomNumberGenerator.Fill(message);
            var signature = new byte[Ed25519.SignatureSize];
            Ed25519.Sign(privateKey, publicKey, message, signature);
            Assert.Equal(Ed25519.Sign(privateKey, message), signature);

            Ed25519.Sign(privateKey, otherPublicKey, message, signature);
            Assert.False(Ed25519.Verify(publicKey, message, signature));
        }
        Assert.Equal("publicKey", Assert.Throws<ArgumentException>(() => Ed25519.Sign(privateKey, new byte[31], "m"u8, new byte[64])).ParamName);
    }

    [Fact]
    public void Verify_WithAnotherKey_ReturnsFalse()
    {
        var (privateKey, _) = NewKeyPair();
        var (_, otherPublicKey) = NewKeyPair();
        var signature = Ed25519.Sign(privateKey, "m"u8);

        Assert.False(Ed25519.Verify(otherPublicKey, "m"u8, signature));
    }

    [Theory]
    [InlineData(31, 64)]
    [InlineData(33, 64)]
    [InlineData(32, 63)]
    [InlineData(32, 65)]
    [InlineData(0, 0)]
    public void Verify_WithWrongSizes_ReturnsFalse(int publicKeySize, int signatureSize)
    {
        Assert.False(Ed25519.Verify(new byte[publicKeySize], "m"u8, new byte[signatureSize]));
    }

    [Fact]
    public void Verify_WithMalformedPublicKeyOrSignature_ReturnsFalse()
    {
        var (privateKey, publicKey) = NewKeyPair();
        var signature = Ed25519.Sign(privateKey, "m"u8);
        var notAPoint = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var nonCanonicalS = (byte[])signature.Clone();
        nonCanonicalS[63] |= 0xF0; // S ≥ 2^252 is above the group order, which RFC 8032 §5.1.7 rejects.

        Assert.False(Ed25519.Verify(notAPoint, "m"u8, signature));
        Assert.False(Ed25519.Verify(publicKey, "m"u8, nonCanonicalS));
        Assert.False(Ed25519.Verify(publicKey, "m"u8, new byte[64]));
    }

    [Fact]
    public void Sign_WithWrongSizes_Throws()
    {
        Assert.Equal("privateKey", Assert.Throws<ArgumentException>(() => Ed25519.Sign(new byte[31], "m"u8)).ParamName);
        Assert.Equal("signature", Assert.Throws<ArgumentException>(() => Ed25519.Sign(new byte[32], "m"u8, new byte[63])).ParamName);
    }

    private static (byte[] PrivateKey, byte[] PublicKey) NewKeyPair()
    {
        var privateKey = new byte[Ed25519.PrivateKeySize];
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.GenerateKeyPair(privateKey, publicKey);
        return (privateKey, publicKey);
    }
}
