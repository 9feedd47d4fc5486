using CsCheck;
using FedBioMed.Aggregation.Privacy;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>
/// RDP of the (sampled) Gaussian mechanism against values computed independently from the definition in
/// Mironov, Talwar, Zhang 2019 (arXiv:1908.10530): A_α = E_{z∼N(0,z²)}[((1−q) + q·e^{(2x−1)/(2z²)})^α],
/// RDP = log(A_α)/(α−1), by mpmath quadrature of that integral (fractional α) or its binomial expansion
/// (integer α), at 50 digits, in Reference/compute_reference.py. q = 1 is the closed form α/(2z²).
/// Also: the fractional-order series against an independent trapezoid quadrature of the same integral, and
/// the integer and fractional code paths meeting at integer orders.
/// </summary>
public sealed class SampledGaussianRdpTests
{
    [Theory]
    [InlineData(0.5, 1.5, 3.0)]
    [InlineData(0.5, 2, 4.0)]
    [InlineData(0.5, 32, 64.0)]
    [InlineData(1.0, 1.5, 0.75)]
    [InlineData(1.0, 2, 1.0)]
    [InlineData(1.0, 32, 16.0)]
    [InlineData(3.7, 1.5, 0.054784514243973698173)]
    [InlineData(3.7, 2, 0.073046018991964930897)]
    [InlineData(3.7, 32, 1.1687363038714388944)]
    public void PlainGaussian_IsAlphaOverTwoZSquared_AndComposesLinearly(double z, double order, double perStep)
    {
        foreach (var steps in new long[] { 1, 7, 10_000 })
            Tolerance.Close(perStep * steps, RdpAccountant.SampledGaussianRdp(1, z, steps, [order])[0], 1e-15);
    }

