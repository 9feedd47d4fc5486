namespace FedBioMed.Federation.Audit;

/// <summary>
/// A node's privacy policy as recorded in its trail (<see cref="AuditEvents.Policy"/>); null: no requirement.
/// <c>MaxEpsilon</c>, <c>MinNoiseMultiplier</c> and <c>RequireDp</c> bind training rounds (a training round
/// without DP noise breaks a policy with either of the first or the third); round-0 feature statistics are not
/// priced in ε and are allowed when <c>AllowFeatureStatistics</c> is set, under secure aggregation if
/// <c>RequireSecAgg</c> is.
/// </summary>
public sealed record AuditPolicy(
    int? MinThreshold = null,
    int? MinCohortSize = null,
    double? MaxEpsilon = null,
    double? MinNoiseMultiplier = null,
    bool RequireSecAgg = false,
    bool RequireDp = false,
    bool AllowFeatureStatistics = true);

/// <summary>The differential-privacy parameters a round announces (<see cref="AuditEvents.RoundStart"/>).</summary>
public sealed record AuditDpParameters(double NoiseMultiplier, double? ClipNorm = null, double? Epsilon = null, double? Delta = null);
