using FedBioMed.Federation.Wire;

namespace FedBioMed.Researcher.Transport;

/// <summary>A message from a node, or (with a null envelope) the news that its stream ended.</summary>
public sealed record InboundMessage(string NodeId, NodeEnvelope? Envelope)
{
    public bool IsDisconnect => Envelope is null;
}
