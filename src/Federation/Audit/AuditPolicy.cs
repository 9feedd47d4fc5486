namespace FedBioMed.Federation.Audit;

/// <summary>A node's privacy policy as recorded in its trail (<see cref="AuditEvents.Policy"/>); null: no requirement.</summary>
public sealed record AuditPolicy(
    int? MinThreshold = null,
    int? MinCohortSize = null,
    double? MaxEpsilon = null,
    double? MinNoiseMultiplier = null,
    bool RequireSecAgg = false);

/// <summary>The differential-privacy parameters a round announces (<see cref="AuditEvents.RoundStart"/>).</summary>
public sealed record AuditDpParameters(double NoiseMultiplier, double? ClipNorm = null, double? Epsilon = null, double? Delta = null);
