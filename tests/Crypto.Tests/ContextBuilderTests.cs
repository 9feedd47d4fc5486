namespace FedBioMed.Crypto.Tests;

public sealed class ContextBuilderTests
{
    [Fact]
    public void ToArray_EncodesLabelPurposeAndFieldsWithLittleEndianLengths()
    {
        var context = new ContextBuilder("mask").Add("ab").Add([0xFF]).Add(0x0102030405060708L).ToArray();

        var expected = Convert.FromHexString(
            "0f000000" + Convert.ToHexString("FedBioMed.NET/1"u8)
            + "04000000" + Convert.ToHexString("mask"u8)
            + "02000000" + "6162"
            + "01000000" + "ff"
            + "08000000" + "0807060504030201");
        Assert.Equal(expected, context);
    }

    [Fact]
    public void ToArray_DiffersWhenFieldBoundariesMove()
    {
        var ab = new ContextBuilder("p").Add("ab").Add("c").ToArray();
        var bc = new ContextBuilder("p").Add("a").Add("bc").ToArray();
        var abc = new ContextBuilder("p").Add("abc").ToArray();
        var purposeShift = new ContextBuilder("pa").Add("bc").ToArray();

        Assert.Equal(4, new[] { ab, bc, abc, purposeShift }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Add_String_IsUtf8()
    {
        var viaString = new ContextBuilder("p").Add("é").ToArray();
        var viaBytes = new ContextBuilder("p").Add("é"u8).ToArray();
        Assert.Equal(viaBytes, viaString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hospital-a")]
    [InlineData("aé€😀")]
    [InlineData("lone \ud800 surrogate")]
    public void Add_String_PrefixesTheLengthOfItsUtf8Encoding(string field)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(field);
        var expected = new ContextBuilder("p").Add(utf8).ToArray();
        var built = new ContextBuilder("p").Add(field);

        Assert.Equal(expected, built.ToArray());
        Assert.Equal(expected, built.Encoded.ToArray());
    }

    [Fact]
    public void Restart_EncodesExactlyWhatANewBuilderWould_AndHashesIt()
    {
        var reused = new ContextBuilder("first").Add("a long field that the next context must not keep any of").Add(42L);
        reused.Restart("second").Add("x");
        var fresh = new ContextBuilder("second").Add("x");

        Assert.Equal(fresh.ToArray(), reused.ToArray());
        Span<byte> hash = stackalloc byte[32];
        reused.Sha256(hash);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(fresh.ToArray()), hash.ToArray());
        Assert.Equal(fresh.Sha256(), hash.ToArray());
        Assert.Throws<ArgumentException>(() => reused.Restart(""));
    }

    [Fact]
    public void Constructor_WithEmptyPurpose_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ContextBuilder(""));
    }
}
