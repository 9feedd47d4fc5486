using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>
/// Stage 4 on the node: check that at least t of its share holders (its neighbours and itself) signed the
/// very survivor set this node signed, then
/// reveal, for each owner whose shares it holds, the self-mask share if the owner survived or the
/// masking-key share if it dropped — never both, and only once per round. The whole request is checked
/// before anything is revealed.
/// </summary>
internal static class UnmaskStage
{
    public static UnmaskResponse Run(ClientRoundState state, UnmaskRequest message)
    {
        state.RequireHeader(message);
        var survivors = message.Survivors;
        if (survivors is null || !survivors.SequenceEqual(state.SignedSurvivors!, StringComparer.Ordinal))
            throw new SecAggRefusedException(RefusalReason.InconsistentSurvivorSet,
                "the unmask request names a different survivor set from the one this node signed");
        var survivorSet = survivors.ToHashSet(StringComparer.Ordinal);
        VerifyConsistencySignatures(state, message, survivorSet);

        var requested = new Dictionary<string, ShareKind>(StringComparer.Ordinal);
        foreach (var request in message.Requests)
        {
            if (requested.TryGetValue(request.Owner, out var earlier))
            {
                throw earlier != request.Kind
                    ? new SecAggRefusedException(RefusalReason.BothSharesRequested,
                        $"the server asked for both the self-mask share and the masking-key share of '{request.Owner}'")
                    : new SecAggRefusedException(RefusalReason.MalformedMessage, $"the share of '{request.Owner}' was requested twice");
            }
            if (!state.HeldShares.ContainsKey(request.Owner))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"this node holds no share of '{request.Owner}'");
            var survived = survivorSet.Contains(request.Owner);
            if (survived && request.Kind == ShareKind.MaskingKey)
                throw new SecAggRefusedException(RefusalReason.ShareContradictsSurvivorSet,
                    $"the server asked for the masking-key share of '{request.Owner}', which it announced as a survivor");
            if (!survived && request.Kind == ShareKind.SelfMaskSeed)
                throw new SecAggRefusedException(RefusalReason.ShareContradictsSurvivorSet,
                    $"the server asked for the self-mask share of '{request.Owner}', which it announced as dropped");
            requested[request.Owner] = request.Kind;
        }

        var revealed = new List<RevealedShare>(requested.Count);
        foreach (var (owner, kind) in requested)
        {
            var payload = state.HeldShares[owner];
            var share = kind == ShareKind.SelfMaskSeed ? payload.SelfMaskSeedShare : payload.MaskingKeyShare;
            revealed.Add(new RevealedShare(owner, kind, share.Index, (byte[])share.Value.Clone()));
        }
        state.Stage = SecAggStage.Completed;
        state.WipeSecrets();
        return new UnmaskResponse(state.Header, state.Id, revealed);
    }

    // Only the holders' signatures count: they are the nodes whose shares decide what can be unmasked
    // about this node's neighbourhood, and checking k of them instead of n keeps a node's cost O(k).
    private static void VerifyConsistencySignatures(ClientRoundState state, UnmaskRequest message, HashSet<string> survivors)
    {
        var signed = SecAggKdf.ConsistencyMessage(state.Header, message.Survivors);
        var signers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in message.Signatures)
        {
            state.RequireHeader(signature);
            if (!survivors.Contains(signature.Sender))
                throw new SecAggRefusedException(RefusalReason.BadConsistencySignature, $"'{signature.Sender}' signed but is not a survivor");
            if (!state.Graph!.IsHolder(state.Id, signature.Sender))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{signature.Sender}' is not a neighbour of this node; its signature was not asked for");
            if (!signers.Add(signature.Sender))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"two consistency signatures from '{signature.Sender}'");
            if (signature.Signature is null || !state.Roster.Verify(signature.Sender, signed, signature.Signature))
                throw new SecAggRefusedException(RefusalReason.BadConsistencySignature,
                    $"'{signature.Sender}' did not sign this survivor set: the server showed nodes different sets");
        }
        if (!signers.Contains(state.Id))
            throw new SecAggRefusedException(RefusalReason.BadConsistencySignature, "this node's own consistency signature is missing");
        if (signers.Count < state.Threshold)
            throw new SecAggRefusedException(RefusalReason.BelowThreshold,
                $"only {signers.Count} of this node's share holders signed the survivor set; threshold is {state.Threshold}");
    }
}
