using FedBioMed.Aggregation.Privacy.Internal;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>
/// erfc and log(erfc) against mpmath at 50 digits (Reference/compute_reference.py), from the negative side
/// through the underflow of erfc itself (x ≈ 27) to x = 10⁴, where only the log is representable.
/// </summary>
public sealed class ErrorFunctionTests
{
    [Theory]
    [InlineData(-6, 1.9999999999999999785, 0.69314718055994529866)]
    [InlineData(-3, 1.9999779095030014146, 0.69313613525044681032)]
    [InlineData(-0.5, 1.5204998778130465377, 0.41903914777555958036)]
    [InlineData(0, 1.0, 0.0)]
    [InlineData(1e-8, 0.99999998871620832904, -0.000000011283791734617103078)]
    [InlineData(0.3, 0.67137324054087257236, -0.39843005144008528965)]
    [InlineData(0.5, 0.47950012218695346232, -0.73501112983708440303)]
    [InlineData(1, 0.15729920705028513066, -1.8496055099332482486)]
    [InlineData(2, 0.0046777349810472658379, -5.3649412646166375745)]
    [InlineData(3.75, 0.00000011372725656979665326, -15.989462741350012398)]
    [InlineData(5, 0.0000000000015374597944280348502, -27.200889545537434422)]
    [InlineData(10, 2.088487583762544757e-45, -102.87988902484488857)]
    [InlineData(26, 5.6631924088561428465e-296, -679.83119976319423026)]
    [InlineData(30, 0.0, -903.97411711064387808)]   // erfc(30) = 2.56e-393 underflows
    [InlineData(100, 0.0, -10005.177585122664333)]
    [InlineData(1e4, 0.0, -100000009.7827053199)]
    public void ErfcAndLogErfc_MatchMpmath(double x, double erfc, double logErfc)
    {
        if (erfc == 0) Assert.Equal(0, ErrorFunction.Erfc(x));
        else Tolerance.Close(erfc, ErrorFunction.Erfc(x), 2e-15);
        Tolerance.Close(logErfc, ErrorFunction.LogErfc(x), 2e-15, absolute: 2e-16);
    }

    [Fact]
    public void Erfcx_IsContinuousAndDecreasing_AcrossItsWholeRange()
    {
        var previous = ErrorFunction.Erfcx(0);
        Assert.Equal(1.0, previous, 15);
        for (var x = 1e-3; x < 1e20; x *= 1.01)
        {
            var value = ErrorFunction.Erfcx(x);
            Assert.True(value < previous, $"erfcx({x}) = {value} is not below erfcx at the previous point {previous}");
            previous = value;
        }
        // Asymptotically 1/(x√π)·(1 − 1/(2x²)).
        Tolerance.Close(1 / (1e6 * Math.Sqrt(Math.PI)) * (1 - 0.5e-12), ErrorFunction.Erfcx(1e6), 1e-15);
    }

    [Theory]
    [InlineData(1e-20)]
    [InlineData(-1e-12)]
    [InlineData(3e-9)]
    [InlineData(0.25)]
    public void Log1pAndExpm1_KeepFullPrecisionForTinyArguments(double x)
    {
        // Taylor series to well past double precision for these |x|: 27 terms of log1p, 29 of expm1.
        double log1p = 0, power = 1;
        for (var n = 1; n <= 27; n++)
        {
            power *= x;
            log1p += (n % 2 == 1 ? power : -power) / n;
        }
        Tolerance.Close(log1p, LogMath.Log1p(x), 4e-16);
        double expm1 = 0, term = 1;
        for (var n = 1; n < 30; n++)
        {
            term *= x / n;
            expm1 += term;
        }
        Tolerance.Close(expm1, LogMath.Expm1(x), 4e-16);
    }

    [Fact]
    public void AlternatingSeries_SumsSlowMomentSequences_ToDoublePrecision()
    {
        // Σ(−1)^m/(m+1) = ln 2 and Σ(−1)^m/(2m+1) = π/4: moment sequences of dt and of t^(−1/2)dt/2.
        Span<double> harmonic = stackalloc double[30];
        Span<double> leibniz = stackalloc double[30];
        for (var m = 0; m < 30; m++)
        {
            harmonic[m] = 1.0 / (m + 1);
            leibniz[m] = 1.0 / (2 * m + 1);
        }
        Tolerance.Close(Math.Log(2), AlternatingSeries.Sum(harmonic), 1e-15);
        Tolerance.Close(Math.PI / 4, AlternatingSeries.Sum(leibniz), 1e-15);
    }
}
