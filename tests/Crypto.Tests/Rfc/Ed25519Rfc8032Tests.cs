namespace FedBioMed.Crypto.Tests.Rfc;

/// <summary>RFC 8032 §7.1 TEST 1, 2 and 3 (Ed25519).</summary>
public sealed class Ed25519Rfc8032Tests
{
    public static TheoryData<string, string, string, string> Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void DerivePublicKey_MatchesVector(string secretKey, string publicKey, string message, string signature)
    {
        var derived = new byte[Ed25519.PublicKeySize];
        Ed25519.DerivePublicKey(Convert.FromHexString(secretKey), derived);
        Assert.Equal(publicKey, Convert.ToHexStringLower(derived));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Sign_MatchesVector(string secretKey, string publicKey, string message, string signature)
    {
        var actual = Ed25519.Sign(Convert.FromHexString(secretKey), Convert.FromHexString(message));
        Assert.Equal(signature, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Sign_WithThePublicKeyGiven_MatchesVector(string secretKey, string publicKey, string message, string signature)
    {
        var actual = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(Convert.FromHexString(secretKey), Convert.FromHexString(publicKey), Convert.FromHexString(message), actual);
        Assert.Equal(signature, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_AcceptsVectorAndRejectsTampering(string secretKey, string publicKey, string message, string signature)
    {
        var pk = Convert.FromHexString(publicKey);
        var m = Convert.FromHexString(message);
        var sig = Convert.FromHexString(signature);
        Assert.True(Ed25519.Verify(pk, m, sig));

        var tamperedSignature = (byte[])sig.Clone();
        tamperedSignature[5] ^= 0x01;
        Assert.False(Ed25519.Verify(pk, m, tamperedSignature));

        Assert.False(Ed25519.Verify(pk, Tampered(m), sig));
    }

    /// <summary>The message with its first byte changed, or one extra byte when it is empty.</summary>
    private static byte[] Tampered(byte[] message)
    {
        if (message.Length == 0)
        {
            return [0x00];
        }

        var copy = (byte[])message.Clone();
        copy[0] ^= 0x80;
        return copy;
    }
}
