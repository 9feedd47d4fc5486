using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>
/// Randomized Hadamard rotation x ↦ H·D·x / √n (Kairouz, Liu, Steinke 2021, §4): D is a diagonal of random
/// signs from a public per-round seed, H the Walsh–Hadamard matrix, n the padded power-of-two length. It is
/// orthonormal, so it keeps the L2 norm (the DP sensitivity), and it spreads a vector's mass evenly over the
/// coordinates, so each coordinate is small with overwhelming probability and fewer bits per coordinate
/// suffice. The server applies the inverse D·H·y / √n to the sum.
/// </summary>
public static class HadamardRotation
{
    /// <summary>The padded length: the next power of two.</summary>
    public static int PaddedLength(int length) =>
        length <= 1 ? 1 : checked((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length));

    /// <summary>Rotates <paramref name="vector"/> (length a power of two) in place.</summary>
    public static void Rotate(Span<double> vector, ReadOnlySpan<byte> seed)
    {
        ApplySigns(vector, seed);
        Transform(vector);
    }

    /// <summary>Undoes <see cref="Rotate"/> in place.</summary>
    public static void Unrotate(Span<double> vector, ReadOnlySpan<byte> seed)
    {
        Transform(vector);
        ApplySigns(vector, seed);
    }

    /// <summary>The fast Walsh–Hadamard transform, normalized by 1/√n (its own inverse).</summary>
    internal static void Transform(Span<double> vector)
    {
        var n = vector.Length;
        if (n == 0 || (n & (n - 1)) != 0) throw new ArgumentException($"length {n} is not a power of two", nameof(vector));
        for (var h = 1; h < n; h <<= 1)
        {
            for (var i = 0; i < n; i += h << 1)
            {
                for (var j = i; j < i + h; j++)
                {
                    var a = vector[j];
                    var b = vector[j + h];
                    vector[j] = a + b;
                    vector[j + h] = a - b;
                }
            }
        }
        var norm = 1 / Math.Sqrt(n);
        for (var i = 0; i < n; i++) vector[i] *= norm;
    }

    private static void ApplySigns(Span<double> vector, ReadOnlySpan<byte> seed)
    {
        using var prg = new MaskPrg(seed, new ContextBuilder("encoding/hadamard-signs").ToArray());
        var bits = new byte[(vector.Length + 127) / 128 * 16];
        prg.Keystream(0, bits);
        for (var i = 0; i < vector.Length; i++)
            if ((bits[i >> 3] >> (i & 7) & 1) == 1) vector[i] = -vector[i];
    }
}
