using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>Stage 0 on the server: collect signed key advertisements and relay each node its holders' keys.</summary>
internal static class AdvertiseKeysCollector
{
    public static void Accept(ServerRoundState state, KeyAdvertisement message)
    {
        state.RequireFrom(message, state.Graph.IsMember);
        if (state.Advertisements.ContainsKey(message.Sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' advertised keys twice");
        if (message.ChannelPublicKey?.Length != X25519.KeySize || message.MaskingPublicKey?.Length != X25519.KeySize || message.Signature is null
            || !state.Roster.Verify(message.Sender, SecAggKdf.AdvertisementMessage(state.Header, state.ConfigDigest, message.Sender, message.ChannelPublicKey, message.MaskingPublicKey), message.Signature))
            throw new SecAggRefusedException(RefusalReason.BadKeySignature, $"the key advertisement of '{message.Sender}' does not verify");
        state.Advertisements[message.Sender] = message;
    }

    public static ServerStep Close(ServerRoundState state)
    {
        if (state.Advertisements.Count < state.Config.Threshold)
            return ServerStep.Abort($"only {state.Advertisements.Count} nodes advertised keys; threshold is {state.Config.Threshold}");
        var messages = new Dictionary<string, ServerMessage>(StringComparer.Ordinal);
        AdvertisedKeys? last = null;
        foreach (var node in state.Advertisements.Keys)
        {
            // Nodes with the same holders (all of them in full SecAgg) get one message: built, encoded and audited once.
            var advertisements = state.FromHoldersOf(node, state.Advertisements);
            messages[node] = last is not null && last.Advertisements.SequenceEqual(advertisements) ? last : last = new AdvertisedKeys(state.Header, advertisements);
        }
        state.Stage = SecAggStage.ShareKeys;
        return new ServerStep(messages);
    }
}
