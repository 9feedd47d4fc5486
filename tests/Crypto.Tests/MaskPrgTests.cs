using System.Buffers.Binary;
using CsCheck;

namespace FedBioMed.Crypto.Tests;

public sealed class MaskPrgTests
{
    private static readonly byte[] Seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Context = new ContextBuilder("mask").Add("test").ToArray();

    [Fact]
    public void Keystream_FirstWords_MatchFrozenKnownAnswer()
    {
        // Frozen: computed once (and cross-checked with `openssl enc -aes-128-ctr -iv 0` under the HKDF key).
        // If this fails, masks changed and nodes running different versions can no longer unmask each other.
        uint[] expected = [0xA0E5EB49u, 0x234F7A9Fu, 0xC8A4ECD6u, 0xD0726902u, 0x12DB5848u, 0xAEC21E0Cu, 0x14FDFA68u, 0xFF06EC33u];
        using var prg = new MaskPrg(Seed, Context);
        var bytes = new byte[32];
        prg.Keystream(0, bytes);

        var words = Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4 * i))).ToArray();
        Assert.Equal(expected, words);
    }

    [Fact]
    public void Keystream_AtRandomBlocks_EqualsIndependentAesCtr()
    {
        Gen.Select(Gen.Long[0, long.MaxValue / 2], Gen.Int[0, 40], Gen.Byte.Array[32])
            .Sample((firstBlock, blocks, seed) =>
            {
                using var prg = new MaskPrg(seed, Context);
                var actual = new byte[blocks * 16];
                prg.Keystream(firstBlock, actual);
                Assert.Equal(ReferenceCtr.Keystream(seed, Context, firstBlock, blocks), actual);
            }, iter: 300);
    }

    [Fact]
    public void Keystream_IsSeekable()
    {
        using var prg = new MaskPrg(Seed, Context);
        var whole = new byte[16 * 100];
        var tail = new byte[16 * 37];
        prg.Keystream(0, whole);
        prg.Keystream(63, tail);
        Assert.Equal(whole.AsSpan(63 * 16).ToArray(), tail);
    }

    [Fact]
    public void Keystream_TopFourBits_PassChiSquare()
    {
        const int count = 1_000_000;
        using var prg = new MaskPrg(Seed, Context);
        var bytes = new byte[count * 4];
        prg.Keystream(0, bytes);
        var bins = new long[16];
        for (int i = 0; i < count; i++)
        {
            bins[BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4 * i)) >> 28]++;
        }

        double expected = count / 16.0;
        double chiSquare = bins.Sum(observed => (observed - expected) * (observed - expected) / expected);

        // 15 degrees of freedom: P(χ² > 37.7) = 0.001. Seed and context are fixed, so this is deterministic.
        Assert.InRange(chiSquare, 0, 37.7);
    }

    [Fact]
    public void Keystream_DiffersAcrossSeedsAndContexts()
    {
        var otherSeed = (byte[])Seed.Clone();
        otherSeed[31] ^= 1;
        var otherContext = new ContextBuilder("mask").Add("tesT").ToArray();

        var streams = new[] { (Seed, Context), (otherSeed, Context), (Seed, otherContext) }
            .Select(p =>
            {
                using var prg = new MaskPrg(p.Item1, p.Item2);
                var bytes = new byte[64];
                prg.Keystream(0, bytes);
                return Convert.ToHexString(bytes);
            });
        Assert.Equal(3, streams.Distinct().Count());
    }

    [Fact]
    public void Constructor_WithWrongSeedSize_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MaskPrg(new byte[16], Context));
        Assert.Equal("seed", ex.ParamName);
    }

    [Fact]
    public void Keystream_WithLengthNotMultipleOf16OrNegativeBlock_Throws()
    {
        using var prg = new MaskPrg(Seed, Context);
        Assert.Throws<ArgumentException>(() => prg.Keystream(0, new byte[15]));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.Keystream(-1, new byte[16]));
    }

    [Fact]
    public void Keystream_AfterDispose_Throws()
    {
        var prg = new MaskPrg(Seed, Context);
        prg.Dispose();
        Assert.Throws<ObjectDisposedException>(() => prg.Keystream(0, new byte[16]));
    }
}
