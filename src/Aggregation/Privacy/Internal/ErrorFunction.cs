namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// erfc, erfcx = exp(x²)·erfc(x) and log(erfc(x)) in double precision (about 1e-15 relative), accurate far
/// into the tail where erfc itself underflows: the sampled-Gaussian series needs log(erfc(x)) for x up to
/// thousands. .NET has no erfc.
/// </summary>
/// <remarks>
/// erfcx on x ≥ 0 is a Chebyshev series of (1 + 2x)·erfcx(x) in t = (x − 3.75)/(x + 3.75), the form of
/// Shepherd and Laframboise, Math. Comp. 36 (1981) 249–253, with coefficients recomputed by
/// tests/Aggregation.Tests/Privacy/Reference/erfcx_chebyshev.py (worst relative error 6e-16 against mpmath).
/// </remarks>
internal static class ErrorFunction
{
    private const double K = 3.75;
    private const double InverseSqrtPi = 0.56418958354775628695;   // 1/√π

    // c0 is already halved, as the Clenshaw sum below expects.
    private static readonly double[] Chebyshev =
    [
        1.1775789345674017, -0.004590054580646478, -0.08424913336651792, 0.05920993999819189,
        -0.026658668435305753, 0.009074997670705265, -0.002413163540417608, 0.0004907758365258086,
        -6.916973302501207e-05, 4.13902798607301e-06, 7.74038306619849e-07, -2.1886401049234397e-07,
        1.076499946567091e-08, 4.521959811218287e-09, -7.754400208831351e-10, -6.318088340886684e-11,
        2.86879501093067e-11, 1.9455868545777347e-13, -9.65469674843344e-13, 3.25254814814874e-14,
        3.3478119482868056e-14, -1.864562880419313e-15, -1.2507950530688648e-15, 7.418235256624044e-17,
        5.068148904796111e-17, -2.2370566594359995e-18, -2.187342944303018e-18, 2.6766327399258762e-20,
        9.736561401741451e-20, 3.3214840905101302e-21,
    ];

    /// <summary>exp(x²)·erfc(x) for x ≥ 0; decreases from 1 to 0 like 1/(x√π).</summary>
    public static double Erfcx(double x)
    {
        if (!(x >= 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "erfcx is evaluated for x ≥ 0 only");
        if (x > 1e15) return InverseSqrtPi / x;   // the next term of the asymptotic series is below 1e-30 relative
        var t = (x - K) / (x + K);
        double b1 = 0, b2 = 0;
        for (var j = Chebyshev.Length - 1; j > 0; j--)
        {
            var b0 = 2 * t * b1 - b2 + Chebyshev[j];
            b2 = b1;
            b1 = b0;
        }
        return (t * b1 - b2 + Chebyshev[0]) / (1 + 2 * x);
    }

    /// <summary>erfc(x) for any x; underflows to 0 past x ≈ 27.2.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        var (hi, lo) = Square(x);
        // exp(−x²) with x² split exactly into hi + lo, so the product keeps full relative accuracy.
        return Erfcx(x) * Math.Exp(-hi) * (1 - lo);
    }

    /// <summary>log(erfc(x)) for any x, finite for every finite x.</summary>
    public static double LogErfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return Math.Log(2) + Math.Log(1 - 0.5 * Erfc(-x));
        var (hi, lo) = Square(x);
        return Math.Log(Erfcx(x)) - hi - lo;
    }

    /// <summary>x² as an unevaluated sum hi + lo, exact (Dekker's product through a fused multiply-add).</summary>
    private static (double Hi, double Lo) Square(double x)
    {
        var hi = x * x;
        return (hi, Math.FusedMultiplyAdd(x, x, -hi));
    }
}
