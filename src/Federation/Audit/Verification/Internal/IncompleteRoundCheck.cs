namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// A participant's round that started must end in its trail: round.result, refused or round.aborted
/// (a node's round also ends with unmask.revealed), unless a researcher's trail says the node dropped
/// out of that round, the round aborted, or the round completed without the node's unmask response.
/// With <see cref="MessageCheck"/> this is how a trail cut short is detected (its chain is still a valid
/// prefix): the cut shows when it removes the end of a round, or a message the other side received.
/// </summary>
internal static class IncompleteRoundCheck
{
    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        var dropped = new HashSet<(RoundKey, string)>();
        var revealed = new HashSet<(RoundKey, string)>();
        var completed = new HashSet<RoundKey>();
        var aborted = new HashSet<RoundKey>();
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => t.IsResearcher)))
        {
            switch (item.Record.Event)
            {
                case AuditEvents.RoundAborted:
                    aborted.Add(round);
                    break;
                case AuditEvents.UnmaskRevealed when item.Record.Attr(AuditAttrs.Node) is { } node:
                    revealed.Add((round, node));
                    break;
                case AuditEvents.RoundResult:
                    completed.Add(round);
                    foreach (var id in AuditLists.Split(item.Record.Attr(AuditAttrs.Dropped))) dropped.Add((round, id));
                    break;
            }
        }
        // The researcher's word that a node stopped: it dropped, the round aborted, or the round completed
        // without the node's unmask response. A node the researcher got a response from must show it.
        bool Excused(RoundKey round, string participant) =>
            aborted.Contains(round) || dropped.Contains((round, participant)) || (completed.Contains(round) && !revealed.Contains((round, participant)));

        foreach (var trail in trails)
        {
            var open = new Dictionary<RoundKey, AuditRecord>();
            foreach (var record in trail.Valid)
            {
                if (RoundKey.Of(record) is not { } round) continue;
                if (record.Event == AuditEvents.RoundStart) open[round] = record;
                var ends = record.Event is AuditEvents.RoundResult or AuditEvents.Refused or AuditEvents.RoundAborted
                    || (!trail.IsResearcher && record.Event == AuditEvents.UnmaskRevealed);
                if (ends) open.Remove(round);
                else if (open.ContainsKey(round)) open[round] = record;
            }
            foreach (var (round, last) in open)
            {
                if (!trail.IsResearcher && Excused(round, trail.Participant!)) continue;
                findings.Add(new AuditFinding(AuditRules.Incomplete, trail.Name, last.Seq,
                    $"{round} of '{trail.Participant}' never ends (last record {last.Seq}, {last.Event}; trail ends at record {trail.Valid[^1].Seq}): the trail was cut short or the participant stopped, and no researcher trail says it dropped"));
            }
        }
    }
}
