namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>Server → node (opens stage 3): the nodes whose masked inputs arrived, in ordinal order.</summary>
public sealed record SurvivorSet(RoundHeader Header, IReadOnlyList<string> Survivors) : ServerMessage(Header);

/// <summary>Node → server (stage 3): the node's signature over the survivor set it was shown.</summary>
public sealed record ConsistencySignature(RoundHeader Header, string Sender, byte[] Signature)
    : ClientMessage(Header, Sender);
