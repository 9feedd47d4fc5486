namespace FedBioMed.Crypto.Tests.Rfc;

/// <summary>McGrew–Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, Test Case 16 (AES-256, 96-bit IV, AAD).</summary>
public sealed class AesGcmSpecTests
{
    private static readonly byte[] Key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    private static readonly byte[] Nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
    private static readonly byte[] Plaintext = Convert.FromHexString(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");

    private static readonly byte[] AssociatedData = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");

    private const string Ciphertext =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";

    private const string Tag = "76fc6ece0f4e1768cddf8853bb2d551b";

    [Fact]
    public void Encrypt_MatchesTestCase16()
    {
        var ciphertext = new byte[Plaintext.Length];
        var tag = new byte[Aes256Gcm.TagSize];
        Aes256Gcm.Encrypt(Key, Nonce, Plaintext, AssociatedData, ciphertext, tag);
        Assert.Equal(Ciphertext, Convert.ToHexStringLower(ciphertext));
        Assert.Equal(Tag, Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void TryDecrypt_OpensTestCase16()
    {
        var plaintext = new byte[Plaintext.Length];
        Assert.True(Aes256Gcm.TryDecrypt(Key, Nonce, Convert.FromHexString(Ciphertext), Convert.FromHexString(Tag), AssociatedData, plaintext));
        Assert.Equal(Plaintext, plaintext);
    }
}
