using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedBioMed.Crypto.Internal;

/// <summary>
/// Evaluates the 24 share polynomials p_s(X) = constant[s] + Σ_{k=1..degree} coefficients[(k-1)·24 + s]·X^k
/// at one point by Horner's rule.
/// </summary>
internal static class SharePolynomials
{
    public static void Evaluate(ReadOnlySpan<ushort> constant, ReadOnlySpan<ushort> coefficients, int degree, ushort x, Span<ushort> result)
    {
        const int width = ShamirSymbols.Count;
        if (degree == 0)
        {
            constant[..width].CopyTo(result);
            return;
        }

        // Multiplication by the fixed x is GF(2)-linear, so x·y = low[y & 0xFF] ^ high[y >> 8]: two small lookups per step.
        Span<ushort> low = stackalloc ushort[256];
        Span<ushort> high = stackalloc ushort[256];
        for (int b = 0; b < 256; b++)
        {
            low[b] = Gf65536.Multiply((ushort)b, x);
            high[b] = Gf65536.Multiply((ushort)(b << 8), x);
        }

        Span<ushort> y = stackalloc ushort[width];
        coefficients.Slice((degree - 1) * width, width).CopyTo(y);
        ref ushort lo = ref MemoryMarshal.GetReference(low);
        ref ushort hi = ref MemoryMarshal.GetReference(high);
        for (int k = degree - 1; k >= 0; k--)
        {
            var row = k == 0 ? constant[..width] : coefficients.Slice((k - 1) * width, width);
            for (int s = 0; s < width; s++)
            {
                int v = y[s];
                y[s] = (ushort)(Unsafe.Add(ref lo, v & 0xFF) ^ Unsafe.Add(ref hi, v >> 8) ^ row[s]);
            }
        }

        y.CopyTo(result);
        y.Clear();
    }
}
