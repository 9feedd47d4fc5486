using System.Runtime.InteropServices;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Aggregation.UpdateEncoding.Noise;
using FedBioMed.Node.Privacy;
using FedBioMed.Node.Storage;

namespace FedBioMed.Node.Tasks;

/// <summary>
/// What the node does with a training request: check the plan is approved and the data exists, evaluate
/// the received global model on its held-out split, train locally, and encode the update
/// Δ = local − global for secure aggregation. The update never leaves this class unencoded.
/// </summary>
public sealed class TrainingTaskHandler(LocalDataCatalog data, PlanStore plans, NodeOptions options, RoundPrivacyCheck privacy) : IDisposable
{
    private LocalTrainer? _trainer;
    private string? _trainerKey;

    /// <summary>For tests that compare what the researcher receives with the node's true (encoded) update.</summary>
    internal event Action<TrainingRequest, byte[]>? EncodedUpdateReady;

    /// <summary>The outcome: the reply to send and, unless evaluating only, the encoded update.</summary>
    /// <param name="Reply">What goes back to the researcher.</param>
    /// <param name="EncodedUpdate">The encoded (and, with DP, noised) update, or null when only evaluating.</param>
    /// <param name="MinimumThreshold">The smallest SecAgg threshold the node accepts for this update (DP noise is sized for it).</param>
    /// <param name="Dp">The round's DP parameters as the node applies them (for its audit trail); null without DP.</param>
    public sealed record Outcome(TrainingReply Reply, byte[]? EncodedUpdate, int MinimumThreshold = 2, Federation.Audit.AuditDpParameters? Dp = null);

    public Outcome Handle(TrainingRequest request, float[] globalParameters)
    {
        var plan = ParseApprovedPlan(request);
        var found = data.FindByTag(request.DatasetTag)
            ?? throw new TaskRefusedException("no-dataset", $"this node has no dataset tagged '{request.DatasetTag}'");
        var (registration, train, validation) = found;
        if (request.StatisticsOnly)
        {
            privacy.CheckStatistics(request);
            // Round 0: only the feature sums go into secure aggregation.
            var statistics = new TrainingReply { ExperimentId = request.ExperimentId, Round = request.Round, Ready = true, Weight = train.Count };
            return new Outcome(statistics, FeatureStatistics.Encode(train));
        }
        var trainer = TrainerFor(plan, registration.Id, train);
        if (request.FeatureMean.Count > 0)
        {
            trainer.SetStandardization(request.FeatureMean.ToArray(), request.FeatureStd.ToArray());
        }
        if (globalParameters.Length != trainer.ParameterCount)
            throw new TaskRefusedException("bad-model", $"the global model has {globalParameters.Length} parameters; plan {plan.Hash[..12]} needs {trainer.ParameterCount}");

        trainer.SetParameters(globalParameters);
        var evaluation = trainer.Evaluate(validation);
        var reply = new TrainingReply
        {
            ExperimentId = request.ExperimentId, Round = request.Round, Ready = true,
            ValidationAccuracy = evaluation.Accuracy, ValidationLoss = evaluation.Loss, ValidationSamples = evaluation.SampleCount,
        };
        if (request.EvaluateOnly) return new Outcome(reply, null);

        var approved = privacy.Check(request, plan, registration.Id, train.Count);
        var result = trainer.Train(train, globalParameters, request.Round);
        var update = result.Parameters;
        for (var i = 0; i < update.Length; i++) update[i] -= globalParameters[i];
        Federation.Audit.AuditDpParameters? dpParameters = null;
        if (approved.Cost is { } cost)
        {
            // The cost (DP-SGD's local steps, or the distributed noise) is booked before the update can leave the node.
            privacy.Record(registration.Id, request, cost.Rdp);
            reply.EpsilonSpent = cost.EpsilonAfter;
            dpParameters = new Federation.Audit.AuditDpParameters(cost.NoiseMultiplier, cost.ClipNorm, cost.EpsilonAfter, options.Privacy.Delta);
        }
        byte[] encoded;
        if (approved.Config is { } dp)
        {
            using var random = new CryptoRandomSource();
            encoded = DistributedDpEncoder.Encode(update, dp, random);
            reply.Weight = 1;
        }
        else
        {
            var encoding = new EncodingConfig { ClipNorm = request.Encoding.ClipNorm, Scale = request.Encoding.Scale, MaxWeight = request.Encoding.MaxWeight };
            var weight = Math.Min(train.Count, encoding.MaxWeight);
            encoded = UpdateEncoder.Encode(update, weight, encoding, request.WordBits);
            reply.Weight = weight;
        }
        EncodedUpdateReady?.Invoke(request, encoded);
        Array.Clear(update);
        reply.TrainLoss = result.TrainLoss;
        return new Outcome(reply, encoded, approved.MinimumThreshold, dpParameters);
    }

    private TrainingPlan ParseApprovedPlan(TrainingRequest request)
    {
        TrainingPlan plan;
        try
        {
            plan = TrainingPlan.Parse(request.PlanJson);
        }
        catch (Exception ex) when (ex is TrainingPlanException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new TaskRefusedException("bad-plan", $"the training plan is invalid: {ex.Message}");
        }
        if (!string.Equals(plan.Hash, request.PlanSha256, StringComparison.Ordinal))
            throw new TaskRefusedException("bad-plan", $"the plan hashes to {plan.Hash}, not the announced {request.PlanSha256}");
        if (options.RequirePlanApproval)
        {
            var status = plans.StatusOf(plan.Hash);
            if (status is null) plans.RecordSeen(plan.Hash, plan.ToCanonicalJson());
            if (status != PlanStatus.Approved)
                throw new TaskRefusedException("plan-not-approved",
                    $"training plan {plan.Hash} is {(status == PlanStatus.Rejected ? "rejected" : "not approved")} on this node; the operator can approve it with `fedbiomed node plans approve {plan.Hash}`");
        }
        return plan;
    }

    private LocalTrainer TrainerFor(TrainingPlan plan, string datasetId, LabeledDataset train)
    {
        var key = plan.Hash + "/" + datasetId;
        if (_trainer is not null && _trainerKey == key) return _trainer;
        _trainer?.Dispose();
        _trainer = LocalTrainer.Create(plan, train.FeatureShape, train.ClassCount, new LocalTrainerOptions { Device = options.Device });
        _trainer.FitPreprocessing(train);
        _trainerKey = key;
        return _trainer;
    }

    /// <summary>Reads a received global model (little-endian float32).</summary>
    public static float[] ReadModel(byte[] payload)
    {
        if (payload.Length % 4 != 0) throw new TaskRefusedException("bad-model", $"the global model has {payload.Length} bytes, not whole float32 values");
        return MemoryMarshal.Cast<byte, float>(payload).ToArray();
    }

    public void Dispose() => _trainer?.Dispose();
}
