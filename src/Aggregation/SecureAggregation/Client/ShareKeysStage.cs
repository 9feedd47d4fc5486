using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>
/// Stage 1 on the node: verify the neighbours' signed keys against the roster, draw the self-mask seed,
/// Shamir-split it and the masking key among the holders, and encrypt each holder's shares to it.
/// </summary>
internal static class ShareKeysStage
{
    public static EncryptedShares Run(ClientRoundState state, AdvertisedKeys message)
    {
        state.RequireHeader(message);
        var holders = state.Graph!.HoldersOf(state.Id);
        foreach (var ad in message.Advertisements)
        {
            state.RequireHeader(ad);
            if (!state.Graph.IsHolder(state.Id, ad.Sender))
                throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"'{ad.Sender}' is not a neighbour of '{state.Id}' this round");
            if (state.Advertised.ContainsKey(ad.Sender))
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"two key advertisements for '{ad.Sender}'");
            if (ad.ChannelPublicKey?.Length != X25519.KeySize || ad.MaskingPublicKey?.Length != X25519.KeySize || ad.Signature is null)
                throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"key advertisement of '{ad.Sender}' has wrong key sizes");
            var signed = SecAggKdf.AdvertisementMessage(state.Header, state.ConfigDigest!, ad.Sender, ad.ChannelPublicKey, ad.MaskingPublicKey);
            if (!state.Roster.Verify(ad.Sender, signed, ad.Signature))
                throw new SecAggRefusedException(RefusalReason.BadKeySignature,
                    $"the keys advertised for '{ad.Sender}' are not signed by its identity key for this round's parameters (substituted keys, or the server gave nodes different parameters)");
            if (ad.Sender == state.Id
                && (!ad.ChannelPublicKey.AsSpan().SequenceEqual(state.ChannelPublicKey) || !ad.MaskingPublicKey.AsSpan().SequenceEqual(state.MaskingPublicKey)))
                throw new SecAggRefusedException(RefusalReason.BadKeySignature, "the server relayed keys for this node that it never advertised");
            state.Advertised[ad.Sender] = ad;
        }
        if (!state.Advertised.ContainsKey(state.Id))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, "the server did not relay this node's own advertisement");
        if (state.Advertised.Count < state.Threshold)
            throw new SecAggRefusedException(RefusalReason.BelowThreshold,
                $"only {state.Advertised.Count} of this node's share holders advertised keys; threshold is {state.Threshold}");

        RandomNumberGenerator.Fill(state.SelfMaskSeed);
        var seedShares = Shamir.Split(state.SelfMaskSeed, state.Threshold, holders.Count);
        var keyShares = Shamir.Split(state.MaskingPrivateKey, state.Threshold, holders.Count);
        var outgoing = new List<EncryptedShare>(holders.Count);
        Span<byte> agreement = stackalloc byte[X25519.KeySize];
        try
        {
            foreach (var holder in holders)
            {
                if (!state.Advertised.TryGetValue(holder, out var ad)) continue;
                var index = state.Graph.ShareIndex(state.Id, holder) - 1;
                var payload = new SharePayload(state.Id, holder, seedShares[index], keyShares[index]);
                if (holder == state.Id)
                {
                    state.HeldShares[state.Id] = payload;
                    continue;
                }
                if (!X25519.TryAgree(state.ChannelPrivateKey, ad.ChannelPublicKey, agreement))
                    throw new SecAggRefusedException(RefusalReason.InvalidPublicKey, $"the channel key of '{holder}' is of low order");
                var key = SecAggKdf.ChannelKey(agreement, state.Header, state.Id, holder);
                var plaintext = payload.Encode();
                try
                {
                    var ciphertext = Aes256Gcm.Seal(key, plaintext, SecAggKdf.ShareAssociatedData(state.Header, state.Id, holder));
                    outgoing.Add(new EncryptedShare(state.Id, holder, ciphertext));
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(key);
                    CryptographicOperations.ZeroMemory(plaintext);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(agreement);
            for (var i = 0; i < seedShares.Length; i++)
            {
                if (seedShares[i].Index != state.Graph.ShareIndex(state.Id, state.Id))
                {
                    CryptographicOperations.ZeroMemory(seedShares[i].Value);
                    CryptographicOperations.ZeroMemory(keyShares[i].Value);
                }
            }
        }
        state.Stage = SecAggStage.MaskedInput;
        return new EncryptedShares(state.Header, state.Id, outgoing);
    }
}
