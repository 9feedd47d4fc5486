using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedBioMed.Crypto.Internal;

/// <summary>
/// Lagrange interpolation of the 24 share polynomials in the log domain. The first t distinct shares are the basis;
/// the secret is the value at 0 and every further share must equal the basis' value at its own index.
/// </summary>
internal static class ShareInterpolator
{
    private const int Width = ShamirSymbols.Count;

    public static bool TryCombine(IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        if (!TryCollectDistinct(shares, out var indices, out var values) || indices.Count < threshold)
        {
            return false;
        }

        int t = threshold;
        var basis = new int[t];
        var logY = new int[t * Width];
        Span<ushort> symbols = stackalloc ushort[Width];
        Span<ushort> claimed = stackalloc ushort[Width];
        try
        {
            for (int i = 0; i < t; i++)
            {
                basis[i] = indices[i];
                ShamirSymbols.Read(values[i], symbols);
                for (int s = 0; s < Width; s++)
                {
                    logY[(i * Width) + s] = Gf65536.Log[symbols[s]];
                }
            }

            var denominators = LogDenominators(basis);
            EvaluateAt(0, basis, denominators, logY, symbols);
            if (!ShamirSymbols.TryToSecret(symbols, secret))
            {
                return false;
            }

            for (int e = t; e < indices.Count; e++)
            {
                EvaluateAt(indices[e], basis, denominators, logY, symbols);
                ShamirSymbols.Read(values[e], claimed);
                if (!symbols.SequenceEqual(claimed))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(logY.AsSpan()));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(symbols));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(claimed));
        }
    }

    /// <summary>Keeps the first share of each index; false for a malformed share or one index with two values.</summary>
    private static bool TryCollectDistinct(IReadOnlyList<ShamirShare> shares, out List<int> indices, out List<byte[]> values)
    {
        indices = new List<int>(shares.Count);
        values = new List<byte[]>(shares.Count);
        var position = new Dictionary<int, int>(shares.Count);
        foreach (var share in shares)
        {
            if (share.Value is null || share.Value.Length != Shamir.ShareSize || share.Index < 1 || share.Index > Shamir.MaxHolders)
            {
                return false;
            }

            if (position.TryGetValue(share.Index, out int seen))
            {
                if (!values[seen].AsSpan().SequenceEqual(share.Value))
                {
                    return false;
                }

                continue;
            }

            position.Add(share.Index, indices.Count);
            indices.Add(share.Index);
            values.Add(share.Value);
        }

        return true;
    }

    /// <summary>log Π_{j≠i} (x_i + x_j) for every basis point i (addition is XOR).</summary>
    private static int[] LogDenominators(int[] basis)
    {
        var result = new int[basis.Length];
        var log = Gf65536.Log;
        for (int i = 0; i < basis.Length; i++)
        {
            long sum = 0;
            int xi = basis[i];
            for (int j = 0; j < basis.Length; j++)
            {
                if (j != i)
                {
                    sum += log[xi ^ basis[j]];
                }
            }

            result[i] = (int)(sum % Gf65536.Order);
        }

        return result;
    }

    /// <summary>
    /// Writes p_s(z) = Σ_i y_i,s · L_i(z) with L_i(z) = Π_{j≠i} (z + x_j) / (x_i + x_j), for z = 0 or z outside the basis.
    /// </summary>
    private static void EvaluateAt(int z, int[] basis, int[] logDenominators, int[] logY, Span<ushort> result)
    {
        var log = Gf65536.Log;
        long numerator = 0;
        foreach (int xj in basis)
        {
            numerator += log[z ^ xj];
        }

        int logNumerator = (int)(numerator % Gf65536.Order);
        Span<int> acc = stackalloc int[Width];
        ref ushort exp = ref MemoryMarshal.GetArrayDataReference(Gf65536.Exp);
        ref int y = ref MemoryMarshal.GetArrayDataReference(logY);
        for (int i = 0; i < basis.Length; i++)
        {
            int logL = (logNumerator - log[z ^ basis[i]] - logDenominators[i] + (2 * Gf65536.Order)) % Gf65536.Order;
            ref int row = ref Unsafe.Add(ref y, i * Width);
            for (int s = 0; s < Width; s++)
            {
                // A zero y has log ZeroLog, whose sum with logL lands in Exp's zero tail.
                acc[s] ^= Unsafe.Add(ref exp, Unsafe.Add(ref row, s) + logL);
            }
        }

        for (int s = 0; s < Width; s++)
        {
            result[s] = (ushort)acc[s];
        }

        acc.Clear();
    }
}
