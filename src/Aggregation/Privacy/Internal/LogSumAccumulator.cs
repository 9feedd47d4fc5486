namespace FedBioMed.Aggregation.Privacy.Internal;

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