    [Theory]
    [InlineData(0.01, 0.8, 1.1, 0.00019548422128009257712)]
    [InlineData(0.01, 0.8, 1.5, 0.00027331070004038850879)]
    [InlineData(0.01, 0.8, 2, 0.00037700224391936001834)]
    [InlineData(0.01, 0.8, 2.5, 0.0004894537156697903039)]
    [InlineData(0.01, 0.8, 3, 0.00061336819645981856488)]
    [InlineData(0.01, 0.8, 5.5, 0.0022625776335919817057)]
    [InlineData(0.01, 0.8, 10.9, 3.4453069812871477556)]
    [InlineData(0.01, 0.8, 32, 20.246275937044548092)]
    [InlineData(0.01, 0.8, 63, 44.539302875528224296)]
    [InlineData(0.01, 1.1, 1.1, 0.000069588515593702618402)]
    [InlineData(0.01, 1.1, 1.5, 0.000095545285718748299493)]
    [InlineData(0.01, 1.1, 2, 0.00012851008160516180291)]
    [InlineData(0.01, 1.1, 2.5, 0.00016207740937000371393)]
    [InlineData(0.01, 1.1, 3, 0.00019627788991499546466)]
    [InlineData(0.01, 1.1, 5.5, 0.00037813174368050835036)]
    [InlineData(0.01, 1.1, 10.9, 0.0014048996414810930436)]
    [InlineData(0.01, 1.1, 32, 8.4694164336759256321)]
    [InlineData(0.01, 1.1, 63, 21.353610726767894978)]
    [InlineData(0.01, 2.0, 1.1, 0.00001557822665163539227)]
    [InlineData(0.01, 2.0, 1.5, 0.000021269009358517086931)]
    [InlineData(0.01, 2.0, 2, 0.000028402138324224848533)]
    [InlineData(0.01, 2.0, 2.5, 0.000035557235961202708145)]
    [InlineData(0.01, 2.0, 3, 0.000042734448101351602866)]
    [InlineData(0.01, 2.0, 5.5, 0.000078957445754803553511)]
    [InlineData(0.01, 2.0, 10.9, 0.00015919060152542040005)]
    [InlineData(0.01, 2.0, 32, 0.00050289464686279097404)]
    [InlineData(0.01, 2.0, 63, 3.1955715430149733686)]
    [InlineData(0.05, 0.8, 1.1, 0.0042504676520612765896)]
    [InlineData(0.05, 0.8, 1.5, 0.0062679076135898844344)]
    [InlineData(0.05, 0.8, 2, 0.0093826776447244915891)]
    [InlineData(0.05, 0.8, 2.5, 0.013563380354194149838)]
    [InlineData(0.05, 0.8, 3, 0.019761366108984083452)]
    [InlineData(0.05, 0.8, 5.5, 0.67141432145120476152)]
    [InlineData(0.05, 0.8, 10.9, 5.2172975116951515571)]
    [InlineData(0.05, 0.8, 32, 21.90763120149265174)]
    [InlineData(0.05, 0.8, 63, 46.174699463969326325)]
    [InlineData(0.05, 1.1, 1.1, 0.0016527736229363178514)]
    [InlineData(0.05, 1.1, 1.5, 0.0023178009443682262904)]
    [InlineData(0.05, 1.1, 2, 0.0032078079627005673655)]
    [InlineData(0.05, 1.1, 2.5, 0.0041745372195648072219)]
    [InlineData(0.05, 1.1, 3, 0.0052343077542093784705)]
    [InlineData(0.05, 1.1, 5.5, 0.013336464625523037941)]
    [InlineData(0.05, 1.1, 10.9, 1.2118528999590679064)]
    [InlineData(0.05, 1.1, 32, 10.130771697506972063)]
    [InlineData(0.05, 1.1, 63, 22.989007315208997006)]
    [InlineData(0.05, 2.0, 1.1, 0.00038538858224924909637)]
    [InlineData(0.05, 2.0, 1.5, 0.00052853485314012845496)]
    [InlineData(0.05, 2.0, 2, 0.00070981156587489931847)]
    [InlineData(0.05, 2.0, 2.5, 0.00089376701370477134118)]
    [InlineData(0.05, 2.0, 3, 0.001080484759279474497)]
    [InlineData(0.05, 2.0, 5.5, 0.0020587526200965582835)]
    [InlineData(0.05, 2.0, 10.9, 0.0044835821985611217391)]
    [InlineData(0.05, 2.0, 32, 0.91636960956157452345)]
    [InlineData(0.05, 2.0, 63, 4.8309530461765660513)]
    [InlineData(0.3, 0.8, 1.1, 0.10712429888607365232)]
    [InlineData(0.3, 0.8, 1.5, 0.17221959584483806724)]
    [InlineData(0.3, 0.8, 2, 0.29219635749993076384)]
    [InlineData(0.3, 0.8, 2.5, 0.48110303233106151463)]
    [InlineData(0.3, 0.8, 3, 0.76491220776914851746)]
    [InlineData(0.3, 0.8, 5.5, 2.8279178184535065479)]
    [InlineData(0.3, 0.8, 10.9, 7.1900392728847256275)]
    [InlineData(0.3, 0.8, 32, 23.757189363276450355)]
    [InlineData(0.3, 0.8, 63, 47.995358279475253086)]
    [InlineData(0.3, 1.1, 1.1, 0.049551451956588441208)]
    [InlineData(0.3, 1.1, 1.5, 0.073309591970253759363)]
    [InlineData(0.3, 1.1, 2, 0.10945198905090009205)]
    [InlineData(0.3, 1.1, 2.5, 0.15541997139499306343)]
    [InlineData(0.3, 1.1, 3, 0.21527417334791855883)]
    [InlineData(0.3, 1.1, 5.5, 0.88436190076542185687)]
    [InlineData(0.3, 1.1, 10.9, 3.1792673275144965618)]
    [InlineData(0.3, 1.1, 32, 11.980329859162217092)]
    [InlineData(0.3, 1.1, 63, 24.809666130714923768)]
    [InlineData(0.3, 2.0, 1.1, 0.013188642593982791068)]
    [InlineData(0.3, 2.0, 1.5, 0.018391319218895080102)]
    [InlineData(0.3, 2.0, 2, 0.025241035351696046436)]
    [InlineData(0.3, 2.0, 2.5, 0.032513500297132187413)]
    [InlineData(0.3, 2.0, 3, 0.040255054997806227469)]
    [InlineData(0.3, 2.0, 5.5, 0.08819873360260683763)]
    [InlineData(0.3, 2.0, 10.9, 0.30576931669859716431)]
    [InlineData(0.3, 2.0, 32, 2.7582309544510146163)]
    [InlineData(0.3, 2.0, 63, 6.6516087193841471253)]
    public void SampledGaussian_MatchesTheIntegralDefinition(double q, double z, double order, double expected)
    {
        // A_α ≈ 1 is summed in double, so log A_α carries an absolute error of about one ulp of 1 (2e-16):
        // RDP = log(A_α)/(α − 1) is allowed that much divided by α − 1 on top of 1e-12 relative.
        Tolerance.Close(expected, RdpAccountant.SampledGaussianRdp(q, z, 1, [order])[0], 1e-12, absolute: 5e-16 / (order - 1));
    }

    [Fact]
    public void FractionalSeries_AgreesWithQuadratureOfTheDefinition_OnRandomParameters()
    {
        Gen.Select(Gen.Double[0.001, 0.99], Gen.Double[0.5, 8], Gen.Double[1.01, 40]).Sample((q, z, order) =>
        {
            if (order == Math.Floor(order)) return;
            var expected = Math.Log(TrapezoidA(q, z, order)) / (order - 1);
            Tolerance.Close(expected, RdpAccountant.SampledGaussianRdp(q, z, 1, [order])[0], 1e-9, absolute: 1e-14 / (order - 1));
        }, iter: 400);
    }

