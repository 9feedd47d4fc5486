using FedBioMed.Federation.Wire;
using Grpc.Core;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// Counts the envelopes a participant sends and receives on its federation stream (<c>fedbiomed.transferred</c>): each side
/// reads and writes its stream through these, so that every message is counted once, whatever it carries. The kind is
/// the envelope's body (a SecAgg+ message such as <c>KeyAdvertisement</c>, <c>TrainingRequest</c>, <c>TrainingReply</c>,
/// <c>RoundOutcome</c>, <c>Refusal</c>, the handshake's <c>Welcome</c>, <c>Hello</c> and <c>Admitted</c>), or for a chunk
/// its payload (<c>GlobalModel</c>, <c>MaskedInput</c>, <c>PlainUpdate</c>). A size is the envelope's protobuf encoding,
/// which sender and receiver compute alike, so one side's bytes sent of a kind are the other side's bytes received.
/// </summary>
public static class WireTraffic
{
    /// <summary>Moves to the node's next envelope, counted as received.</summary>
    public static Task<bool> MoveNextCountedAsync(this IAsyncStreamReader<NodeEnvelope> stream, CancellationToken cancellationToken) =>
        MoveNextAsync(stream, Received, cancellationToken);

    /// <summary>Moves to the researcher's next envelope, counted as received.</summary>
    public static Task<bool> MoveNextCountedAsync(this IAsyncStreamReader<ResearcherEnvelope> stream, CancellationToken cancellationToken) =>
        MoveNextAsync(stream, Received, cancellationToken);

    /// <summary>Writes a node's envelope, counted as sent once written.</summary>
    public static Task WriteCountedAsync(this IAsyncStreamWriter<NodeEnvelope> stream, NodeEnvelope envelope, CancellationToken cancellationToken) =>
        WriteAsync(stream, envelope, Sent, cancellationToken);

    /// <summary>Writes a researcher's envelope, counted as sent once written.</summary>
    public static Task WriteCountedAsync(this IAsyncStreamWriter<ResearcherEnvelope> stream, ResearcherEnvelope envelope, CancellationToken cancellationToken) =>
        WriteAsync(stream, envelope, Sent, cancellationToken);

    private static async Task<bool> MoveNextAsync<T>(IAsyncStreamReader<T> stream, Action<T> count, CancellationToken cancellationToken)
    {
        if (!await stream.MoveNext(cancellationToken).ConfigureAwait(false)) return false;
        count(stream.Current);
        return true;
    }

    private static async Task WriteAsync<T>(IAsyncStreamWriter<T> stream, T envelope, Action<T> count, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        count(envelope);
    }

    private static void Sent(NodeEnvelope envelope) => Count(envelope, Kind(envelope), sent: true);

    private static void Received(NodeEnvelope envelope) => Count(envelope, Kind(envelope), sent: false);

    private static void Sent(ResearcherEnvelope envelope) => Count(envelope, Kind(envelope), sent: true);

    private static void Received(ResearcherEnvelope envelope) => Count(envelope, Kind(envelope), sent: false);

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
