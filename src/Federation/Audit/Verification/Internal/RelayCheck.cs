namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// The server only relays what nodes wrote: every advertisement, encrypted share and consistency
/// signature a node received inside a server message must be an item its author's trail shows sending
/// in that round (same digest, which covers the round header, the keys, the ciphertext and the receiver).
/// A substituted key, a forged or readdressed share, or a message replayed from another round shows here.
/// </summary>
internal static class RelayCheck
{
    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        var present = trails.Where(t => !t.IsResearcher).Select(t => t.Participant!).ToHashSet(StringComparer.Ordinal);
        var authored = new HashSet<(RoundKey, string, string)>();
        foreach (var (round, item) in TrailRecords.InRounds(trails, AuditEvents.MessageSent))
        {
            if (item.Record.Attr(AuditAttrs.From) != item.Participant) continue;
            foreach (var (_, sha) in AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Authored))) authored.Add((round, item.Participant, sha));
        }
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => !t.IsResearcher), AuditEvents.MessageReceived))
        {
            var bad = AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Relayed))
                .Where(r => present.Contains(r.Owner) && !authored.Contains((round, r.Owner, r.Kind)))
                .ToArray();
            if (bad.Length == 0) continue;
            var list = string.Join(", ", bad.Select(b => $"'{b.Owner}' ({ChainCheck.Short(b.Kind)})"));
            findings.Add(item.Finding(AuditRules.Relay,
                $"in {round}, '{item.Participant}' received {item.Record.Attr(AuditAttrs.Type)} from '{item.Record.Attr(AuditAttrs.From)}' relaying items attributed to {list} that their authors' trails do not show sending in this round: altered, substituted or replayed by the relay"));
        }
    }
}
