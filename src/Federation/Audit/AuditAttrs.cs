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
    /// <summary>What the round computes (<see cref="AuditTasks"/>); absent in older trails, which mean training.</summary>
    public const string Task = "task";

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
    public const string RequireDp = "require_dp";
    public const string AllowFeatureStatistics = "allow_feature_statistics";

    public const string Epsilon = "epsilon";
    public const string Delta = "delta";

    /// <summary>
    /// A node's step record (<see cref="AuditRecorder.Step"/>): the reply's event and attributes, and the message that caused
    /// it under this prefix: its event as <see cref="ReceivedEvent"/>, each of its attributes as <c>received.KEY</c>.
    /// </summary>
    public const string ReceivedPrefix = "received.";

    /// <summary>The event of the received message in a step record.</summary>
    public const string ReceivedEvent = ReceivedPrefix + "event";

    /// <summary><paramref name="key"/> as a step record carries it for the received message (<see cref="ReceivedPrefix"/>).</summary>
    public static string Received(string key) => ReceivedKeys.GetOrAdd(key, static k => ReceivedPrefix + k);

    // The few keys a received message has, prefixed once rather than per record.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ReceivedKeys = new(StringComparer.Ordinal);
}

/// <summary>Values of <see cref="AuditAttrs.Task"/> in a round.start.</summary>
public static class AuditTasks
{
    /// <summary>A training round: each node's update goes into the aggregate.</summary>
    public const string Train = "train";
    /// <summary>Round 0 of a standardizing plan: each node's feature sums (Σx, Σx², count) go into the aggregate.</summary>
    public const string Statistics = "statistics";
}

/// <summary>
/// Type names of the messages outside SecAgg+ that trails record (<see cref="AuditEvents.MessageSent"/>);
/// SecAgg+ messages carry their class name.
/// </summary>
public static class AuditMessageTypes
{
    /// <summary>Researcher → node: the training (or statistics, or evaluation) request with its global model (<see cref="AuditDigest.TrainingRequest"/>).</summary>
    public const string TrainingRequest = "TrainingRequest";
    /// <summary>Node → researcher: the reply to a training request (<see cref="AuditDigest.TrainingReply"/>).</summary>
    public const string TrainingReply = "TrainingReply";
    /// <summary>Node → researcher: an update (or round-0 statistics) in the clear, in a round without secure aggregation (<see cref="AuditDigest.PlainUpdate"/>).</summary>
    public const string PlainUpdate = "PlainUpdate";
    /// <summary>Researcher → node: the round's result as the round outcome names it (the new model's SHA-256; round 0: that of the statistics sum).</summary>
    public const string GlobalModel = "GlobalModel";
}

/// <summary>Roles named in a trail header.</summary>
public static class AuditRoles
{
    public const string Researcher = "researcher";
    public const string Node = "node";
    public const string Authored = "authored";
    public const string Relayed = "relayed";
}
