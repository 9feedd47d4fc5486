using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>
/// Stage 2 on the node: decrypt and check the shares addressed to it, then mask its input:
/// y_u = x_u + PRG(b_u) + Σ_{v&gt;u} PRG(s_uv) − Σ_{v&lt;u} PRG(s_uv) mod 2^b, over the neighbours v whose
/// shares it holds.
/// </summary>
internal static class MaskedInputStage
{
    public static MaskedInput Run(ClientRoundState state, ForwardedShares message)
    {
        state.RequireHeader(message);
        Span<byte> agreement = stackalloc byte[X25519.KeySize];
        try
        {
            foreach (var share in message.Shares)
            {
                ReceiveShare(state, share, agreement);
            }
            if (state.HeldShares.Count < state.Threshold)
                throw new SecAggRefusedException(RefusalReason.BelowThreshold,
                    $"shares arrived from {state.HeldShares.Count - 1} neighbours; with this node that is below threshold {state.Threshold}");

            var payload = state.Input.ToArray();
            var terms = new List<MaskTerm>(state.HeldShares.Count);
            try
            {
                terms.Add(new MaskTerm(new MaskPrg(state.SelfMaskSeed, SecAggKdf.SelfMaskContext(state.Header, state.Id)), Subtract: false));
                foreach (var peer in state.HeldShares.Keys)
                {
                    if (peer == state.Id) continue;
                    if (!X25519.TryAgree(state.MaskingPrivateKey, state.Advertised[peer].MaskingPublicKey, agreement))
                        throw new SecAggRefusedException(RefusalReason.InvalidPublicKey, $"the masking key of '{peer}' is of low order");
                    var lowFirst = string.CompareOrdinal(state.Id, peer) < 0;
                    var (low, high) = lowFirst ? (state.Id, peer) : (peer, state.Id);
                    var seed = SecAggKdf.PairwiseSeed(agreement, state.Header, low, high);
                    try
                    {
                        // The lower id adds the pairwise mask and the higher one subtracts it, so the pair cancels in the sum.
                        terms.Add(new MaskTerm(new MaskPrg(seed, SecAggKdf.PairwiseMaskContext(state.Header, low, high)), Subtract: !lowFirst));
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(seed);
                    }
                }
                MaskApplier.Apply(payload, state.Config!.WordBits, CollectionsMarshal.AsSpan(terms));
            }
            finally
            {
                foreach (var term in terms) term.Prg.Dispose();
            }
            state.Stage = SecAggStage.ConsistencyCheck;
            return new MaskedInput(state.Header, state.Id, payload);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(agreement);
        }
    }

    private static void ReceiveShare(ClientRoundState state, EncryptedShare share, Span<byte> agreement)
    {
        if (share.Receiver != state.Id)
            throw new SecAggRefusedException(RefusalReason.ForgedShare, $"a share addressed to '{share.Receiver}' was delivered to '{state.Id}'");
        if (share.Sender == state.Id || !state.Advertised.TryGetValue(share.Sender, out var ad))
            throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"a share came from '{share.Sender}', which advertised no keys to this node");
        if (state.HeldShares.ContainsKey(share.Sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"two shares from '{share.Sender}'");
        if (!X25519.TryAgree(state.ChannelPrivateKey, ad.ChannelPublicKey, agreement))
            throw new SecAggRefusedException(RefusalReason.InvalidPublicKey, $"the channel key of '{share.Sender}' is of low order");
        var key = SecAggKdf.ChannelKey(agreement, state.Header, share.Sender, state.Id);
        byte[]? plaintext = null;
        try
        {
            if (share.Ciphertext is null
                || !Aes256Gcm.TryOpen(key, share.Ciphertext, SecAggKdf.ShareAssociatedData(state.Header, share.Sender, state.Id), out plaintext))
                throw new SecAggRefusedException(RefusalReason.ForgedShare, $"the share from '{share.Sender}' failed authentication");
            var payload = SharePayload.TryDecode(plaintext);
            if (payload is null || payload.Owner != share.Sender || payload.Holder != state.Id
                || payload.SelfMaskSeedShare.Index != state.Graph!.ShareIndex(share.Sender, state.Id)
                || payload.MaskingKeyShare.Index != payload.SelfMaskSeedShare.Index)
                throw new SecAggRefusedException(RefusalReason.ForgedShare, $"the share from '{share.Sender}' names the wrong parties or index");
            state.HeldShares[share.Sender] = payload;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            if (plaintext is not null) CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
