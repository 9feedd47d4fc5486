using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>
/// Stage 4 on the server: collect revealed shares, reconstruct each survivor's self-mask seed and each
/// dropped node's masking key, and strip those masks from the running sum. What is left is Σ x_u over
/// the survivors; if any secret lacks t valid shares, nothing is reconstructed.
/// </summary>
internal static class Unmasker
{
    public static void Accept(ServerRoundState state, UnmaskResponse message)
    {
        state.RequireFrom(message, state.Signatures.ContainsKey);
        if (state.Responses.ContainsKey(message.Sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' answered the unmask request twice");
        var requested = state.Requests[message.Sender];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var share in message.Shares)
        {
            if (!requested.Contains(new ShareRequest(share.Owner, share.Kind)) || !seen.Add(share.Owner))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' revealed a {share.Kind} share of '{share.Owner}' that was not asked for");
            if (share.Value?.Length != Shamir.ShareSize || share.Index != state.Graph.ShareIndex(share.Owner, message.Sender))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{message.Sender}' revealed a malformed share of '{share.Owner}'");
        }
        state.Responses[message.Sender] = message;
    }

    public static ServerStep Close(ServerRoundState state)
    {
        var t = state.Config.Threshold;
        var shares = state.Responses.Values.SelectMany(r => r.Shares)
            .GroupBy(s => (s.Owner, s.Kind))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ShamirShare>)g.Select(s => new ShamirShare(s.Index, s.Value)).ToArray());
        var survivors = state.Survivors;
        // Dropped nodes that some survivor masked against, with those survivors: the dropped node's own partners
        // (partnership is mutual, see ShareKeysRelay), in ordinal order like the survivors.
        var dropped = state.Partners
            .Where(p => !state.SurvivorSet.Contains(p.Key))
            .Select(p => (Node: p.Key, MaskedWith: p.Value.Where(state.SurvivorSet.Contains).ToArray()))
            .Where(d => d.MaskedWith.Length > 0)
            .ToArray();

        var terms = new List<MaskTerm>(survivors.Count + dropped.Length);
        var secret = new byte[32];
        var agreement = new byte[32];
        try
        {
            foreach (var u in survivors)
            {
                if (!TryReconstruct(shares, u, ShareKind.SelfMaskSeed, t, secret, out var reason))
                    return ServerStep.Abort($"cannot remove the self mask of '{u}': {reason}");
                terms.Add(new MaskTerm(new MaskPrg(secret, SecAggKdf.SelfMaskContext(state.Header, u)), Subtract: true));
            }
            foreach (var (v, maskedWith) in dropped)
            {
                if (!TryReconstruct(shares, v, ShareKind.MaskingKey, t, secret, out var reason))
                    return ServerStep.Abort($"cannot remove the pairwise masks of dropped node '{v}': {reason}");
                var publicKey = new byte[X25519.KeySize];
                X25519.DerivePublicKey(secret, publicKey);
                if (!publicKey.AsSpan().SequenceEqual(state.Advertisements[v].MaskingPublicKey))
                    return ServerStep.Abort($"the masking key reconstructed for '{v}' does not match the key it advertised");
                foreach (var u in maskedWith)
                {
                    if (!X25519.TryAgree(secret, state.Advertisements[u].MaskingPublicKey, agreement))
                        return ServerStep.Abort($"the masking key of '{u}' is of low order");
                    var uIsLow = string.CompareOrdinal(u, v) < 0;
                    var (low, high) = uIsLow ? (u, v) : (v, u);
                    var seed = SecAggKdf.PairwiseSeed(agreement, state.Header, low, high);
                    // u added this mask if it is the lower id, so the server subtracts it, and the other way round.
                    terms.Add(new MaskTerm(new MaskPrg(seed, SecAggKdf.PairwiseMaskContext(state.Header, low, high)), Subtract: uIsLow));
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
            var sum = state.Inputs.Sum;
            MaskApplier.Apply(sum, state.Config.WordBits, CollectionsMarshal.AsSpan(terms));
            state.Stage = SecAggStage.Completed;
            var droppedAll = state.Config.Cohort.Where(id => !state.SurvivorSet.Contains(id)).ToArray();
            return new ServerStep(new Dictionary<string, ServerMessage>(),
                new SecAggResult(state.Header, survivors, droppedAll, state.Config.WordBits, sum));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(agreement);
            foreach (var term in terms) term.Prg.Dispose();
        }
    }

    private static bool TryReconstruct(Dictionary<(string, ShareKind), IReadOnlyList<ShamirShare>> shares, string owner, ShareKind kind, int t, Span<byte> secret, out string reason)
    {
        var available = shares.GetValueOrDefault((owner, kind)) ?? [];
        if (available.Count < t)
        {
            reason = $"{available.Count} shares revealed, threshold is {t}";
            return false;
        }
        if (!Shamir.TryCombine(available, t, secret))
        {
            reason = $"the {available.Count} revealed shares are inconsistent (a forged or corrupted share)";
            return false;
        }
        reason = "";
        return true;
    }
}
