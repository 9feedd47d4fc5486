namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>
/// One AES-256-GCM ciphertext from <paramref name="Sender"/> to <paramref name="Receiver"/> holding the
/// receiver's Shamir shares of the sender's self-mask seed and masking key. The server only relays it.
/// </summary>
public sealed record EncryptedShare(string Sender, string Receiver, byte[] Ciphertext);

/// <summary>Node → server (stage 1): one ciphertext per neighbour.</summary>
public sealed record EncryptedShares(RoundHeader Header, string Sender, IReadOnlyList<EncryptedShare> Shares)
    : ClientMessage(Header, Sender);

/// <summary>Server → node: the ciphertexts addressed to it.</summary>
public sealed record ForwardedShares(RoundHeader Header, IReadOnlyList<EncryptedShare> Shares)
    : ServerMessage(Header);
