using System.Security.Cryptography;

namespace FedBioMed.Crypto.Tests;

public sealed class Aes256GcmTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(Aes256Gcm.KeySize);
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(Aes256Gcm.NonceSize);
    private static readonly byte[] AssociatedData = "sender=3;receiver=7"u8.ToArray();
    private static readonly byte[] Plaintext = "two Shamir shares, 96 bytes of them"u8.ToArray();

    public enum Tamper
    {
        Ciphertext,
        Tag,
        AssociatedData,
        Nonce,
    }

    [Theory]
    [InlineData(Tamper.Ciphertext)]
    [InlineData(Tamper.Tag)]
    [InlineData(Tamper.AssociatedData)]
    [InlineData(Tamper.Nonce)]
    public void TryDecrypt_WhenAnythingChanged_ReturnsFalseAndClearsPlaintext(Tamper what)
    {
        var ciphertext = new byte[Plaintext.Length];
        var tag = new byte[Aes256Gcm.TagSize];
        Aes256Gcm.Encrypt(Key, Nonce, Plaintext, AssociatedData, ciphertext, tag);
        var nonce = (byte[])Nonce.Clone();
        var aad = (byte[])AssociatedData.Clone();
        var changed = what switch
        {
            Tamper.Ciphertext => ciphertext,
            Tamper.Tag => tag,
            Tamper.AssociatedData => aad,
            _ => nonce,
        };
        changed[changed.Length - 1] ^= 0x01;
        var plaintext = Enumerable.Repeat((byte)0xAA, Plaintext.Length).ToArray();

        Assert.False(Aes256Gcm.TryDecrypt(Key, nonce, ciphertext, tag, aad, plaintext));
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    [Fact]
    public void SealAndTryOpen_RoundTrip_WithFreshNonces()
    {
        var first = Aes256Gcm.Seal(Key, Plaintext, AssociatedData);
        var second = Aes256Gcm.Seal(Key, Plaintext, AssociatedData);

        Assert.Equal(Aes256Gcm.NonceSize + Plaintext.Length + Aes256Gcm.TagSize, first.Length);
        Assert.NotEqual(first.AsSpan(0, Aes256Gcm.NonceSize).ToArray(), second.AsSpan(0, Aes256Gcm.NonceSize).ToArray());
        Assert.True(Aes256Gcm.TryOpen(Key, first, AssociatedData, out var opened));
        Assert.Equal(Plaintext, opened);
    }

    [Fact]
    public void TryOpen_WithWrongAssociatedDataOrKey_ReturnsFalse()
    {
        var sealedMessage = Aes256Gcm.Seal(Key, Plaintext, AssociatedData);

        Assert.False(Aes256Gcm.TryOpen(Key, sealedMessage, "sender=7;receiver=3"u8, out var plaintext));
        Assert.Empty(plaintext);
        Assert.False(Aes256Gcm.TryOpen(RandomNumberGenerator.GetBytes(32), sealedMessage, AssociatedData, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(27)]
    public void TryOpen_WithMessageShorterThanNonceAndTag_ReturnsFalse(int length)
    {
        Assert.False(Aes256Gcm.TryOpen(Key, new byte[length], [], out var plaintext));
        Assert.Empty(plaintext);
    }

    [Fact]
    public void TryOpen_WithEmptyPlaintext_RoundTrips()
    {
        var sealedMessage = Aes256Gcm.Seal(Key, [], []);
        Assert.True(Aes256Gcm.TryOpen(Key, sealedMessage, [], out var plaintext));
        Assert.Empty(plaintext);
    }

    [Fact]
    public void Encrypt_WithWrongSizes_ThrowsNamingTheArgument()
    {
        var ciphertext = new byte[Plaintext.Length];
        var tag = new byte[16];
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => Aes256Gcm.Encrypt(new byte[16], Nonce, Plaintext, [], ciphertext, tag)).ParamName);
        Assert.Equal("nonce", Assert.Throws<ArgumentException>(() => Aes256Gcm.Encrypt(Key, new byte[16], Plaintext, [], ciphertext, tag)).ParamName);
        Assert.Equal("tag", Assert.Throws<ArgumentException>(() => Aes256Gcm.Encrypt(Key, Nonce, Plaintext, [], ciphertext, new byte[12])).ParamName);
        Assert.Equal("ciphertext", Assert.Throws<ArgumentException>(() => Aes256Gcm.Encrypt(Key, Nonce, Plaintext, [], new byte[3], tag)).ParamName);
    }
}
