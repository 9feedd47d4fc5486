using CsCheck;
using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>The SIMD Box–Muller against its scalar reference, and against known values.</summary>
public sealed class GaussianTransformTests
{
    [Fact]
    public void ToGaussians_AnyWords_MatchTheScalarReference()
    {
        Gen.Select(Gen.Int[0, 40], Gen.Double[0.001, 1000]).Select((n, std) => (n, std))
            .SelectMany(t => Gen.ULong.Array[GaussianTransform.WordsFor(t.n)].Select(words => (words, t.n, t.std)))
            .Sample(c =>
            {
                var vector = new float[c.n];
                var scalar = new float[c.n];
                GaussianTransform.ToGaussians(c.words, vector, c.std);
                GaussianTransform.ToGaussiansScalar(c.words, scalar, c.std);
                for (int i = 0; i < c.n; i++)
                {
                    // Vector Log and SinCos are within a few ulps of Math's, far below float rounding.
                    Assert.True(Math.Abs(vector[i] - scalar[i]) <= 1e-6 * Math.Max(c.std, Math.Abs(scalar[i])),
                        $"output {i} of {c.n}: {vector[i]} vs {scalar[i]}");
                }
            }, iter: 10_000);
    }

    [Fact]
    public void ToGaussians_ExtremeWords_StayFiniteAndBounded()
    {
        // Radius word 0 is u1 = 2^-53, the largest radius √(−2 ln 2^-53) = 8.57; all-ones is u1 = 1, radius 0.
        ulong[] words = [0, 0, 0, 0, 0, 0, 0, 0, ulong.MaxValue, 0];
        var output = new float[9];

        GaussianTransform.ToGaussians(words, output, 1);

        Assert.Equal(Math.Sqrt(-2 * Math.Log(Math.Pow(2, -53))), output[0], 5);
        Assert.Equal(0f, output[4]);
        Assert.Equal(0f, output[8]);
        Assert.All(output, v => Assert.InRange(v, -8.58f, 8.58f));
    }

    [Fact]
    public void ToGaussians_TooFewWords_Refuses()
    {
        Assert.Throws<ArgumentException>(() => GaussianTransform.ToGaussians(new ulong[4], new float[5], 1));
    }
}