    [Theory]
    [InlineData(0.01, 1.1, 3)]
    [InlineData(0.3, 0.8, 2)]
    [InlineData(0.05, 2, 17)]
    [InlineData(0.7, 1.5, 5)]
    public void IntegerAndFractionalPaths_MeetAtIntegerOrders(double q, double z, double order)
    {
        var rdp = RdpAccountant.SampledGaussianRdp(q, z, 1, [order - 1e-9, order, order + 1e-9]);
        Tolerance.Close(rdp[1], rdp[0], 1e-7);
        Tolerance.Close(rdp[1], rdp[2], 1e-7);
        Assert.True(rdp[0] <= rdp[1] && rdp[1] <= rdp[2], "RDP must not decrease with the order");
    }

    [Fact]
    public void Rdp_IsFiniteNonNegativeAndNonDecreasingInTheOrder_AcrossExtremeParameters()
    {
        // Rényi divergence never decreases with the order: a cross-check of the integer and fractional paths,
        // which alternate along DefaultOrders, from z = 10⁻³ to 10⁴ and q from 10⁻⁹ to 1 − 10⁻⁹. The absolute
        // slack 1e-14 is the fractional path's double-precision floor (about 2e-16/(α − 1)).
        Gen.Select(Gen.Double[-3, 4], Gen.Double[-9, 9]).Sample((logZ, logit) =>
        {
            var z = Math.Pow(10, logZ);
            var q = 1 / (1 + Math.Pow(10, -logit));
            var rdp = RdpAccountant.SampledGaussianRdp(q, z, 1, RdpAccountant.DefaultOrders);
            for (var i = 0; i < rdp.Length; i++)
            {
                Assert.False(double.IsNaN(rdp[i]), $"NaN at order {RdpAccountant.DefaultOrders[i]} for q = {q}, z = {z}");
                Assert.True(rdp[i] >= 0);
                if (i > 0) Assert.True(rdp[i] >= rdp[i - 1] * (1 - 1e-9) - 1e-14,
                    $"RDP drops from {rdp[i - 1]} at order {RdpAccountant.DefaultOrders[i - 1]} to {rdp[i]} at {RdpAccountant.DefaultOrders[i]} (q = {q}, z = {z})");
            }
        }, iter: 300);
    }

    [Fact]
    public void ZeroSamplingRateOrZeroSteps_CostsNothing()
    {
        Assert.All(RdpAccountant.SampledGaussianRdp(0, 1, 100, RdpAccountant.DefaultOrders), r => Assert.Equal(0, r));
        Assert.All(RdpAccountant.SampledGaussianRdp(0.1, 1, 0, RdpAccountant.DefaultOrders), r => Assert.Equal(0, r));
    }

    [Fact]
    public void DefaultOrders_AreOpacusOrdersThenLargeOnes()
    {
        var orders = RdpAccountant.DefaultOrders;
        Assert.Equal(159, orders.Count);
        Assert.Equal(1.1, orders[0]);
        Assert.Equal(10.9, orders[98]);
        Assert.Equal(12, orders[99]);
        Assert.Equal(63, orders[150]);
        Assert.Equal(1024, orders[^1]);
        Assert.True(orders.Zip(orders.Skip(1)).All(p => p.First < p.Second));
    }

    /// <summary>
    /// A_α by the trapezoid rule on a log-space integrand over [−14σ, α + 14σ]; the integrand is analytic in a
    /// strip of half-width πσ², so steps of min(σ/8, σ²/2) are exact to double precision.
    /// </summary>
    private static double TrapezoidA(double q, double sigma, double alpha)
    {
        var h = Math.Min(sigma / 8, sigma * sigma / 2);
        var from = -14 * sigma;
        var count = (int)Math.Ceiling((alpha + 28 * sigma) / h);
        var logs = new double[count + 1];
        for (var i = 0; i <= count; i++)
        {
            var x = from + i * h;
            var w = (2 * x - 1) / (2 * sigma * sigma);
            // log((1 − q) + q·e^w), stably for either sign of w.
            var mix = w > 0 ? w + Math.Log(q + (1 - q) * Math.Exp(-w)) : Math.Log((1 - q) + q * Math.Exp(w));
            logs[i] = -x * x / (2 * sigma * sigma) + alpha * mix;
        }
        var max = logs.Max();
        return Math.Exp(max) * h * logs.Sum(l => Math.Exp(l - max)) / (sigma * Math.Sqrt(2 * Math.PI));
    }
}
