// GF(2^16) with the primitive polynomial x^16 + x^12 + x^3 + x + 1 (0x1100B); generator x (= 2).
namespace FedBioMed.Crypto.Internal;

/// <summary>Log/exp tables for GF(2^16). Elements are ushort; addition is XOR.</summary>
internal static class Gf65536
{
    /// <summary>The order of the multiplicative group.</summary>
    public const int Order = 65535;

    /// <summary>A log value standing for the element 0: any sum of it and a real log (below <see cref="Order"/>) hits the zero tail of <see cref="Exp"/>.</summary>
    public const int ZeroLog = 2 * Order;

    private const int Polynomial = 0x1100B;

    /// <summary>Exp[i] = g^(i mod 65535) for i &lt; 2·65535, then 65535 zeros so that <see cref="ZeroLog"/> + log maps to 0.</summary>
    public static readonly ushort[] Exp = BuildExp();

    /// <summary>Log[a] for a ≠ 0; Log[0] = <see cref="ZeroLog"/>.</summary>
    public static readonly int[] Log = BuildLog();

    public static ushort Multiply(ushort a, ushort b) => a == 0 || b == 0 ? (ushort)0 : Exp[Log[a] + Log[b]];

    public static ushort Divide(ushort a, ushort b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException();
        }

        return a == 0 ? (ushort)0 : Exp[Log[a] + Order - Log[b]];
    }

    private static ushort[] BuildExp()
    {
        var exp = new ushort[3 * Order];
        int x = 1;
        for (int i = 0; i < Order; i++)
        {
            if (x == 1 && i > 0)
            {
                throw new InvalidOperationException("0x1100B is not primitive: the generator's order is below 65535.");
            }

            exp[i] = (ushort)x;
            exp[i + Order] = (ushort)x;
            x <<= 1;
            if ((x & 0x10000) != 0)
            {
                x ^= Polynomial;
            }
        }

        return exp;
    }

    private static int[] BuildLog()
    {
        var log = new int[65536];
        log[0] = ZeroLog;
        for (int i = 0; i < Order; i++)
        {
            log[Exp[i]] = i;
        }

        return log;
    }
}
