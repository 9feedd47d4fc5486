namespace FedBioMed.Federation.Audit;

/// <summary>
/// Where audit events go: straight into a participant's trail (<see cref="AuditTrailWriter"/>), or into a span
/// that the OpenTelemetry pipeline turns into a trail record (<see cref="ActivityAuditSink"/>).
/// </summary>
public interface IAuditSink
{
    /// <summary>The participant the events are recorded for.</summary>
    string ParticipantId { get; }

    /// <summary>Records one event given whole (stamped when the sink takes it if it has no time); the caller no longer changes its attributes.</summary>
    void Append(AuditEntry entry);

    /// <summary>Records one event (<see cref="AuditEvents"/>); its attributes are copied.</summary>
    void Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs)
    {
        ArgumentNullException.ThrowIfNull(attrs);
        Append(new AuditEntry(@event, experiment, round, session, new Dictionary<string, string>(attrs, StringComparer.Ordinal)));
    }
}
