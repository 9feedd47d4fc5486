namespace FedBioMed.Researcher;

/// <summary>Settings of the researcher's server.</summary>
public sealed record ResearcherOptions
{
    /// <summary>Name nodes see in the challenge they sign. <value>Default "researcher".</value></summary>
    public string ResearcherId { get; init; } = "researcher";

    /// <summary>Largest payload (model or masked input) accepted from a node. <value>Default 2 GiB - 1.</value></summary>
    public long MaxPayloadBytes { get; init; } = int.MaxValue;

    /// <summary>
    /// The researcher's Ed25519 identity (it signs the researcher's audit trail); when null, it is loaded from
    /// (or created in) <see cref="IdentityKeyPath"/>, if set. <value>Default null.</value>
    /// </summary>
    public Aggregation.SecureAggregation.NodeIdentity? Identity { get; init; }

    /// <summary>File holding the researcher's identity key (hex), created on first use. <value>Default null.</value></summary>
    public string? IdentityKeyPath { get; init; }

    /// <summary>
    /// Folder of the researcher's signed audit trail (<c>researcher.audit.jsonl</c>); null: no trail, and no cost.
    /// Needs an identity. <value>Default null.</value>
    /// </summary>
    public string? AuditDirectory { get; init; }

    /// <summary>
    /// The run id every trail of this run carries: nodes receive it when admitted (<c>Admitted.run_id</c>). ASCII letters,
    /// digits, '-', '_', '.' (<see cref="Federation.Audit.AuditTrails.IsValidRunId"/>). <value>Default: a fresh random id.</value>
    /// </summary>
    public string AuditRunId { get; init; } = "run-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// How long a message to a node may wait for room in the node's full outbound queue (64 messages, after the stream's
    /// own buffers) before the node is dropped: a node that stops reading its stream would otherwise stall the rounds of
    /// every other node. <value>Default 60 s.</value>
    /// </summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Telemetry exporters (OTLP, console, Prometheus); null: none. <value>Default null.</value></summary>
    public Federation.Telemetry.TelemetryOptions? Telemetry { get; init; }

    public void Validate()
    {
        if (AuditDirectory is not null && Identity is null && IdentityKeyPath is null)
            throw new ArgumentException("Researcher:AuditDirectory needs an identity to sign the trail (Researcher:IdentityKeyPath)");
        if (!Federation.Audit.AuditTrails.IsValidRunId(AuditRunId))
            throw new ArgumentException("Researcher:AuditRunId: " + Federation.Audit.AuditTrails.InvalidRunIdMessage(AuditRunId));
        Telemetry?.Validate();
        if (string.IsNullOrWhiteSpace(ResearcherId)) throw new ArgumentException("Researcher:ResearcherId must not be empty");
        if (MaxPayloadBytes < 1) throw new ArgumentException($"Researcher:MaxPayloadBytes {MaxPayloadBytes} must be positive");
        if (SendTimeout <= TimeSpan.Zero) throw new ArgumentException($"Researcher:SendTimeout {SendTimeout} must be positive");
    }
}
