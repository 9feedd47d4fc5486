using FedBioMed.Federation.Wire;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// Counts the envelopes a participant sends and receives on its federation stream (<c>fedbiomed.transferred</c>), called
/// where each side writes and reads the stream, so that every message is counted once, whatever it carries. The kind is
/// the envelope's body (a SecAgg+ message such as <c>KeyAdvertisement</c>, <c>TrainingRequest</c>, <c>TrainingReply</c>,
/// <c>RoundOutcome</c>, <c>Refusal</c>, the handshake's <c>Welcome</c>, <c>Hello</c> and <c>Admitted</c>), or for a chunk
/// its payload (<c>GlobalModel</c>, <c>MaskedInput</c>, <c>PlainUpdate</c>). A size is the envelope's protobuf encoding,
/// which sender and receiver compute alike, so one side's bytes sent of a kind are the other side's bytes received.
/// </summary>
public static class WireTraffic
{
    public static void Sent(NodeEnvelope envelope) => Count(envelope, Kind(envelope), sent: true);

    public static void Received(NodeEnvelope envelope) => Count(envelope, Kind(envelope), sent: false);

    public static void Sent(ResearcherEnvelope envelope) => Count(envelope, Kind(envelope), sent: true);

    public static void Received(ResearcherEnvelope envelope) => Count(envelope, Kind(envelope), sent: false);

    /// <summary>The kind a node's envelope is counted under.</summary>
    public static string Kind(NodeEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.BodyCase == NodeEnvelope.BodyOneofCase.Chunk ? PayloadKindName(envelope.Chunk.Kind) : envelope.BodyCase.ToString();
    }

    /// <summary>The kind a researcher's envelope is counted under.</summary>
    public static string Kind(ResearcherEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.BodyCase == ResearcherEnvelope.BodyOneofCase.Chunk ? PayloadKindName(envelope.Chunk.Kind) : envelope.BodyCase.ToString();
    }

    private static void Count(Google.Protobuf.IMessage envelope, string kind, bool sent)
    {
        if (sent) FederationTelemetry.BytesSent(envelope.CalculateSize(), kind);
        else FederationTelemetry.BytesReceived(envelope.CalculateSize(), kind);
    }

    private static string PayloadKindName(PayloadKind kind) => kind switch
    {
        PayloadKind.GlobalModel => nameof(PayloadKind.GlobalModel),
        PayloadKind.MaskedInput => nameof(PayloadKind.MaskedInput),
        PayloadKind.PlainUpdate => nameof(PayloadKind.PlainUpdate),
        _ => "Chunk",
    };
}
