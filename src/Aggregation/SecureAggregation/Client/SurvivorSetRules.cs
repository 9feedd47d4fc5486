using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>Shape checks on a survivor set that both the consistency check and the unmask stage apply.</summary>
internal static class SurvivorSetRules
{
    public static void RequireWellFormed(ClientRoundState state, IReadOnlyList<string> survivors)
    {
        if (survivors is null || survivors.Count < state.Threshold)
            throw new SecAggRefusedException(RefusalReason.BelowThreshold,
                $"the survivor set has {survivors?.Count ?? 0} nodes; threshold is {state.Threshold}");
        for (var i = 0; i < survivors.Count; i++)
        {
            if (!state.CohortSet.Contains(survivors[i]))
                throw new SecAggRefusedException(RefusalReason.InconsistentSurvivorSet, $"survivor '{survivors[i]}' is not in the cohort");
            if (i > 0 && string.CompareOrdinal(survivors[i - 1], survivors[i]) >= 0)
                throw new SecAggRefusedException(RefusalReason.InconsistentSurvivorSet, "the survivor set is not sorted or has duplicates");
        }
        // A neighbour that never sent this node its shares cannot have masked against it; the server claiming it survived
        // while this node saw it drop before sharing means the server shows different views to different nodes.
        foreach (var survivor in survivors)
        {
            if (state.Graph!.AreNeighbours(state.Id, survivor) && state.Advertised.ContainsKey(survivor) && !state.HeldShares.ContainsKey(survivor))
                throw new SecAggRefusedException(RefusalReason.InconsistentSurvivorSet,
                    $"'{survivor}' is announced as a survivor but never sent this node its shares");
        }
    }
}
