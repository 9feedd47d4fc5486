namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>
/// Node → server (stage 2): the masked input y_u as little-endian words mod 2^b. Transports split the
/// payload into chunks; the server accumulates them (see <c>SecAggServer.AcceptMaskedInputChunk</c>).
/// </summary>
public sealed record MaskedInput(RoundHeader Header, string Sender, byte[] Payload) : ClientMessage(Header, Sender);
