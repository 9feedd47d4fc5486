namespace FedBioMed.Crypto.Tests;

public sealed class HkdfSha256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(255 * 32 + 1)]
    public void DeriveKey_WithLengthOutOfRange_Throws(int length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfSha256.DeriveKey([1, 2, 3], [], [], length));
    }

    [Fact]
    public void DeriveKey_WithDifferentInfo_GivesDifferentKeys()
    {
        var ikm = new byte[32];
        var a = HkdfSha256.DeriveKey(ikm, [], new ContextBuilder("a").ToArray(), 32);
        var b = HkdfSha256.DeriveKey(ikm, [], new ContextBuilder("b").ToArray(), 32);
        Assert.NotEqual(a, b);
    }
}
