namespace FedBioMed.Federation.Audit;

/// <summary>
/// One line of an audit trail. On disk it is the canonical JSON of these fields in this order
/// (<c>seq, prev, time, participant, event, experiment, round, session, attrs, sig</c>), without
/// whitespace, attrs sorted by key (ordinal); <see cref="Sig"/> is the participant's Ed25519 signature,
/// in lowercase hex, over the UTF-8 bytes of the same JSON without the <c>sig</c> property.
/// </summary>
/// <param name="Seq">0, 1, 2, … within one trail.</param>
/// <param name="Prev">Lowercase hex SHA-256 of the previous record's whole line (64 zeros for the first).</param>
/// <param name="Time">ISO-8601 UTC time the record was written.</param>
/// <param name="Participant">The writer's id (node id, or the researcher's id).</param>
/// <param name="Event">One of <see cref="AuditEvents"/>.</param>
/// <param name="Experiment">Experiment id, when the event belongs to one.</param>
/// <param name="Round">Round number, when the event belongs to one.</param>
/// <param name="Session">SecAgg session id in lowercase hex, when applicable.</param>
/// <param name="Attrs">Ids, counts and hashes; never data, updates, keys or shares.</param>
/// <param name="Sig">Lowercase hex Ed25519 signature.</param>
public sealed record AuditRecord(
    long Seq,
    string Prev,
    string Time,
    string Participant,
    string Event,
    string? Experiment,
    long? Round,
    string? Session,
    IReadOnlyDictionary<string, string> Attrs,
    string Sig)
{
    /// <summary>The <c>prev</c> of a trail's first record.</summary>
    public static readonly string GenesisPrev = new('0', 64);

    public string? Attr(string key) => Attrs.TryGetValue(key, out var value) ? value : null;
}
