namespace FedBioMed.Federation.Audit;

/// <summary>Attribute keys of audit records (see <see cref="AuditEvents"/> for which event carries which).</summary>
public static class AuditAttrs
{
    public const string PublicKey = "public_key";
    public const string Run = "run";
    public const string Role = "role";
    public const string Format = "format";

    public const string Type = "type";
    public const string Sha256 = "sha256";
    public const string From = "from";
    public const string To = "to";
    public const string Bytes = "bytes";
    public const string Count = "count";
    public const string Node = "node";
    public const string Authored = "authored";
    public const string Relayed = "relayed";

    public const string ConfigSha256 = "config_sha256";
    public const string SecAgg = "secagg";
    public const string Threshold = "threshold";
    public const string Degree = "degree";
    public const string Cohort = "cohort";
    public const string CohortSize = "cohort_size";
    public const string WordBits = "word_bits";
    public const string VectorLength = "vector_length";
    public const string DpNoiseMultiplier = "dp.noise_multiplier";
    public const string DpClipNorm = "dp.clip_norm";
    public const string DpEpsilon = "dp.epsilon";
    public const string DpDelta = "dp.delta";

    public const string Survivors = "survivors";
    public const string SurvivorsSha256 = "survivors_sha256";
    public const string Requests = "requests";
    public const string Revealed = "revealed";
    public const string Reason = "reason";
    public const string Message = "message";
    public const string ModelSha256 = "model_sha256";
    public const string Dropped = "dropped";

    public const string MinThreshold = "min_threshold";
    public const string MinCohortSize = "min_cohort_size";
    public const string MaxEpsilon = "max_epsilon";
    public const string MinNoiseMultiplier = "min_noise_multiplier";
    public const string RequireSecAgg = "require_secagg";

    public const string Epsilon = "epsilon";
    public const string Delta = "delta";
}

/// <summary>Roles named in a trail header.</summary>
public static class AuditRoles
{
    public const string Researcher = "researcher";
    public const string Node = "node";
    public const string Authored = "authored";
    public const string Relayed = "relayed";
}
