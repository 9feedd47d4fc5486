// Shamir secret sharing (Shamir 1979, "How to share a secret") over GF(2^16), polynomial 0x1100B: t of n ≤ 65,535
// holders, share x-coordinates 1..n. A 32-byte secret is 16 symbols plus an 8-symbol integrity tag
// (SHA-256("FedBioMed.Shamir.v1" || secret), first 16 bytes); each of the 24 symbols gets its own random
// polynomial of degree t - 1. Shares are 48 bytes (24 big-endian symbols).
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>t-of-n Shamir sharing of 32-byte secrets, with an integrity tag so that a bad share is detected.</summary>
public static class Shamir
{
    public const int SecretSize = 32;
    public const int ShareSize = 2 * ShamirSymbols.Count;
    public const int MaxHolders = Gf65536.Order;

    /// <summary>Splits <paramref name="secret"/> into <paramref name="holders"/> shares, any <paramref name="threshold"/> of which recover it.</summary>
    public static ShamirShare[] Split(ReadOnlySpan<byte> secret, int threshold, int holders)
    {
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException($"The secret must be {SecretSize} bytes, got {secret.Length}.", nameof(secret));
        }

        CheckThreshold(threshold);
        if (holders < threshold || holders > MaxHolders)
        {
            throw Error.OutOfRange(
                nameof(holders), holders, $"The number of holders must be between the threshold ({threshold}) and {MaxHolders}.");
        }

        return SplitCore(secret, threshold, holders);
    }

    /// <summary>
    /// Recovers the secret from at least <paramref name="threshold"/> shares. Returns false (and clears
    /// <paramref name="secret"/>) when there are fewer than <paramref name="threshold"/> distinct indices, a share is
    /// malformed, two shares claim the same index with different values, any share does not lie on the same
    /// polynomials as the others, or the integrity tag does not match; it never returns a wrong secret as true
    /// (short of a 2^-128 tag collision).
    /// </summary>
    public static bool TryCombine(IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(shares);
        CheckThreshold(threshold);
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException($"The secret destination must be {SecretSize} bytes, got {secret.Length}.", nameof(secret));
        }

        if (ShareInterpolator.TryCombine(shares, threshold, secret))
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(secret);
        return false;
    }

    private static ShamirShare[] SplitCore(ReadOnlySpan<byte> secret, int threshold, int holders)
    {
        const int width = ShamirSymbols.Count;
        int degree = threshold - 1;
        Span<ushort> constant = stackalloc ushort[width];
        Span<ushort> point = stackalloc ushort[width];
        var coefficients = new ushort[degree * width];
        try
        {
            ShamirSymbols.FromSecret(secret, constant);
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(coefficients.AsSpan()));
            var shares = new ShamirShare[holders];
            for (int x = 1; x <= holders; x++)
            {
                SharePolynomials.Evaluate(constant, coefficients, degree, (ushort)x, point);
                var value = new byte[ShareSize];
                ShamirSymbols.Write(point, value);
                shares[x - 1] = new ShamirShare(x, value);
            }

            return shares;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(constant));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(point));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }
    }

    private static void CheckThreshold(int threshold)
    {
        if (threshold < 1 || threshold > MaxHolders)
        {
            throw Error.OutOfRange(nameof(threshold), threshold, $"The threshold must be between 1 and {MaxHolders}.");
        }
    }
}
