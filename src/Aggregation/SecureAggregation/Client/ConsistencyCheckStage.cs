using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>Stage 3 on the node: check the announced survivor set and sign it.</summary>
internal static class ConsistencyCheckStage
{
    public static ConsistencySignature Run(ClientRoundState state, SurvivorSet message)
    {
        state.RequireHeader(message);
        var survivors = message.Survivors;
        SurvivorSetRules.RequireWellFormed(state, survivors);
        var survivorSet = survivors.ToHashSet(StringComparer.Ordinal);
        if (!survivorSet.Contains(state.Id))
            throw new SecAggRefusedException(RefusalReason.InconsistentSurvivorSet, $"this node '{state.Id}' sent its masked input but is not in the survivor set");
        var holdersAlive = state.HeldShares.Keys.Count(survivorSet.Contains);
        if (holdersAlive < state.Threshold)
            throw new SecAggRefusedException(RefusalReason.BelowThreshold,
                $"only {holdersAlive} of this node's share holders survived; threshold is {state.Threshold}");
        state.SignedSurvivors = survivors.ToArray();
        state.Stage = SecAggStage.Unmask;
        return new ConsistencySignature(state.Header, state.Id, state.Identity.Sign(SecAggKdf.ConsistencyMessage(state.Header, survivors)));
    }
}
