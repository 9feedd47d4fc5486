using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// One protocol step of a node (<see cref="AuditRecorder.Step"/>): the message it received, held until the reply it causes is
/// sent, then recorded with that reply as one record. A step record is written before the reply leaves, like any sent
/// message, so what the node reveals is on its trail first; a refusal records the received message, then the refusal; a step
/// disposed without either (the handling failed) records the received message alone. Half of a node's records were the
/// received half of such a pair, each with its own span, chain link and signed line.
/// </summary>
public sealed class AuditStep : IDisposable
{
    private readonly AuditRecorder _recorder;
    private AuditEntry? _received;

    internal AuditStep(AuditRecorder recorder, AuditEntry received) => (_recorder, _received) = (recorder, received);

    /// <summary>The reply, sent to <paramref name="to"/>: one record with the received message.</summary>
    public void Sent(SecAggMessage reply, string to) => Reply(_recorder.SentEntry(reply, to));

    /// <summary>A reply sent as a message of its own kind (a masked input's chunked upload): one record with the received message.</summary>
    public void Sent(string experimentId, long round, string? session, string type, string sha256, string to, long? bytes = null) =>
        Reply(_recorder.SentEntry(experimentId, round, session, type, sha256, to, bytes));

    /// <summary>The node refused the message: the received message, then the refusal.</summary>
    public void Refused(RoundHeader header, SecAggRefusedException refusal)
    {
        Flush();
        _recorder.Refused(header, refusal);
    }

    /// <summary>Records the received message alone if no reply or refusal was recorded.</summary>
    public void Dispose() => Flush();

    private void Reply(AuditEntry reply)
    {
        if (Interlocked.Exchange(ref _received, null) is { } received) _recorder.AppendStep(received, reply);
        else _recorder.AppendEntry(reply);
    }

    private void Flush()
    {
        if (Interlocked.Exchange(ref _received, null) is { } received) _recorder.AppendEntry(received);
    }
}
