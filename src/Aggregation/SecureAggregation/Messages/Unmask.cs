namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>Which of a node's two secrets a share belongs to.</summary>
public enum ShareKind
{
    /// <summary>The self-mask seed b_v: revealed only for nodes that survived.</summary>
    SelfMaskSeed = 0,
    /// <summary>The X25519 masking key s_v: revealed only for nodes that dropped after sharing.</summary>
    MaskingKey = 1,
}

/// <summary>The server asks for the holder's share of <paramref name="Owner"/>'s secret.</summary>
public sealed record ShareRequest(string Owner, ShareKind Kind);

/// <summary>
/// Server → node (opens stage 4): the survivor set, the consistency signatures collected over it, and
/// the shares the server asks for.
/// </summary>
public sealed record UnmaskRequest(
    RoundHeader Header,
    IReadOnlyList<string> Survivors,
    IReadOnlyList<ConsistencySignature> Signatures,
    IReadOnlyList<ShareRequest> Requests) : ServerMessage(Header);

/// <summary>A Shamir share the holder reveals: whose secret, which secret, the x-coordinate and value.</summary>
public sealed record RevealedShare(string Owner, ShareKind Kind, int Index, byte[] Value);

/// <summary>Node → server (stage 4): the revealed shares.</summary>
public sealed record UnmaskResponse(RoundHeader Header, string Sender, IReadOnlyList<RevealedShare> Shares)
    : ClientMessage(Header, Sender);
