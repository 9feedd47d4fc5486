using System.Globalization;

namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Each node's rounds met the policy it recorded last before them: threshold, cohort size, secure
/// aggregation and DP parameters in its round.start (unless it refused that round, which is the policy
/// working), and the ε in its dp.spent records.
/// </summary>
internal static class PolicyCheck
{
    public static void Check(CheckedTrail trail, List<AuditFinding> findings)
    {
        if (trail.IsResearcher) return;
        AuditRecord? policy = null;
        var refused = trail.Valid.Where(r => r.Event == AuditEvents.Refused).Select(RoundKey.Of).OfType<RoundKey>().ToHashSet();
        foreach (var record in trail.Valid)
        {
            if (record.Event == AuditEvents.Policy)
            {
                policy = record;
                continue;
            }
            if (policy is null || RoundKey.Of(record) is not { } round) continue;
            var item = new TrailRecord(trail, record);
            if (record.Event == AuditEvents.RoundStart && !refused.Contains(round))
            {
                foreach (var violation in Violations(policy, record))
                    findings.Add(item.Finding(AuditRules.Policy, $"in {round}, '{trail.Participant}' took part although {violation} (policy record {policy.Seq})"));
            }
            else if (record.Event == AuditEvents.DpSpent && Number(policy, AuditAttrs.MaxEpsilon) is { } maxEpsilon
                && Number(record, AuditAttrs.Epsilon) is { } epsilon && epsilon > maxEpsilon)
            {
                findings.Add(item.Finding(AuditRules.Policy, $"in {round}, '{trail.Participant}' has spent ε = {epsilon.ToString(CultureInfo.InvariantCulture)}, more than its policy's {maxEpsilon.ToString(CultureInfo.InvariantCulture)} (policy record {policy.Seq})"));
            }
        }
    }

    private static IEnumerable<string> Violations(AuditRecord policy, AuditRecord start)
    {
        if (Number(policy, AuditAttrs.MinThreshold) is { } minT && start.Attr(AuditAttrs.SecAgg) == "true" && (Number(start, AuditAttrs.Threshold) ?? 0) < minT)
            yield return $"threshold {start.Attr(AuditAttrs.Threshold)} is below its minimum {policy.Attr(AuditAttrs.MinThreshold)}";
        if (Number(policy, AuditAttrs.MinCohortSize) is { } minN && (Number(start, AuditAttrs.CohortSize) ?? 0) < minN)
            yield return $"cohort size {start.Attr(AuditAttrs.CohortSize)} is below its minimum {policy.Attr(AuditAttrs.MinCohortSize)}";
        if (policy.Attr(AuditAttrs.RequireSecAgg) == "true" && start.Attr(AuditAttrs.SecAgg) != "true")
            yield return "the round has no secure aggregation and the policy requires it";
        if (Number(policy, AuditAttrs.MinNoiseMultiplier) is { } minZ && !((Number(start, AuditAttrs.DpNoiseMultiplier) ?? double.NegativeInfinity) >= minZ))
            yield return $"noise multiplier {start.Attr(AuditAttrs.DpNoiseMultiplier) ?? "(none)"} is below its minimum {policy.Attr(AuditAttrs.MinNoiseMultiplier)}";
        if (Number(policy, AuditAttrs.MaxEpsilon) is { } maxE && !((Number(start, AuditAttrs.DpEpsilon) ?? double.PositiveInfinity) <= maxE))
            yield return $"the round's ε budget {start.Attr(AuditAttrs.DpEpsilon) ?? "(none: no DP)"} exceeds its maximum {policy.Attr(AuditAttrs.MaxEpsilon)}";
    }

    private static double? Number(AuditRecord record, string key) =>
        record.Attr(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
