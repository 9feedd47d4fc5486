// Box–Muller (Box and Muller, 1958) from 64-bit uniform words to N(0, σ²) floats, in double until the final
// rounding. Each word gives 53 bits: u1 = (w >> 11 + 1)·2⁻⁵³ in (0, 1] for the radius √(−2 ln u1) (so the tail is
// cut at 8.57σ), u2 = (w >> 11)·2⁻⁵³ in [0, 1) for the angle 2πu2. One word per output, no rejection loop, so the
// time taken does not depend on the random values.
using System.Runtime.Intrinsics;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// The Gaussian transform of <see cref="SecureSampling"/>: 256-bit SIMD over blocks of 8 outputs with a scalar tail,
/// and <see cref="ToGaussiansScalar"/> as the reference the vector path is tested against.
/// </summary>
internal static class GaussianTransform
{
    private const double Unit = 1.0 / (1UL << 53);
    private const double TwoPi = 2 * Math.PI;
    private const int Block = 8;

    /// <summary>Words needed for <paramref name="outputs"/> Gaussians: one each, rounded up to a pair.</summary>
    public static int WordsFor(int outputs) => outputs + (outputs & 1);

    /// <summary>
    /// Writes σ·N(0, 1) draws. In each block of 8, words 0–3 set the radii and words 4–7 the angles of 4 pairs, whose
    /// cosines fill outputs 0–3 and sines outputs 4–7; past the last block, words (2k, 2k+1) make pair k.
    /// </summary>
    public static void ToGaussians(ReadOnlySpan<ulong> words, Span<float> destination, double std)
    {
        CheckLengths(words, destination);
        int blocked = destination.Length / Block * Block;
        if (Vector256.IsHardwareAccelerated)
        {
            VectorBlocks(words, destination[..blocked], std);
        }
        else
        {
            ScalarBlocks(words, destination[..blocked], std);
        }
        ScalarPairs(blocked, words, destination, std);
    }

    /// <summary>The same mapping as <see cref="ToGaussians"/> with <see cref="Math"/> functions only.</summary>
    public static void ToGaussiansScalar(ReadOnlySpan<ulong> words, Span<float> destination, double std)
    {
        CheckLengths(words, destination);
        int blocked = destination.Length / Block * Block;
        ScalarBlocks(words, destination[..blocked], std);
        ScalarPairs(blocked, words, destination, std);
    }

    private static void VectorBlocks(ReadOnlySpan<ulong> words, Span<float> destination, double std)
    {
        var unit = Vector256.Create(Unit);
        var one = Vector256<ulong>.One;
        var minusTwo = Vector256.Create(-2.0);
        var twoPi = Vector256.Create(TwoPi);
        var scale = Vector256.Create(std);
        for (int i = 0; i < destination.Length; i += Block)
        {
            var radiusWords = Vector256.Create(words.Slice(i, 4));
            var angleWords = Vector256.Create(words.Slice(i + 4, 4));
            var u1 = Vector256.ConvertToDouble(Vector256.ShiftRightLogical(radiusWords, 11) + one) * unit;
            var u2 = Vector256.ConvertToDouble(Vector256.ShiftRightLogical(angleWords, 11)) * unit;
            var radius = Vector256.Sqrt(minusTwo * Vector256.Log(u1)) * scale;
            var (sin, cos) = Vector256.SinCos(twoPi * u2);
            Vector256.Narrow(radius * cos, radius * sin).CopyTo(destination.Slice(i, Block));
        }
    }

    private static void ScalarBlocks(ReadOnlySpan<ulong> words, Span<float> destination, double std)
    {
        for (int i = 0; i < destination.Length; i += Block)
        {
            for (int lane = 0; lane < 4; lane++)
            {
                var (sin, cos) = Pair(words[i + lane], words[i + 4 + lane], std);
                destination[i + lane] = (float)cos;
                destination[i + 4 + lane] = (float)sin;
            }
        }
    }

    private static void ScalarPairs(int start, ReadOnlySpan<ulong> words, Span<float> destination, double std)
    {
        for (int i = start; i < destination.Length; i += 2)
        {
            var (sin, cos) = Pair(words[i], words[i + 1], std);
            destination[i] = (float)cos;
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)sin;
            }
        }
    }

    private static (double Sin, double Cos) Pair(ulong radiusWord, ulong angleWord, double std)
    {
        double u1 = ((radiusWord >> 11) + 1) * Unit;
        double u2 = (angleWord >> 11) * Unit;
        double radius = Math.Sqrt(-2 * Math.Log(u1)) * std;
        var (sin, cos) = Math.SinCos(TwoPi * u2);
        return (radius * sin, radius * cos);
    }

    private static void CheckLengths(ReadOnlySpan<ulong> words, Span<float> destination)
    {
        if (words.Length < WordsFor(destination.Length))
        {
            throw new ArgumentException($"{destination.Length} Gaussians need {WordsFor(destination.Length)} words, not {words.Length}", nameof(words));
        }
    }
}
