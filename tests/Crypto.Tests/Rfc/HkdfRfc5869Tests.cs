namespace FedBioMed.Crypto.Tests.Rfc;

/// <summary>RFC 5869 Appendix A.1, A.2 and A.3 (HKDF with SHA-256).</summary>
public sealed class HkdfRfc5869Tests
{
    public static TheoryData<string, string, string, int, string> Vectors => new()
    {
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
            "000102030405060708090a0b0c",
            "f0f1f2f3f4f5f6f7f8f9",
            42,
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        },
        {
            Range(0x00, 0x4f),
            Range(0x60, 0xaf),
            Range(0xb0, 0xff),
            82,
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87"
        },
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
            "",
            "",
            42,
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void DeriveKey_MatchesAppendixA(string ikm, string salt, string info, int length, string okm)
    {
        var actual = HkdfSha256.DeriveKey(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), length);
        Assert.Equal(okm, Convert.ToHexStringLower(actual));

        var intoSpan = new byte[length];
        HkdfSha256.DeriveKey(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), intoSpan);
        Assert.Equal(actual, intoSpan);
    }

    private static string Range(int first, int last) =>
        Convert.ToHexStringLower(Enumerable.Range(first, last - first + 1).Select(b => (byte)b).ToArray());
}
