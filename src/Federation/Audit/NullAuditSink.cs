namespace FedBioMed.Federation.Audit;

/// <summary>
/// The sink of a participant that does not audit: it records nothing. Callers that see it skip the
/// recorder altogether (<see cref="For"/> returns null), so no digest is computed when auditing is off.
/// </summary>
public sealed class NullAuditSink : IAuditSink
{
    public static readonly NullAuditSink Instance = new();

    private NullAuditSink()
    {
    }

    public string ParticipantId => "";

    public void Append(AuditEntry entry)
    {
    }

    /// <summary>A recorder over <paramref name="sink"/>, or null when it records nothing.</summary>
    public static AuditRecorder? For(IAuditSink? sink) => sink is null or NullAuditSink ? null : new AuditRecorder(sink);
}
