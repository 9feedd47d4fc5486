namespace FedBioMed.Aggregation.Privacy.Internal;

/// <summary>
/// log1p, expm1 and the log-space sums the accountant is built on. .NET's double.LogP1/ExpM1 compute
/// log(1 + x) and exp(x) − 1 literally and lose every digit for tiny x, so these use Kahan's corrections.
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

/// <summary>
/// Σ sign_i·exp(log_i) accumulated in log space: the running sum is kept scaled by exp(−max) with
/// Neumaier's compensation, so terms spanning hundreds of orders of magnitude (and of both signs) add up
/// without overflow and without losing the small ones to rounding.
/// </summary>
internal struct LogSumAccumulator
{
    private double _max;
    private double _sum;
    private double _compensation;
    private bool _any;

    public void Add(double logMagnitude, int sign)
    {
        if (double.IsNegativeInfinity(logMagnitude) || sign == 0) return;
        if (!_any)
        {
            _any = true;
            _max = logMagnitude;
        }
        else if (logMagnitude > _max)
        {
            var rescale = Math.Exp(_max - logMagnitude);
            _sum *= rescale;
            _compensation *= rescale;
            _max = logMagnitude;
        }
        var term = sign * Math.Exp(logMagnitude - _max);
        var total = _sum + term;
        _compensation += Math.Abs(_sum) >= Math.Abs(term) ? (_sum - total) + term : (term - total) + _sum;
        _sum = total;
    }

    /// <summary>log of the sum; NaN when the sum is not positive.</summary>
    public readonly double Log
    {
        get
        {
            if (!_any) return double.NegativeInfinity;
            var value = _sum + _compensation;
            return value > 0 ? _max + Math.Log(value) : double.NaN;
        }
    }
}
