using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>
/// Closing stage 2 and running stage 3 on the server: announce the survivors, collect their signatures
/// over that set, then ask each signer for exactly the shares the survivor set calls for.
/// </summary>
internal static class ConsistencyCheckCollector
{
    public static ServerStep CloseMaskedInput(ServerRoundState state)
    {
        state.Inputs.Seal();
        state.Survivors = state.Inputs.Completed.Order(StringComparer.Ordinal).ToArray();
        state.SurvivorSet = state.Survivors.ToHashSet(StringComparer.Ordinal);
        if (state.Survivors.Count < state.Config.Threshold)
            return ServerStep.Abort($"only {state.Survivors.Count} masked inputs arrived; threshold is {state.Config.Threshold}");
        var announcement = new SurvivorSet(state.Header, state.Survivors);
        state.Stage = SecAggStage.ConsistencyCheck;
        return new ServerStep(state.Survivors.ToDictionary(id => id, ServerMessage (_) => announcement, StringComparer.Ordinal));
    }

    public static void Accept(ServerRoundState state, ConsistencySignature message)
    {
        state.RequireFrom(message, state.SurvivorSet.Contains);
        if (state.Signatures.ContainsKey(message.Sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' signed twice");
        if (message.Signature is null || !state.Roster.Verify(message.Sender, SecAggKdf.ConsistencyMessage(state.Header, state.Survivors), message.Signature))
            throw new SecAggRefusedException(RefusalReason.BadConsistencySignature, $"the consistency signature of '{message.Sender}' does not verify");
        state.Signatures[message.Sender] = message;
    }

    public static ServerStep Close(ServerRoundState state)
    {
        if (state.Signatures.Count < state.Config.Threshold)
            return ServerStep.Abort($"only {state.Signatures.Count} survivors signed the survivor set; threshold is {state.Config.Threshold}");
        var messages = new Dictionary<string, ServerMessage>(StringComparer.Ordinal);
        foreach (var node in state.Signatures.Keys)
        {
            var requests = state.Partners[node].Append(node)
                .Select(owner => new ShareRequest(owner, state.SurvivorSet.Contains(owner) ? ShareKind.SelfMaskSeed : ShareKind.MaskingKey))
                .ToArray();
            // Each node checks the signatures of its own share holders only.
            var signatures = state.FromHoldersOf(node, state.Signatures);
            state.Requests[node] = requests;
            messages[node] = new UnmaskRequest(state.Header, state.Survivors, signatures, requests);
        }
        state.Stage = SecAggStage.Unmask;
        return new ServerStep(messages);
    }
}
