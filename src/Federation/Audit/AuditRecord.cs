namespace FedBioMed.Federation.Audit;

/// <summary>
/// One line of an audit trail. On disk it is the canonical JSON of these fields in this order
/// (<c>seq, prev, time, participant, event, experiment, round, session, attrs, seal, sig</c>), without
/// whitespace, attrs sorted by key (ordinal). The UTF-8 bytes of that JSON without the <c>sig</c> property are
/// the record's <em>signed bytes</em>; <see cref="Prev"/> chains them. Records are written in batches and one
/// Ed25519 signature seals each batch: <see cref="Sig"/> is the participant's signature over the signed bytes of
/// the batch's last record (<see cref="Seal"/>), whose <c>prev</c> links lead back to this record, so every
/// record carries the signature that authenticates it while a burst of records costs one signature.
/// </summary>
/// <param name="Seq">0, 1, 2, … within one trail.</param>
/// <param name="Prev">Lowercase hex SHA-256 of the previous record's signed bytes (64 zeros for the first).</param>
/// <param name="Time">ISO-8601 UTC time the record was written.</param>
/// <param name="Participant">The writer's id (node id, or the researcher's id).</param>
/// <param name="Event">One of <see cref="AuditEvents"/>.</param>
/// <param name="Experiment">Experiment id, when the event belongs to one.</param>
/// <param name="Round">Round number, when the event belongs to one.</param>
/// <param name="Session">SecAgg session id in lowercase hex, when applicable.</param>
/// <param name="Attrs">Ids, counts and hashes; never data, updates, keys or shares.</param>
/// <param name="Seal">The seq of the last record of this record's batch (its own seq when it ends the batch).</param>
/// <param name="Sig">Lowercase hex Ed25519 signature over the signed bytes of record <paramref name="Seal"/>.</param>
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
    long Seal,
    string Sig)
{
    /// <summary>The <c>prev</c> of a trail's first record.</summary>
    public static readonly string GenesisPrev = new('0', 64);

    public string? Attr(string key) => Attrs.TryGetValue(key, out var value) ? value : null;
}
