using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>Stage 0 on the node: check the round's parameters, make fresh keys, sign and advertise them.</summary>
internal static class AdvertiseKeysStage
{
    public static KeyAdvertisement Run(ClientRoundState state, RoundStart message)
    {
        var config = message.Config;
        config.Validate();
        if (!config.Cohort.Contains(state.Id, StringComparer.Ordinal))
            throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"this node '{state.Id}' is not in the cohort");
        foreach (var member in config.Cohort)
        {
            if (!state.Roster.Contains(member))
                throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"cohort member '{member}' is not in the roster");
        }
        if (config.Threshold < state.Policy.MinimumThreshold)
            throw new SecAggRefusedException(RefusalReason.InvalidParameters,
                $"threshold {config.Threshold} is below this node's minimum {state.Policy.MinimumThreshold}");
        var colluders = state.Policy.AssumedColludingNodes;
        if (2 * config.Threshold <= config.HoldersPerNode + colluders)
            throw new SecAggRefusedException(RefusalReason.InvalidParameters,
                $"threshold {config.Threshold} with {config.HoldersPerNode} share holders does not withstand {colluders} colluding nodes (needs 2t > k + 1 + c = {config.HoldersPerNode + colluders})");
        if (config.Cohort.Count < state.Policy.MinimumCohortSize)
            throw new SecAggRefusedException(RefusalReason.InvalidParameters,
                $"cohort of {config.Cohort.Count} is below this node's minimum {state.Policy.MinimumCohortSize}");
        if (state.Input.Length != config.VectorBytes)
            throw new SecAggRefusedException(RefusalReason.InvalidParameters,
                $"the round expects {config.VectorBytes} input bytes, this node has {state.Input.Length}");
        InputBounds.Require(state.Input.Span, config);
        if (!state.ReplayGuard.TryBegin(config.Header, out var reason))
            throw new SecAggRefusedException(RefusalReason.ReplayedRound, reason);

        state.Config = config;
        state.CohortSet.UnionWith(config.Cohort);
        state.Graph = new NeighbourGraph(config);
        state.ConfigDigest = SecAggKdf.ConfigDigest(config);
        X25519.GenerateKeyPair(state.ChannelPrivateKey, state.ChannelPublicKey);
        X25519.GenerateKeyPair(state.MaskingPrivateKey, state.MaskingPublicKey);
        var signed = SecAggKdf.AdvertisementMessage(config.Header, state.ConfigDigest, state.Id, state.ChannelPublicKey, state.MaskingPublicKey);
        state.Stage = SecAggStage.ShareKeys;
        return new KeyAdvertisement(config.Header, state.Id, (byte[])state.ChannelPublicKey.Clone(),
            (byte[])state.MaskingPublicKey.Clone(), state.Identity.Sign(signed));
    }
}
