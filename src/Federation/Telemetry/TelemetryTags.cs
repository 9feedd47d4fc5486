namespace FedBioMed.Federation.Telemetry;

/// <summary>Span attribute and metric tag names. Values are ids, sizes, counts and SHA-256 hex, never content.</summary>
public static class TelemetryTags
{
    public const string ExperimentId = "fedbiomed.experiment.id";
    public const string Round = "fedbiomed.round";
    public const string SessionId = "fedbiomed.session.id";
    public const string NodeId = "fedbiomed.node.id";
    public const string Participant = "fedbiomed.participant";
    public const string Role = "fedbiomed.role";
    public const string Stage = "fedbiomed.stage";
    public const string Task = "fedbiomed.task";
    public const string CohortSize = "fedbiomed.cohort.size";
    public const string Threshold = "fedbiomed.threshold";
    public const string Rounds = "fedbiomed.rounds";
    public const string PlanSha256 = "fedbiomed.plan.sha256";
    public const string PayloadSha256 = "fedbiomed.payload.sha256";
    public const string PayloadBytes = "fedbiomed.payload.bytes";
    public const string Direction = "direction";
    public const string Kind = "kind";

    /// <summary>An audit event to write into the participant's trail when the span ends.</summary>
    public const string AuditEvent = "audit.event";

    /// <summary>The participant whose trail gets the audit event.</summary>
    public const string AuditParticipant = "audit.participant";

    /// <summary>The run whose trail (of that participant) gets the audit event.</summary>
    public const string AuditRun = "audit.run";

    /// <summary>Prefix of the audit record's attributes: <c>audit.attr.&lt;key&gt;</c>.</summary>
    public const string AuditAttrPrefix = "audit.attr.";
}
