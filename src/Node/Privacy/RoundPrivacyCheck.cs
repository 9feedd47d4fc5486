using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Tasks;

namespace FedBioMed.Node.Privacy;

/// <summary>
/// Applies the node's privacy policy to a training request and prices the round in the node's own
/// ledger. The node computes the cost itself from the noise it will add and the smallest cohort it will
/// accept (it enforces that cohort as its SecAgg threshold), so the researcher cannot lower it.
/// </summary>
public sealed class RoundPrivacyCheck(NodePrivacyPolicy policy, PrivacyLedger ledger)
{
    /// <summary>An approved round: the distributed noise to add, the smallest SecAgg threshold the node accepts, and what the round costs.</summary>
    /// <param name="Config">The distributed discrete-Gaussian noise; null without it (no DP, or DP-SGD in the plan).</param>
    /// <param name="MinimumThreshold">The smallest SecAgg threshold the node accepts (distributed noise is sized for it).</param>
    /// <param name="Cost">The round's privacy cost; null without DP.</param>
    public sealed record Approved(DistributedDpConfig? Config, int MinimumThreshold, PrivacyCost? Cost);

    /// <summary>What a DP round spends, as the node books and audits it.</summary>
    /// <param name="Rdp">The round's RDP over <see cref="RdpAccountant.DefaultOrders"/>.</param>
    /// <param name="EpsilonAfter">The ε the dataset will have spent once the round is booked (at the policy's δ).</param>
    /// <param name="NoiseMultiplier">z: DP-SGD's, or σ_total / Δ₂ of the distributed noise.</param>
    /// <param name="ClipNorm">The round's clip norm.</param>
    public sealed record PrivacyCost(double[] Rdp, double EpsilonAfter, double NoiseMultiplier, double ClipNorm);

    public Approved Check(TrainingRequest request, TrainingPlan plan, string datasetId, int trainingSamples)
    {
        if (policy.RequireSecureAggregation && !request.SecureAggregation)
            throw new TaskRefusedException("policy-secure-aggregation", "this node's policy requires secure aggregation; the request turned it off");
        if (plan.DifferentialPrivacy is { } sgd)
        {
            if (request.Dp is not null) throw new TaskRefusedException("bad-dp", "a round uses either DP-SGD (in the plan) or distributed noise, not both");
            return CheckDpSgd(plan, sgd, datasetId, trainingSamples);
        }
        if (request.Dp is null)
        {
            // A noise floor is a DP requirement too: a round without noise has z = 0.
            if (policy.RequireDifferentialPrivacy || policy.MaxEpsilon is not null || policy.MinNoiseMultiplier > 0)
                throw new TaskRefusedException("policy-dp", $"this node's policy requires differential privacy (max ε {policy.MaxEpsilon?.ToString() ?? "unset"}, min noise multiplier {policy.MinNoiseMultiplier}); the request adds no noise");
            return new Approved(null, 2, null);
        }

        var dp = request.Dp;
        var config = DpWireMapper.FromWire(dp);
        try
        {
            config.Validate(Math.Max(dp.MaxNodes, dp.MinNodes));
        }
        catch (ArgumentException ex)
        {
            throw new TaskRefusedException("bad-dp", $"the DP settings are invalid: {ex.Message}");
        }
        if (dp.MinNodes < 2) throw new TaskRefusedException("bad-dp", $"dp.min_nodes {dp.MinNodes} must be at least 2");

        var sigmaTotal = Math.Sqrt(dp.MinNodes * config.NoiseVariancePerNode);
        var z = sigmaTotal / config.L2Sensitivity;
        if (z < policy.MinNoiseMultiplier)
            throw new TaskRefusedException("policy-noise", $"noise multiplier {z:G4} (over {dp.MinNodes} nodes) is below this node's minimum {policy.MinNoiseMultiplier}");

        var rho = DistributedDiscreteGaussian.Rho(config.L2Sensitivity, Math.Sqrt(config.NoiseVariancePerNode), dp.MinNodes, config.PaddedDimension);
        var rdp = RdpAccountant.DefaultOrders.Select(alpha => alpha * rho).ToArray();
        return new Approved(config, dp.MinNodes, Priced(datasetId, rdp, z, config.ClipNorm));
    }

    /// <summary>
    /// Sample-level DP-SGD: the cost of this round's local steps (Poisson-sampled Gaussian mechanism; the
    /// fixed-size variant is accounted the same way, which the plan documents as an approximation).
    /// </summary>
    private Approved CheckDpSgd(TrainingPlan plan, DifferentialPrivacySpec sgd, string datasetId, int trainingSamples)
    {
        if (sgd.NoiseMultiplier < policy.MinNoiseMultiplier)
            throw new TaskRefusedException("policy-noise", $"noise multiplier {sgd.NoiseMultiplier} is below this node's minimum {policy.MinNoiseMultiplier}");
        // The trainer's own schedule: the node prices exactly the steps it will run.
        var (steps, samplingRate) = plan.DpSgdSchedule(trainingSamples);
        var rdp = RdpAccountant.SampledGaussianRdp(samplingRate, sgd.NoiseMultiplier, steps, RdpAccountant.DefaultOrders);
        return new Approved(null, 2, Priced(datasetId, rdp, sgd.NoiseMultiplier, sgd.MaxGradNorm));
    }

    private PrivacyCost Priced(string datasetId, double[] rdp, double noiseMultiplier, double clipNorm)
    {
        var spent = ledger.Spent(datasetId);
        var after = PrivacyLedger.Epsilon(spent.Zip(rdp, (a, b) => a + b).ToArray(), policy.Delta);
        if (policy.MaxEpsilon is { } max && after > max)
            throw new TaskRefusedException("privacy-budget",
                $"this round would bring ε of dataset '{datasetId}' to {after:F3} (δ = {policy.Delta:G2}), above this node's maximum {max}; spent so far {PrivacyLedger.Epsilon(spent, policy.Delta):F3}");
        return new PrivacyCost(rdp, after, noiseMultiplier, clipNorm);
    }

    /// <summary>
    /// Round 0 (feature sums) is not covered by ε, so the DP limits (max ε, noise floor, DP required) do not
    /// apply to it: it is allowed when the operator allows it, under secure aggregation if the policy requires
    /// secure aggregation. The audit verifier judges round 0 by the same rule.
    /// </summary>
    public void CheckStatistics(TrainingRequest request)
    {
        if (!request.SecureAggregation && policy.RequireSecureAggregation)
            throw new TaskRefusedException("policy-secure-aggregation", "this node's policy requires secure aggregation; feature statistics would travel in the clear");
        if (!policy.AllowFeatureStatistics)
            throw new TaskRefusedException("policy-statistics", "this node's policy does not allow federated feature statistics (they are not covered by its privacy budget)");
    }

    /// <summary>Records the round before its noisy update leaves the node.</summary>
    public void Record(string datasetId, TrainingRequest request, double[] rdp) => ledger.Record(datasetId, request.ExperimentId, request.Round, rdp);
}
