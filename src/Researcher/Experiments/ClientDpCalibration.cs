using System.Security.Cryptography;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.UpdateEncoding;

namespace FedBioMed.Researcher.Experiments;

/// <summary>
/// Picks the noise for client-level distributed DP: the smallest noise multiplier z for which T rounds of
/// the distributed discrete Gaussian (Kairouz, Liu, Steinke 2021, with its τ correction) over the smallest
/// cohort stay within the target ε, and the finest scale whose noisy sum fits the word size.
/// </summary>
internal static class ClientDpCalibration
{
    public sealed record Plan(DistributedDpConfig Config, double RhoPerRound, double NoiseMultiplier, int MinNodes);

    public static Plan For(ClientDpSpec dp, int dimension, int rounds, int minNodes, int maxNodes)
    {
        double low = 0.05, high = 1_000;
        Plan? best = null;
        for (var i = 0; i < 60; i++)
        {
            var z = Math.Sqrt(low * high);
            var candidate = Make(dp, dimension, z, minNodes, maxNodes);
            if (candidate is not null && DistributedDiscreteGaussian.Epsilon(rounds * candidate.RhoPerRound, dp.Delta) <= dp.TargetEpsilon)
            {
                best = candidate;
                high = z;
            }
            else
            {
                low = z;
            }
        }
        return best ?? throw new InvalidOperationException(
            $"no noise level reaches ε = {dp.TargetEpsilon} in {rounds} rounds with {dp.WordBits}-bit words and {minNodes} nodes; allow more bits, fewer rounds or a larger ε");
    }

    /// <summary>A fresh public rotation seed for one round's configuration.</summary>
    public static DistributedDpConfig ForRound(Plan plan) =>
        plan.Config.RotationSeed is null ? plan.Config : plan.Config with { RotationSeed = RandomNumberGenerator.GetBytes(32) };

    private static Plan? Make(ClientDpSpec dp, int dimension, double z, int minNodes, int maxNodes)
    {
        DistributedDpConfig config;
        try
        {
            config = DistributedDpConfig.Fit(dimension, dp.ClipNorm, z, minNodes, maxNodes, dp.WordBits, dp.Rotate ? new byte[32] : null);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        var rho = DistributedDiscreteGaussian.Rho(config.L2Sensitivity, Math.Sqrt(config.NoiseVariancePerNode), minNodes, config.PaddedDimension);
        return new Plan(config, rho, z, minNodes);
    }
}
