using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>
/// Stage 1 on the server: collect encrypted shares and forward each node the ciphertexts addressed to it.
/// A pair exchanges shares only if both sent to each other, so their pairwise masks cancel.
/// </summary>
internal static class ShareKeysRelay
{
    public static void Accept(ServerRoundState state, EncryptedShares message)
    {
        state.RequireFrom(message, state.Advertisements.ContainsKey);
        if (state.Shares.ContainsKey(message.Sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' sent its shares twice");
        var byReceiver = new Dictionary<string, EncryptedShare>(StringComparer.Ordinal);
        foreach (var share in message.Shares)
        {
            if (share.Sender != message.Sender || share.Ciphertext is null)
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' sent a share labelled as from '{share.Sender}'");
            if (!state.Graph.AreNeighbours(message.Sender, share.Receiver) || !state.Advertisements.ContainsKey(share.Receiver))
                throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"'{message.Sender}' sent a share to '{share.Receiver}', which is not one of its live neighbours");
            if (!byReceiver.TryAdd(share.Receiver, share))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' sent two shares to '{share.Receiver}'");
        }
        state.Shares[message.Sender] = byReceiver;
    }

    public static ServerStep Close(ServerRoundState state)
    {
        if (state.Shares.Count < state.Config.Threshold)
            return ServerStep.Abort($"only {state.Shares.Count} nodes shared their keys; threshold is {state.Config.Threshold}");
        var messages = new Dictionary<string, ServerMessage>(StringComparer.Ordinal);
        foreach (var (node, sent) in state.Shares)
        {
            // Only the node's own neighbours can be its partners: k lookups per node rather than one per node that shared.
            var partners = new SortedSet<string>(StringComparer.Ordinal);
            var forwarded = new List<EncryptedShare>(sent.Count);
            foreach (var peer in sent.Keys)
            {
                if (state.Shares.TryGetValue(peer, out var theirs) && theirs.TryGetValue(node, out var toNode))
                {
                    partners.Add(peer);
                    forwarded.Add(toNode);
                }
            }
            state.Partners[node] = partners;
            messages[node] = new ForwardedShares(state.Header, forwarded);
        }
        state.Stage = SecAggStage.MaskedInput;
        return new ServerStep(messages);
    }
}
