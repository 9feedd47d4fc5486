using System.Diagnostics;
using System.Security.Cryptography;
using CsCheck;

namespace FedBioMed.Crypto.Tests;

public sealed class ShamirTests
{
    /// <summary>(holders, threshold, shuffle seed): t ≤ n ≤ 50.</summary>
    private static readonly Gen<(int Holders, int Threshold, int Shuffle)> Parameters =
        Gen.Int[1, 50].SelectMany(n => Gen.Int[1, n].SelectMany(t => Gen.Int.Select(seed => (n, t, seed))));

    [Fact]
    public void TryCombine_AnyThresholdOrMoreShares_RecoversTheSecret()
    {
        Gen.Select(Parameters, Gen.Byte.Array[Shamir.SecretSize], Gen.Int[0, 50]).Sample((p, secret, extra) =>
        {
            var shares = Shamir.Split(secret, p.Threshold, p.Holders);
            int count = Math.Min(p.Holders, p.Threshold + extra);
            var subset = Shuffled(shares, p.Shuffle).Take(count).ToArray();
            var recovered = new byte[Shamir.SecretSize];

            Assert.True(Shamir.TryCombine(subset, p.Threshold, recovered));
            Assert.Equal(secret, recovered);
        }, iter: 1_000);
    }

    [Fact]
    public void TryCombine_WithOneShareTooFew_ReturnsFalse()
    {
        Gen.Select(Parameters, Gen.Byte.Array[Shamir.SecretSize]).Where((p, _) => p.Threshold >= 2).Sample((p, secret) =>
        {
            var shares = Shamir.Split(secret, p.Threshold, p.Holders);
            var subset = Shuffled(shares, p.Shuffle).Take(p.Threshold - 1).ToArray();
            var recovered = new byte[Shamir.SecretSize];

            Assert.False(Shamir.TryCombine(subset, p.Threshold, recovered));
            Assert.Equal(new byte[Shamir.SecretSize], recovered);
        }, iter: 300);
    }

    [Fact]
    public void TryCombine_WithOneFlippedBitInOneShare_ReturnsFalse()
    {
        Gen.Select(Parameters, Gen.Byte.Array[Shamir.SecretSize], Gen.Int[0, (8 * Shamir.ShareSize) - 1], Gen.Int[0, 3])
            .Sample((p, secret, bit, extra) =>
            {
                var shares = Shamir.Split(secret, p.Threshold, p.Holders);
                var subset = Shuffled(shares, p.Shuffle).Take(Math.Min(p.Holders, p.Threshold + extra)).ToArray();
                int victim = (int)((uint)p.Shuffle % (uint)subset.Length);
                var corrupted = (byte[])subset[victim].Value.Clone();
                corrupted[bit / 8] ^= (byte)(1 << (bit % 8));
                subset[victim] = subset[victim] with { Value = corrupted };

                Assert.False(Shamir.TryCombine(subset, p.Threshold, new byte[Shamir.SecretSize]));
            }, iter: 1_000);
    }

    [Fact]
    public void TryCombine_DuplicateIndices_AreCountedOnce()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = Shamir.Split(secret, threshold: 3, holders: 5);
        var recovered = new byte[32];

