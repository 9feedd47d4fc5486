using CsCheck;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto.Tests;

public sealed class ModularArithmeticTests
{
    // Values near the top of the range so that most sums wrap.
    private static readonly Gen<uint> Uint = Gen.Frequency((2, Gen.UInt), (1, Gen.UInt[uint.MaxValue - 16, uint.MaxValue]), (1, Gen.UInt[0, 16]));
    private static readonly Gen<ulong> Ulong = Gen.Frequency((2, Gen.ULong), (1, Gen.ULong[ulong.MaxValue - 16, ulong.MaxValue]), (1, Gen.ULong[0, 16]));

    private static readonly Gen<(uint[] A, uint[] B)> UintPairs =
        Gen.Int[0, 1000].SelectMany(n => Gen.Select(Uint.Array[n], Uint.Array[n]));

    private static readonly Gen<(ulong[] A, ulong[] B)> UlongPairs =
        Gen.Int[0, 1000].SelectMany(n => Gen.Select(Ulong.Array[n], Ulong.Array[n]));

    [Fact]
    public void AddAndSubtract_Uint_MatchScalarReference()
    {
        UintPairs.Sample((a, b) =>
        {
            var (simd, scalar) = ((uint[])a.Clone(), (uint[])a.Clone());
            ModularArithmetic.Add(simd, b);
            ScalarArithmetic.Add(scalar, b);
            Assert.Equal(scalar, simd);

            ModularArithmetic.Subtract(simd, a);
            ScalarArithmetic.Subtract(scalar, a);
            Assert.Equal(scalar, simd);
            Assert.Equal(b, simd);
        }, iter: 10_000);
    }

    [Fact]
    public void AddAndSubtract_Ulong_MatchScalarReference()
    {
        UlongPairs.Sample((a, b) =>
        {
            var (simd, scalar) = ((ulong[])a.Clone(), (ulong[])a.Clone());
            ModularArithmetic.Add(simd, b);
            ScalarArithmetic.Add(scalar, b);
            Assert.Equal(scalar, simd);

            ModularArithmetic.Subtract(simd, a);
            ScalarArithmetic.Subtract(scalar, a);
            Assert.Equal(scalar, simd);
            Assert.Equal(b, simd);
        }, iter: 10_000);
    }

    [Fact]
    public void AddAndSubtractBytesAsWords_MatchScalarReference()
    {
        Gen.Int[0, 1000].SelectMany(n => Gen.Select(Uint.Array[n], Gen.Byte.Array[4 * n], Ulong.Array[n], Gen.Byte.Array[8 * n]))
            .Sample((a32, bytes32, a64, bytes64) =>
            {
                foreach (bool subtract in new[] { false, true })
                {
                    var (simd32, scalar32) = ((uint[])a32.Clone(), (uint[])a32.Clone());
                    if (subtract)
                    {
                        ModularArithmetic.SubtractBytesAsWords(simd32, bytes32);
                    }
                    else
                    {
                        ModularArithmetic.AddBytesAsWords(simd32, bytes32);
                    }

                    ScalarArithmetic.AddBytesAsWords(scalar32, bytes32, subtract);
                    Assert.Equal(scalar32, simd32);

                    var (simd64, scalar64) = ((ulong[])a64.Clone(), (ulong[])a64.Clone());
                    if (subtract)
                    {
                        ModularArithmetic.SubtractBytesAsWords(simd64, bytes64);
                    }
                    else
                    {
                        ModularArithmetic.AddBytesAsWords(simd64, bytes64);
                    }

                    ScalarArithmetic.AddBytesAsWords(scalar64, bytes64, subtract);
                    Assert.Equal(scalar64, simd64);
                }
            }, iter: 3_000);
    }

    [Fact]
    public void Add_WrapsModulo2To32()
    {
        uint[] accumulator = [uint.MaxValue, 5];
        ModularArithmetic.Add(accumulator, [2u, uint.MaxValue]);
        Assert.Equal([1u, 4u], accumulator);
    }

    [Fact]
    public void AddBytesAsWords_ReadsLittleEndian()
    {
        uint[] accumulator = [0];
        ModularArithmetic.AddBytesAsWords(accumulator, [0x01, 0x02, 0x03, 0x04]);
        Assert.Equal(0x04030201u, accumulator[0]);
    }

    [Fact]
    public void Add_WithLengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => ModularArithmetic.Add(new uint[3], new uint[4]));
        Assert.Throws<ArgumentException>(() => ModularArithmetic.Subtract(new ulong[3], new ulong[2]));
        Assert.Throws<ArgumentException>(() => ModularArithmetic.AddBytesAsWords(new uint[3], new byte[11]));
    }
}
