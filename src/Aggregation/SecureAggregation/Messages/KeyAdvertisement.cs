namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>
/// Node → server (stage 0): fresh X25519 channel key c and masking key s, signed with the node's
/// Ed25519 identity key over (experiment, round, session, node, c, s).
/// </summary>
public sealed record KeyAdvertisement(
    RoundHeader Header, string Sender, byte[] ChannelPublicKey, byte[] MaskingPublicKey, byte[] Signature)
    : ClientMessage(Header, Sender);

/// <summary>Server → node: the advertisements of the node's neighbours, as received.</summary>
public sealed record AdvertisedKeys(RoundHeader Header, IReadOnlyList<KeyAdvertisement> Advertisements)
    : ServerMessage(Header);