        Assert.False(Shamir.TryCombine([shares[0], shares[1], shares[1]], 3, recovered));
        Assert.True(Shamir.TryCombine([shares[0], shares[1], shares[1], shares[4]], 3, recovered));
        Assert.Equal(secret, recovered);
    }

    [Fact]
    public void TryCombine_SameIndexWithDifferentValues_ReturnsFalse()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = Shamir.Split(secret, threshold: 2, holders: 4);
        var impostor = new ShamirShare(shares[0].Index, shares[3].Value);

        Assert.False(Shamir.TryCombine([shares[0], shares[1], shares[2], impostor], 2, new byte[32]));
    }

    [Fact]
    public void TryCombine_SharesOfAnotherSecretMixedIn_ReturnsFalse()
    {
        var first = Shamir.Split(RandomNumberGenerator.GetBytes(32), 3, 5);
        var second = Shamir.Split(RandomNumberGenerator.GetBytes(32), 3, 5);

        Assert.False(Shamir.TryCombine([first[0], first[1], second[2]], 3, new byte[32]));
        Assert.False(Shamir.TryCombine([first[0], first[1], first[2], second[3]], 3, new byte[32]));
    }

    [Theory]
    [InlineData(0, 48)]
    [InlineData(65536, 48)]
    [InlineData(1, 47)]
    [InlineData(1, 49)]
    public void TryCombine_WithMalformedShare_ReturnsFalse(int index, int valueSize)
    {
        var shares = Shamir.Split(new byte[32], 1, 3).ToList();
        shares.Add(new ShamirShare(index, new byte[valueSize]));

        Assert.False(Shamir.TryCombine(shares, 1, new byte[32]));
        Assert.False(Shamir.TryCombine([shares[0], new ShamirShare(2, null!)], 1, new byte[32]));
    }

    [Fact]
    public void Split_WithThresholdOne_PutsTheSecretInEveryShare()
    {
        // A constant polynomial: each share is the 24 symbols themselves, so the encoding is visible.
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = Shamir.Split(secret, 1, 3);

        Assert.Equal([1, 2, 3], shares.Select(s => s.Index));
        Assert.All(shares, s => Assert.Equal(secret, s.Value.AsSpan(0, 32).ToArray()));
        var tag = SHA256.HashData([.. "FedBioMed.Shamir.v1"u8, .. secret]).AsSpan(0, 16).ToArray();
        Assert.All(shares, s => Assert.Equal(tag, s.Value.AsSpan(32, 16).ToArray()));
    }

    [Fact]
    public void Split_SameSecretTwice_GivesDifferentShares()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var first = Shamir.Split(secret, 2, 3);
        var second = Shamir.Split(secret, 2, 3);

        Assert.All(first, s => Assert.Equal(Shamir.ShareSize, s.Value.Length));
        Assert.NotEqual(first[0].Value, second[0].Value);
    }

    [Fact]
    public void SplitAndTryCombine_TenThousandHoldersThresholdFiveThousand_Works()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var clock = Stopwatch.StartNew();
        var shares = Shamir.Split(secret, threshold: 5_000, holders: 10_000);
        var subset = Shuffled(shares, 12345).Take(5_000).ToArray();
        var recovered = new byte[32];

        Assert.True(Shamir.TryCombine(subset, 5_000, recovered));
        Assert.Equal(secret, recovered);
        Assert.False(Shamir.TryCombine(subset[..4_999], 5_000, recovered));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 20);
    }

    [Theory]
    [InlineData(0, 5, "threshold")]
    [InlineData(6, 5, "holders")]
    [InlineData(1, 65536, "holders")]
    [InlineData(-3, 5, "threshold")]
    public void Split_WithBadThresholdOrHolders_ThrowsNamingTheArgument(int threshold, int holders, string paramName)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.Split(new byte[32], threshold, holders));
        Assert.Equal(paramName, ex.ParamName);
        Assert.Contains("between", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Split_WithWrongSecretSize_Throws(int size)
    {
        var ex = Assert.Throws<ArgumentException>(() => Shamir.Split(new byte[size], 1, 1));
        Assert.Equal("secret", ex.ParamName);
        Assert.Contains("32 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCombine_WithBadThresholdOrDestination_Throws()
    {
        var shares = Shamir.Split(new byte[32], 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.TryCombine(shares, 0, new byte[32]));
        Assert.Throws<ArgumentException>(() => Shamir.TryCombine(shares, 1, new byte[16]));
        Assert.Throws<ArgumentNullException>(() => Shamir.TryCombine(null!, 1, new byte[32]));
    }

    private static IEnumerable<ShamirShare> Shuffled(ShamirShare[] shares, int seed)
    {
        // Test-only subset choice, reproducible from CsCheck's seed; nothing secret depends on it.
        var copy = (ShamirShare[])shares.Clone();
        new Random(seed).Shuffle(copy);
        return copy;
    }
}
