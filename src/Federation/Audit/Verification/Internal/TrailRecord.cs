namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>A signature-valid record with the trail it came from.</summary>
internal readonly record struct TrailRecord(CheckedTrail Trail, AuditRecord Record)
{
    public string Participant => Record.Participant;

    public AuditFinding Finding(string rule, string message) => new(rule, Trail.Name, Record.Seq, message);
}

/// <summary>One round of one experiment.</summary>
internal readonly record struct RoundKey(string Experiment, long Round)
{
    public static RoundKey? Of(AuditRecord record) =>
        record.Experiment is { } experiment && record.Round is { } round ? new RoundKey(experiment, round) : null;

    public override string ToString() => $"{Experiment} round {Round}";
}

internal static class TrailRecords
{
    /// <summary>Every trusted record of an event (or all events), with its round when it has one.</summary>
    public static IEnumerable<(RoundKey Round, TrailRecord Record)> InRounds(IEnumerable<CheckedTrail> trails, string? @event = null)
    {
        foreach (var trail in trails)
        {
            foreach (var record in trail.Valid)
            {
                if (@event is not null && record.Event != @event) continue;
                if (RoundKey.Of(record) is { } round) yield return (round, new TrailRecord(trail, record));
            }
        }
    }

    /// <summary>
    /// The value most participants hold (ties: the researcher's, then the ordinally smallest), for checks
    /// that report everyone who holds another value.
    /// </summary>
    public static string Reference(IEnumerable<(string Value, CheckedTrail Trail)> values)
    {
        var byValue = values.GroupBy(v => v.Value, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Participants: g.Select(v => v.Trail.Participant).Distinct(StringComparer.Ordinal).Count(), Researcher: g.Any(v => v.Trail.IsResearcher)))
            .OrderByDescending(g => g.Participants).ThenByDescending(g => g.Researcher).ThenBy(g => g.Value, StringComparer.Ordinal);
        return byValue.First().Value;
    }

    public static string Describe(IReadOnlyList<string> ids, int max = 8) =>
        ids.Count <= max ? $"[{string.Join(", ", ids)}]" : $"[{string.Join(", ", ids.Take(max))}, … {ids.Count} in all]";
}
