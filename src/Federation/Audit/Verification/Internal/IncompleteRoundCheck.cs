namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// A participant's round that started must end in its trail: round.result, refused or round.aborted
/// (a node's round also ends with unmask.revealed), unless a researcher's trail says the participant
/// dropped out of that round or the round was aborted. This is how a trail cut short is detected: its
/// chain is still a valid prefix.
/// </summary>
internal static class IncompleteRoundCheck
{
    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        var excused = new HashSet<(RoundKey, string)>();
        var aborted = new HashSet<RoundKey>();
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => t.IsResearcher)))
        {
            if (item.Record.Event == AuditEvents.RoundAborted) aborted.Add(round);
            if (item.Record.Event == AuditEvents.RoundResult)
            {
                foreach (var id in AuditLists.Split(item.Record.Attr(AuditAttrs.Dropped))) excused.Add((round, id));
            }
        }

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
                if (aborted.Contains(round) || excused.Contains((round, trail.Participant!))) continue;
                findings.Add(new AuditFinding(AuditRules.Incomplete, trail.Name, last.Seq,
                    $"{round} of '{trail.Participant}' never ends (last record {last.Seq}, {last.Event}; trail ends at record {trail.Valid[^1].Seq}): the trail was cut short or the participant stopped, and no researcher trail says it dropped"));
            }
        }
    }
}
