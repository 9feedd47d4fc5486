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
        CheckWithheldShares(trails, findings);
    }

    /// <summary>
    /// Protocol §12.1: the server forwards v's share to u when it accepted v's shares and u also sent one
    /// to v. Using the researcher's trail for "accepted before it forwarded", a node whose ForwardedShares
    /// lacks such a share was cut off from it (which can push it below the threshold, or drop a pair mask).
    /// </summary>
    private static void CheckWithheldShares(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        var researcher = trails.FirstOrDefault(t => t.IsResearcher);
        if (researcher is null) return;
        // Per node and round, the receivers its EncryptedShares was addressed to, and the share digests.
        var sharesTo = new Dictionary<(RoundKey, string), Dictionary<string, string>>();
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => !t.IsResearcher), AuditEvents.MessageSent))
        {
            if (item.Record.Attr(AuditAttrs.Type) != "EncryptedShares") continue;
            sharesTo[(round, item.Participant)] = AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Authored))
                .GroupBy(p => p.Owner, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
        }
        var accepted = new Dictionary<RoundKey, HashSet<string>>();
        var forwardedBefore = new Dictionary<(RoundKey, string), HashSet<string>>();
        foreach (var record in researcher.Valid)
        {
            if (RoundKey.Of(record) is not { } round) continue;
            if (record.Event == AuditEvents.MessageReceived && record.Attr(AuditAttrs.Type) == "EncryptedShares" && record.Attr(AuditAttrs.From) is { } from)
            {
                if (!accepted.TryGetValue(round, out var set)) accepted[round] = set = new(StringComparer.Ordinal);
                set.Add(from);
            }
            if (record.Event == AuditEvents.MessageSent && record.Attr(AuditAttrs.Type) == "ForwardedShares" && record.Attr(AuditAttrs.To) is { } to)
                forwardedBefore[(round, to)] = [.. accepted.GetValueOrDefault(round) ?? []];
        }
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => !t.IsResearcher), AuditEvents.MessageReceived))
        {
            if (item.Record.Attr(AuditAttrs.Type) != "ForwardedShares") continue;
            var u = item.Participant;
            if (!sharesTo.TryGetValue((round, u), out var mine) || !forwardedBefore.TryGetValue((round, u), out var senders)) continue;
            var got = AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Relayed)).Select(p => p.Owner).ToHashSet(StringComparer.Ordinal);
            var withheld = senders
                .Where(v => v != u && mine.ContainsKey(v) && sharesTo.TryGetValue((round, v), out var theirs) && theirs.ContainsKey(u) && !got.Contains(v))
                .Order(StringComparer.Ordinal).ToArray();
            if (withheld.Length > 0)
                findings.Add(item.Finding(AuditRules.Withheld,
                    $"in {round}, '{u}' was not forwarded the shares of {TrailRecords.Describe(withheld)}, although the researcher had them before forwarding and '{u}' sent its own shares to them"));
        }
    }
}
