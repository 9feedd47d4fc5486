namespace FedBioMed.Federation.Audit;

/// <summary>
/// Where audit events go: straight into a participant's trail (<see cref="AuditTrailWriter"/>), or into a span
/// that the OpenTelemetry pipeline turns into a trail record (<see cref="ActivityAuditSink"/>).
/// </summary>
public interface IAuditSink
{
    /// <summary>The participant the events are recorded for.</summary>
    string ParticipantId { get; }

    /// <summary>Records one event (<see cref="AuditEvents"/>).</summary>
    void Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs);

    /// <summary>Records one event given whole (with the time it happened); the caller no longer changes its attributes.</summary>
    void Append(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Append(entry.Event, entry.Experiment, entry.Round, entry.Session, entry.Attrs);
    }
}
