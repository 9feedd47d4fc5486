namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Within one participant's trail and one round: round.start first and once, ranked stage events never
/// going backwards, no protocol step (keys, signatures, reveals) after the participant refused, and
/// rounds of one experiment started in increasing order, with no protocol message of an earlier round
/// arriving once a later one started (a replay). The researcher talks to every node at once, so
/// its per-node events (those with a <c>node</c> attribute, its round start to each node included) are ordered per node,
/// after its round.start.
/// </summary>
internal static class StageOrderCheck
{
    private static readonly HashSet<string> StepsForbiddenAfterRefusal = new(StringComparer.Ordinal)
    {
        AuditEvents.KeysAdvertised, AuditEvents.ConsistencySigned, AuditEvents.UnmaskRevealed,
    };

    private static readonly HashSet<string> ServerMessageTypes = new(StringComparer.Ordinal)
    {
        "RoundStart", "AdvertisedKeys", "ForwardedShares", "SurvivorSet", "UnmaskRequest",
    };

    private sealed class Lane
    {
        public bool Started;
        public int Rank = -1;
        public string Last = "";
        public bool Refused;
    }

    public static void Check(CheckedTrail trail, List<AuditFinding> findings)
    {
        var lanes = new Dictionary<(RoundKey, string), Lane>();
        var highestRound = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in trail.Valid)
        {
            if (RoundKey.Of(record) is not { } round) continue;
            var item = new TrailRecord(trail, record);
            void Report(string message) => findings.Add(item.Finding(AuditRules.StageOrder, message));

            if (record.Event == AuditEvents.RoundStart)
            {
                // Nodes take rounds of an experiment in increasing order (replay guard, protocol §12.0).
                if (highestRound.TryGetValue(round.Experiment, out var highest) && round.Round < highest)
                    Report($"round.start for {round} after round {highest} started: rounds go backwards");
                highestRound[round.Experiment] = Math.Max(round.Round, highestRound.GetValueOrDefault(round.Experiment, long.MinValue));
            }

            else if (!trail.IsResearcher && record.Event == AuditEvents.MessageReceived && ServerMessageTypes.Contains(record.Attr(AuditAttrs.Type) ?? "")
                && highestRound.TryGetValue(round.Experiment, out var current) && round.Round < current)
            {
                Report($"{record.Attr(AuditAttrs.Type)} of {round} received after round {current} started: a message replayed from an earlier round");
            }

            var main = LaneOf(lanes, round, "");
            var lane = trail.IsResearcher && record.Attr(AuditAttrs.Node) is { } node ? LaneOf(lanes, round, node) : main;
            if (record.Event == AuditEvents.Refused)
            {
                lane.Refused = true;
            }
            else if (lane.Refused && StepsForbiddenAfterRefusal.Contains(record.Event))
            {
                Report($"{record.Event} in {round} after '{trail.Participant}' refused the round");
            }
            else if (AuditEvents.RankOf(record.Event) is { } rank)
            {
                if (record.Event == AuditEvents.RoundStart && lane.Started)
                    Report($"a second round.start for {round}");
                else if (!main.Started && record.Event != AuditEvents.RoundStart)
                    Report($"{record.Event} in {round} before round.start");
                else if (rank < lane.Rank)
                    Report($"{record.Event} in {round} after {lane.Last}: stages out of order");
                main.Started = lane.Started = true;
                if (rank >= lane.Rank) (lane.Rank, lane.Last) = (rank, record.Event);
            }
        }
    }

    private static Lane LaneOf(Dictionary<(RoundKey, string), Lane> lanes, RoundKey round, string node)
    {
        if (!lanes.TryGetValue((round, node), out var lane)) lanes[(round, node)] = lane = new Lane();
        return lane;
    }
}
