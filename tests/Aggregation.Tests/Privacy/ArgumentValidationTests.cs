using FedBioMed.Aggregation.Privacy;

namespace FedBioMed.Aggregation.Tests.Privacy;

/// <summary>Out-of-range arguments are refused with the argument's name and value, never turned into a number.</summary>
public sealed class ArgumentValidationTests
{
    public static TheoryData<string, double, Action> Cases => new()
    {
        { "samplingRate", 1.5, () => RdpAccountant.SampledGaussianRdp(1.5, 1, 1, [2]) },
        { "samplingRate", -0.1, () => RdpAccountant.Epsilon(1, 1, 1e-5, -0.1) },
        { "noiseMultiplier", 0, () => RdpAccountant.Epsilon(0, 1, 1e-5) },
        { "noiseMultiplier", double.NaN, () => RdpAccountant.Epsilon(double.NaN, 1, 1e-5) },
        { "steps", -1, () => RdpAccountant.Epsilon(1, -1, 1e-5) },
        { "orders[1]", 1, () => RdpAccountant.SampledGaussianRdp(0.1, 1, 1, [2, 1]) },
        { "orders[0]", 2e6, () => RdpAccountant.SampledGaussianRdp(0.1, 1, 1, [2e6]) },
        { "delta", 0, () => RdpAccountant.Epsilon(1, 1, 0) },
        { "delta", 1, () => RdpAccountant.ToEpsilon([2], [1], 1) },
        { "rdp[0]", -1, () => RdpAccountant.ToEpsilon([2], [-1], 1e-5) },
        { "targetEpsilon", 0, () => RdpAccountant.NoiseMultiplierFor(0, 10, 1e-5) },
        { "samplingRate", 0, () => RdpAccountant.NoiseMultiplierFor(1, 10, 1e-5, 0) },
        { "steps", 0, () => RdpAccountant.NoiseMultiplierFor(1, 0, 1e-5) },
        { "sigmaPerNode", 0.4, () => DistributedDiscreteGaussian.Rho(1, 0.4, 10, 10) },
        { "l2Sensitivity", -1, () => DistributedDiscreteGaussian.Rho(-1, 1, 10, 10) },
        { "nodes", 0, () => DistributedDiscreteGaussian.Rho(1, 1, 0, 10) },
        { "dimension", 0, () => DistributedDiscreteGaussian.Rho(1, 1, 10, 0) },
        { "l1Sensitivity", 0.5, () => DistributedDiscreteGaussian.Rho(1, 1, 10, 10, 0.5) },
        { "rhoTotal", -1, () => DistributedDiscreteGaussian.Epsilon(-1, 1e-5) },
        { "rounds", 0, () => DistributedDiscreteGaussian.SigmaPerNodeFor(1, 1e-5, 0, 1, 2, 10) },
        { "maxNodes", 1, () => DistributedDiscreteGaussian.SigmaPerNodeFor(1, 1e-5, 1, 1, 2, 10, 1) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutOfRange_IsRefused_NamingTheArgumentAndValue(string name, double value, Action call)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal(name, ex.ParamName);
        Assert.Equal(value, Convert.ToDouble(ex.ActualValue, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MismatchedOrdersAndRdp_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => RdpAccountant.ToEpsilon([2, 3], [1], 1e-5));
    }
}
