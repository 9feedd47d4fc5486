namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// "Never both shares of one owner": per round, no node was asked for (or revealed) the SelfMaskSeed and
/// the MaskingKey share of the same owner; and no owner had SelfMaskSeed shares revealed by some holders
/// while others revealed its MaskingKey shares (the colluding-holder attack of protocol §17 item 1).
/// A node's own trail is the evidence first; the researcher's records of what it asked or got are used
/// for nodes whose trail does not show the violation.
/// </summary>
internal static class UnmaskCheck
{
    private const string Seed = "SelfMaskSeed";
    private const string MaskingKey = "MaskingKey";

    public static void Check(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        // (round, node, owner) → first record showing each kind, and whether that kind was revealed.
        var perNode = new Dictionary<(RoundKey, string, string), Dictionary<string, (TrailRecord Record, bool Revealed)>>();
        var ordered = trails.OrderBy(t => t.IsResearcher ? 1 : 0);
        var reported = new HashSet<(RoundKey, string, string)>();
        foreach (var trail in ordered)
        {
            foreach (var record in trail.Valid)
            {
                var revealed = record.Event == AuditEvents.UnmaskRevealed;
                if (!revealed && record.Event != AuditEvents.UnmaskRequested) continue;
                if (RoundKey.Of(record) is not { } round) continue;
                var node = record.Attr(AuditAttrs.Node) ?? record.Participant;
                if (!trail.IsResearcher && node != trail.Participant) continue;
                var item = new TrailRecord(trail, record);
                foreach (var (owner, kind) in AuditLists.SplitPairs(record.Attr(revealed ? AuditAttrs.Revealed : AuditAttrs.Requests)))
                {
                    var key = (round, node, owner);
                    if (!perNode.TryGetValue(key, out var kinds)) perNode[key] = kinds = new(StringComparer.Ordinal);
                    if (!kinds.TryGetValue(kind, out var seen)) kinds[kind] = (item, revealed);
                    else if (revealed && !seen.Revealed) kinds[kind] = (seen.Record, true);
                    if (kinds.ContainsKey(Seed) && kinds.ContainsKey(MaskingKey) && reported.Add(key))
                        findings.Add(item.Finding(AuditRules.BothShares, BothMessage(round, node, owner, kinds)));
                }
            }
        }
        CheckSplitKinds(trails, findings);
        CheckContradictions(trails, findings);
    }

    /// <summary>A request for a survivor's masking key, or for a dropped node's seed, in the same record's survivor set.</summary>
    private static void CheckContradictions(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        foreach (var (round, item) in TrailRecords.InRounds(trails.Where(t => !t.IsResearcher), AuditEvents.UnmaskRequested))
        {
            if (item.Record.Attr(AuditAttrs.Survivors) is not { } list) continue;
            var survivors = AuditLists.Split(list).ToHashSet(StringComparer.Ordinal);
            var wrong = AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Requests))
                .Where(r => (r.Kind == MaskingKey && survivors.Contains(r.Owner)) || (r.Kind == Seed && !survivors.Contains(r.Owner)))
                .Select(r => $"{r.Owner}:{r.Kind}").ToArray();
            if (wrong.Length > 0)
                findings.Add(item.Finding(AuditRules.Contradicts, $"in {round}, '{item.Participant}' was asked for {string.Join(", ", wrong)}, which contradicts the survivor set in the same request"));
        }
    }

    private static string BothMessage(RoundKey round, string node, string owner, Dictionary<string, (TrailRecord Record, bool Revealed)> kinds)
    {
        var seed = kinds[Seed];
        var key = kinds[MaskingKey];
        var what = seed.Revealed && key.Revealed ? "revealed both"
            : $"was asked for both (revealed: {(seed.Revealed ? Seed : key.Revealed ? MaskingKey : "none")})";
        return $"in {round}, node '{node}' {what} the {Seed} and the {MaskingKey} share of owner '{owner}' (records {seed.Record.Record.Seq} and {key.Record.Record.Seq} of '{seed.Record.Participant}'{(seed.Record.Trail == key.Record.Trail ? "" : $" / '{key.Record.Participant}'")})";
    }

    private static void CheckSplitKinds(IReadOnlyList<CheckedTrail> trails, List<AuditFinding> findings)
    {
        // Prefer what each node says it revealed; fall back on the researcher's record of what it received.
        var revealedBy = new Dictionary<(RoundKey, string), Dictionary<string, Dictionary<string, TrailRecord>>>();
        var nodeTrails = trails.Where(t => !t.IsResearcher).Select(t => t.Participant!).ToHashSet(StringComparer.Ordinal);
        foreach (var (round, item) in TrailRecords.InRounds(trails, AuditEvents.UnmaskRevealed))
        {
            var node = item.Record.Attr(AuditAttrs.Node) ?? item.Participant;
            if (item.Trail.IsResearcher ? nodeTrails.Contains(node) : node != item.Participant) continue;
            foreach (var (owner, kind) in AuditLists.SplitPairs(item.Record.Attr(AuditAttrs.Revealed)))
            {
                if (!revealedBy.TryGetValue((round, owner), out var kinds)) revealedBy[(round, owner)] = kinds = new(StringComparer.Ordinal);
                if (!kinds.TryGetValue(kind, out var holders)) kinds[kind] = holders = new(StringComparer.Ordinal);
                holders.TryAdd(node, item);
            }
        }
        foreach (var ((round, owner), kinds) in revealedBy)
        {
            if (!kinds.TryGetValue(Seed, out var seeds) || !kinds.TryGetValue(MaskingKey, out var keys)) continue;
            var minority = keys.Count <= seeds.Count ? keys : seeds;
            var first = minority.Values.OrderBy(r => r.Participant, StringComparer.Ordinal).First();
            findings.Add(first.Finding(AuditRules.SplitKinds,
                $"in {round}, owner '{owner}' had {Seed} shares revealed by {TrailRecords.Describe(seeds.Keys.Order(StringComparer.Ordinal).ToArray())} and {MaskingKey} shares by {TrailRecords.Describe(keys.Keys.Order(StringComparer.Ordinal).ToArray())}: the server may hold both of its secrets"));
        }
    }
}
