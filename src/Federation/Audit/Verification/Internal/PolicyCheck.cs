using System.Globalization;

namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Each node's rounds met the policy it recorded last before them, judged by the rule the node enforces
/// (protocol §16.4, §20): in every round it took part in (its round.start, unless it refused the round,
/// which is the policy working), secure aggregation if required and the threshold and cohort size; in a
/// training round also the DP parameters (no noise breaks a policy with <c>require_dp</c> or
/// <c>max_epsilon</c>); in a round-0 statistics round, which no ε prices, only that the policy allows
/// feature statistics. Also: the ε in its dp.spent records, and no update sent in the clear
/// (<see cref="AuditMessageTypes.PlainUpdate"/>) under a policy that requires secure aggregation.
/// </summary>
internal static class PolicyCheck
{
    public static void Check(CheckedTrail trail, List<AuditFinding> findings)
    {
        if (trail.IsResearcher) return;
        AuditRecord? policy = null;
        var refused = trail.Valid.Where(r => r.Event == AuditEvents.Refused).Select(RoundKey.Of).OfType<RoundKey>().ToHashSet();
        // Rounds whose own round.start already shows there was no secure aggregation (reported there, once).
        var plainRounds = trail.Valid.Where(r => r.Event == AuditEvents.RoundStart && r.Attr(AuditAttrs.SecAgg) != "true")
            .Select(RoundKey.Of).OfType<RoundKey>().ToHashSet();
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
            else if (record.Event == AuditEvents.MessageSent && record.Attr(AuditAttrs.Type) == AuditMessageTypes.PlainUpdate
                && policy.Attr(AuditAttrs.RequireSecAgg) == "true" && !plainRounds.Contains(round))
            {
                findings.Add(item.Finding(AuditRules.Policy, $"in {round}, '{trail.Participant}' sent its update in the clear although its policy requires secure aggregation (policy record {policy.Seq})"));
            }
        }
    }

    private static IEnumerable<string> Violations(AuditRecord policy, AuditRecord start)
    {
        var secAgg = start.Attr(AuditAttrs.SecAgg) == "true";
        if (Number(policy, AuditAttrs.MinThreshold) is { } minT && secAgg && (Number(start, AuditAttrs.Threshold) ?? 0) < minT)
            yield return $"threshold {start.Attr(AuditAttrs.Threshold)} is below its minimum {policy.Attr(AuditAttrs.MinThreshold)}";
        if (Number(policy, AuditAttrs.MinCohortSize) is { } minN && (Number(start, AuditAttrs.CohortSize) ?? 0) < minN)
            yield return $"cohort size {start.Attr(AuditAttrs.CohortSize) ?? "(unknown)"} is below its minimum {policy.Attr(AuditAttrs.MinCohortSize)}";
        if (policy.Attr(AuditAttrs.RequireSecAgg) == "true" && !secAgg)
            yield return "the round has no secure aggregation and the policy requires it";

        if (start.Attr(AuditAttrs.Task) == AuditTasks.Statistics)
        {
            // Round 0 reveals the federation's feature sums; it carries no DP noise and no ε prices it, so the
            // node accepts it on its own switch (RoundPrivacyCheck.CheckStatistics), not on its DP limits.
            if (policy.Attr(AuditAttrs.AllowFeatureStatistics) == "false")
                yield return "its policy does not allow federated feature statistics";
            yield break;
        }

        var noise = Number(start, AuditAttrs.DpNoiseMultiplier);
        var maxE = Number(policy, AuditAttrs.MaxEpsilon);
        var minNoise = Number(policy, AuditAttrs.MinNoiseMultiplier);
        if (noise is null && (policy.Attr(AuditAttrs.RequireDp) == "true" || maxE is not null || minNoise > 0))
        {
            var why = maxE is not null ? $"max ε {policy.Attr(AuditAttrs.MaxEpsilon)}" : minNoise > 0 ? $"min noise multiplier {policy.Attr(AuditAttrs.MinNoiseMultiplier)}" : "require_dp";
            yield return $"the round adds no DP noise and its policy requires differential privacy ({why})";
            yield break;
        }
        if (minNoise is { } minZ && !((noise ?? double.NegativeInfinity) >= minZ))
            yield return $"noise multiplier {start.Attr(AuditAttrs.DpNoiseMultiplier) ?? "(none)"} is below its minimum {policy.Attr(AuditAttrs.MinNoiseMultiplier)}";
        if (maxE is { } max && !((Number(start, AuditAttrs.DpEpsilon) ?? double.PositiveInfinity) <= max))
            yield return $"the round's ε budget {start.Attr(AuditAttrs.DpEpsilon) ?? "(unknown)"} exceeds its maximum {policy.Attr(AuditAttrs.MaxEpsilon)}";
    }

    private static double? Number(AuditRecord record, string key) =>
        record.Attr(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
