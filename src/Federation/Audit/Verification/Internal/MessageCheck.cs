namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Trails agree on exchanged messages: each message.received by B from A (when A's trail is present)
/// must match a message.sent by A to B of the same type, round and hash. A sent message that never
/// arrived is not a violation (it may have been lost); one that arrived altered, or a receipt the
/// sender's trail does not show (a sender trail cut short, or a message the sender denies), is.
/// </summary>
internal static class MessageCheck
{
    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        var present = trails.Select(t => t.Participant!).ToHashSet(StringComparer.Ordinal);
        var sent = new Dictionary<(RoundKey, string, string, string), List<string>>();
        foreach (var (round, item) in TrailRecords.InRounds(trails, AuditEvents.MessageSent))
        {
            var r = item.Record;
            if (r.Attr(AuditAttrs.From) != item.Participant || r.Attr(AuditAttrs.To) is not { } to || r.Attr(AuditAttrs.Type) is not { } type || r.Attr(AuditAttrs.Sha256) is not { } sha) continue;
            var key = (round, item.Participant, to, type);
            if (!sent.TryGetValue(key, out var hashes)) sent[key] = hashes = [];
            hashes.Add(sha);
        }
        foreach (var (round, item) in TrailRecords.InRounds(trails, AuditEvents.MessageReceived))
        {
            var r = item.Record;
            if (r.Attr(AuditAttrs.From) is not { } from || !present.Contains(from) || r.Attr(AuditAttrs.Type) is not { } type || r.Attr(AuditAttrs.Sha256) is not { } sha) continue;
            var hashes = sent.GetValueOrDefault((round, from, item.Participant, type));
            if (hashes is not null && hashes.Remove(sha)) continue;
            var claim = hashes is { Count: > 0 } ? $"records sending {string.Join(", ", hashes.Select(ChainCheck.Short))}" : "records no such message";
            findings.Add(item.Finding(AuditRules.Message, $"in {round}, '{item.Participant}' received {type} from '{from}' with sha256 {ChainCheck.Short(sha)}, but the trail of '{from}' {claim}"));
        }
    }
}
