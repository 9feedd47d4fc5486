using CsCheck;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto.Tests.Internal;

public sealed class Gf65536Tests
{
    [Fact]
    public void Exp_GeneratesEveryNonZeroElementOnce()
    {
        var seen = new bool[65536];
        for (int i = 0; i < Gf65536.Order; i++)
        {
            ushort e = Gf65536.Exp[i];
            Assert.NotEqual(0, e);
            Assert.False(seen[e]);
            seen[e] = true;
        }
    }

    [Fact]
    public void Multiply_MatchesCarrylessMultiplicationModuloPolynomial()
    {
        Gen.Select(Gen.UShort, Gen.UShort).Sample((a, b) =>
        {
            Assert.Equal(SlowMultiply(a, b), Gf65536.Multiply(a, b));
        }, iter: 10_000);
    }

    [Fact]
    public void Divide_InvertsMultiply()
    {
        Gen.Select(Gen.UShort, Gen.UShort[1, ushort.MaxValue]).Sample((a, b) =>
        {
            Assert.Equal(a, Gf65536.Divide(Gf65536.Multiply(a, b), b));
        }, iter: 10_000);
    }

    [Fact]
    public void ZeroLog_PlusAnyLog_MapsToZero()
    {
        for (int log = 0; log < Gf65536.Order; log += 97)
        {
            Assert.Equal(0, Gf65536.Exp[Gf65536.ZeroLog + log]);
        }

        Assert.Equal(0, Gf65536.Exp[Gf65536.ZeroLog + Gf65536.Order - 1]);
    }

    private static ushort SlowMultiply(ushort a, ushort b)
    {
        int product = 0;
        for (int bit = 0; bit < 16; bit++)
        {
            if ((b & (1 << bit)) != 0)
            {
                product ^= a << bit;
            }
        }

        for (int bit = 31; bit >= 16; bit--)
        {
            if ((product & (1 << bit)) != 0)
            {
                product ^= 0x1100B << (bit - 16);
            }
        }

        return (ushort)product;
    }
}
