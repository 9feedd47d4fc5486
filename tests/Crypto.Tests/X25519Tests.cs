namespace FedBioMed.Crypto.Tests;

public sealed class X25519Tests
{
    // Encodings of low-order points: 0 and 1 (orders 4 and 1), p - 1 (order 2), and two points of order 8.
    public static TheoryData<string> LowOrderPoints => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    };

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void TryAgree_WithLowOrderPoint_ReturnsFalseAndClearsSecret(string point)
    {
        Span<byte> privateKey = stackalloc byte[X25519.KeySize];
        Span<byte> publicKey = stackalloc byte[X25519.KeySize];
        X25519.GenerateKeyPair(privateKey, publicKey);
        var shared = Enumerable.Repeat((byte)0xAA, X25519.KeySize).ToArray();

        Assert.False(X25519.TryAgree(privateKey, Convert.FromHexString(point), shared));
        Assert.All(shared, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryAgree_WithFreshKeyPairs_GivesBothSidesTheSameSecret()
    {
        var (a, aPublic) = NewKeyPair();
        var (b, bPublic) = NewKeyPair();
        var ab = new byte[32];
        var ba = new byte[32];

        Assert.True(X25519.TryAgree(a, bPublic, ab));
        Assert.True(X25519.TryAgree(b, aPublic, ba));
        Assert.Equal(ab, ba);
        Assert.NotEqual(new byte[32], ab);
    }

    [Theory]
    [InlineData(31, 32, 32)]
    [InlineData(32, 33, 32)]
    [InlineData(32, 32, 16)]
    public void TryAgree_WithWrongSizes_ReturnsFalse(int privateSize, int publicSize, int secretSize)
    {
        Assert.False(X25519.TryAgree(new byte[privateSize], new byte[publicSize], new byte[secretSize]));
    }

    [Fact]
    public void GenerateKeyPair_PublicKeyMatchesDerivePublicKey_AndKeysDiffer()
    {
        var (first, firstPublic) = NewKeyPair();
        var (second, _) = NewKeyPair();
        var derived = new byte[32];
        X25519.DerivePublicKey(first, derived);

        Assert.Equal(firstPublic, derived);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void DerivePublicKey_WithWrongPrivateKeySize_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => X25519.DerivePublicKey(new byte[16], new byte[32]));
        Assert.Equal("privateKey", ex.ParamName);
    }

    private static (byte[] PrivateKey, byte[] PublicKey) NewKeyPair()
    {
        var privateKey = new byte[32];
        var publicKey = new byte[32];
        X25519.GenerateKeyPair(privateKey, publicKey);
        return (privateKey, publicKey);
    }
}
