namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Within one participant's trail and one round: round.start first and once, ranked stage events never
/// going backwards, and no protocol step (keys, signatures, reveals) after the participant refused.
/// </summary>
internal static class StageOrderCheck
{
    private static readonly HashSet<string> StepsForbiddenAfterRefusal = new(StringComparer.Ordinal)
    {
        AuditEvents.KeysAdvertised, AuditEvents.ConsistencySigned, AuditEvents.UnmaskRevealed,
    };

    public static void Check(CheckedTrail trail, List<AuditFinding> findings)
    {
        var states = new Dictionary<RoundKey, (bool Started, int Rank, string Last, bool Refused)>();
        var highestRound = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in trail.Valid)
        {
            if (RoundKey.Of(record) is not { } round) continue;
            if (record.Event == AuditEvents.RoundStart)
            {
                // Nodes take rounds of an experiment in increasing order (replay guard, protocol §12.0).
                if (highestRound.TryGetValue(round.Experiment, out var highest) && round.Round < highest)
                    findings.Add(new TrailRecord(trail, record).Finding(AuditRules.StageOrder, $"round.start for {round} after round {highest} started: rounds go backwards"));
                highestRound[round.Experiment] = Math.Max(round.Round, highestRound.GetValueOrDefault(round.Experiment, long.MinValue));
            }
            var state = states.TryGetValue(round, out var known) ? known : (Started: false, Rank: -1, Last: "", Refused: false);
            var item = new TrailRecord(trail, record);
            if (record.Event == AuditEvents.Refused)
            {
                state.Refused = true;
            }
            else if (state.Refused && StepsForbiddenAfterRefusal.Contains(record.Event))
            {
                findings.Add(item.Finding(AuditRules.StageOrder, $"{record.Event} in {round} after '{trail.Participant}' refused the round"));
            }
            else if (AuditEvents.RankOf(record.Event) is { } rank)
            {
                if (record.Event == AuditEvents.RoundStart && state.Started)
                    findings.Add(item.Finding(AuditRules.StageOrder, $"a second round.start for {round}"));
                else if (!state.Started && record.Event != AuditEvents.RoundStart)
                    findings.Add(item.Finding(AuditRules.StageOrder, $"{record.Event} in {round} before round.start"));
                else if (rank < state.Rank)
                    findings.Add(item.Finding(AuditRules.StageOrder, $"{record.Event} in {round} after {state.Last}: stages out of order"));
                state.Started = true;
                if (rank >= state.Rank) (state.Rank, state.Last) = (rank, record.Event);
            }
            states[round] = state;
        }
    }
}
