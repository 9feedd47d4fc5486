namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Everyone in a round agrees: the same parameters (round.start config digest), the same survivor set
/// (survivors.seen, the survivors of unmask.requested and round.result) and the same global model
/// (round.result). The value most participants hold is the reference; each participant that holds
/// another is reported once, on its own record where it has one.
/// </summary>
internal static class AgreementCheck
{
    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        Compare(trails, findings, [AuditEvents.RoundStart], AuditAttrs.ConfigSha256, AuditRules.Parameters, DescribeParameters);
        Compare(trails, findings, [AuditEvents.SurvivorsSeen, AuditEvents.UnmaskRequested, AuditEvents.RoundResult], AuditAttrs.SurvivorsSha256, AuditRules.Survivors,
            r => r.Attr(AuditAttrs.Survivors) is { } list ? $"survivors {TrailRecords.Describe(AuditLists.Split(list))}" : "a survivor set");
        Compare(trails, findings, [AuditEvents.RoundResult], AuditAttrs.ModelSha256, AuditRules.Model,
            r => $"global model {ChainCheck.Short(r.Attr(AuditAttrs.ModelSha256)!)}");
    }

    private static void Compare(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings, string[] events, string attr, string rule, Func<AuditRecord, string> describe)
    {
        var byRound = new Dictionary<RoundKey, List<(string Value, string Subject, TrailRecord Item)>>();
        foreach (var (round, item) in TrailRecords.InRounds(trails))
        {
            if (Array.IndexOf(events, item.Record.Event) < 0 || item.Record.Attr(attr) is not { } value) continue;
            // What the researcher sent one node counts as that node's view.
            var subject = item.Trail.IsResearcher && item.Record.Attr(AuditAttrs.Node) is { } node ? node : item.Participant;
            if (!byRound.TryGetValue(round, out var values)) byRound[round] = values = [];
            values.Add((value, subject, item));
        }
        foreach (var (round, values) in byRound)
        {
            var reference = TrailRecords.Reference(values.Select(v => (v.Value, v.Item.Trail)));
            var referenceRecord = values.Where(v => v.Value == reference).Select(v => v.Item.Record)
                .OrderBy(r => r.Attr(AuditAttrs.Survivors) is null ? 1 : 0).First();
            var holders = values.Where(v => v.Value == reference).Select(v => v.Subject).Distinct(StringComparer.Ordinal).Count();
            var reported = new HashSet<(string, string)>();
            // Own records first, so a node's own evidence is the one cited.
            foreach (var (value, subject, item) in values.Where(v => v.Value != reference).OrderBy(v => v.Subject == v.Item.Participant ? 0 : 1))
            {
                if (!reported.Add((subject, value))) continue;
                var whose = subject == item.Participant ? $"'{subject}' holds" : $"'{item.Participant}' gave '{subject}'";
                findings.Add(item.Finding(rule, $"in {round}, {whose} {describe(item.Record)} ({attr} {ChainCheck.Short(value)}) while {holders} participant(s) hold {describe(referenceRecord)} ({ChainCheck.Short(reference)})"));
            }
        }
    }

    private static string DescribeParameters(AuditRecord record)
    {
        var parts = new[] { AuditAttrs.Threshold, AuditAttrs.Degree, AuditAttrs.CohortSize, AuditAttrs.WordBits, AuditAttrs.VectorLength, AuditAttrs.DpNoiseMultiplier }
            .Where(k => record.Attr(k) is not null).Select(k => $"{k}={record.Attr(k)}");
        return $"parameters {string.Join(' ', parts)} session {ChainCheck.Short(record.Session ?? "-")}";
    }
}
