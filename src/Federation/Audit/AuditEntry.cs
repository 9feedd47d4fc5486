namespace FedBioMed.Federation.Audit;

/// <summary>
/// One event waiting to become a trail record (<see cref="AuditTrailWriter.AppendBatch"/>): everything but the
/// chain fields, which the writer adds.
/// </summary>
/// <param name="Event">One of <see cref="AuditEvents"/>.</param>
/// <param name="Experiment">Experiment id, when the event belongs to one.</param>
/// <param name="Round">Round number, when the event belongs to one.</param>
/// <param name="Session">SecAgg session id in lowercase hex, when applicable.</param>
/// <param name="Attrs">Ids, counts and hashes; never data, updates, keys or shares.</param>
/// <param name="Time">When the event happened; null stamps it when written.</param>
public sealed record AuditEntry(
    string Event,
    string? Experiment,
    long? Round,
    string? Session,
    IReadOnlyDictionary<string, string> Attrs,
    DateTimeOffset? Time = null);
