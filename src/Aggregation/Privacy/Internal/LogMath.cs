namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// log1p, expm1 and the log-space functions built on them (sums: <see cref="LogSumAccumulator"/>). .NET's
/// double.LogP1/ExpM1 compute log(1 + x) and exp(x) − 1 literally and lose every digit for tiny x, so these
/// use Kahan's corrections.
/// </summary>
internal static class LogMath
{
    /// <summary>log(1 + x), accurate to a few ulps also for |x| ≪ 1.</summary>
    public static double Log1p(double x)
    {
        var u = 1 + x;
        if (u == 1) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        // log(u) is exact for the rounded u; rescale it to the x that was asked for.
        return Math.Log(u) * (x / (u - 1));
    }

    /// <summary>exp(x) − 1, accurate to a few ulps also for |x| ≪ 1.</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) >= 0.5) return Math.Exp(x) - 1;
        var u = Math.Exp(x);
        if (u == 1) return x;
        return (u - 1) * (x / Math.Log(u));
    }

    /// <summary>log(exp(x) − 1) for x &gt; 0.</summary>
    public static double LogExpm1(double x) => x > 1 ? x + Log1p(-Math.Exp(-x)) : Math.Log(Expm1(x));

    /// <summary>log(1 + exp(x)) without overflow.</summary>
    public static double Log1pExp(double x) => x > 0 ? x + Log1p(Math.Exp(-x)) : Log1p(Math.Exp(x));
}
