using FedBioMed.Federation;

namespace FedBioMed.Node;

/// <summary>Settings of a node, bound from the "Node" configuration section (appsettings.json, FEDBIOMED_Node__*, command line).</summary>
public sealed record NodeOptions
{
    /// <summary>This node's id in the federation roster.</summary>
    public string NodeId { get; set; } = "";

    /// <summary>The researcher's gRPC address, for example https://researcher.example:50051.</summary>
    public string ResearcherUrl { get; set; } = "";

    /// <summary>The researcher's name as it signs its challenges; the node's hello signs over it. <value>Default "researcher".</value></summary>
    public string ResearcherId { get; set; } = "researcher";

    /// <summary>Where the node keeps its SQLite database and identity key. <value>Default "./node-data".</value></summary>
    public string DataDirectory { get; set; } = "node-data";

    /// <summary>The federation roster (JSON: node id → hex Ed25519 key). <value>Default "roster.json" in the data directory.</value></summary>
    public string? RosterPath { get; set; }

    /// <summary>Train only plans the operator approved. <value>Default true.</value></summary>
    public bool RequirePlanApproval { get; set; } = true;

    /// <summary>Where training may run: Auto uses a GPU only when one is present. <value>Default Cpu.</value></summary>
    public DeviceOption Device { get; set; } = DeviceOption.Cpu;

    /// <summary>Fraction of each dataset held out for validation. <value>Default 0.2.</value></summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Largest model the node accepts. <value>Default 1 GiB.</value></summary>
    public long MaxPayloadBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Share holders this node assumes may collude with a malicious researcher; it refuses SecAgg rounds whose
    /// threshold cannot withstand them (2t &gt; k + 1 + c). <value>Default 0.</value>
    /// </summary>
    public int AssumedColludingNodes { get; set; }

    /// <summary>The operator's privacy policy ("Node:Privacy").</summary>
    public Privacy.NodePrivacyPolicy Privacy { get; set; } = new();

    /// <summary>First reconnect delay; it doubles up to <see cref="MaxReconnectDelay"/>. <value>Default 1 s.</value></summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><value>Default 30 s.</value></summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Folder of the node's signed audit trails, one per run (<c>NODE_ID.RUN_ID.audit.jsonl</c>, signed with the node's
    /// identity key), opened when the researcher admits the node for that run; null: no trail, and no cost. <value>Default null.</value>
    /// </summary>
    public string? AuditDirectory { get; set; }

    /// <summary>
    /// The only run this node takes part in: a researcher that admits it for another run id is refused. Null: the node
    /// takes the run id the researcher gives. <value>Default null.</value>
    /// </summary>
    public string? AuditRunId { get; set; }

    /// <summary>Telemetry exporters ("Node:Telemetry": Otlp, Console); null: none. <value>Default null.</value></summary>
    public Federation.Telemetry.TelemetryOptions? Telemetry { get; set; }

    public string ResolvedRosterPath => RosterPath ?? Path.Combine(DataDirectory, "roster.json");

    /// <summary>Throws naming the first setting that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeId)) throw new ArgumentException("Node:NodeId must be set");
        if (!Uri.TryCreate(ResearcherUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ArgumentException($"Node:ResearcherUrl '{ResearcherUrl}' must be an absolute http(s) URL");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new ArgumentException("Node:DataDirectory must be set");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"Node:ValidationFraction {ValidationFraction} must be in (0, 1)");
        if (AssumedColludingNodes < 0) throw new ArgumentException($"Node:AssumedColludingNodes {AssumedColludingNodes} must be non-negative");
        Privacy.Validate();
        if (AuditDirectory is not null && string.IsNullOrWhiteSpace(AuditDirectory)) throw new ArgumentException("Node:AuditDirectory must not be blank (leave it unset for no trail)");
        if (AuditRunId is not null && !Federation.Audit.AuditTrails.IsValidRunId(AuditRunId))
            throw new ArgumentException("Node:AuditRunId: " + Federation.Audit.AuditTrails.InvalidRunIdMessage(AuditRunId));
        Telemetry?.Validate();
        if (MaxPayloadBytes < 1) throw new ArgumentException($"Node:MaxPayloadBytes {MaxPayloadBytes} must be positive");
        if (ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
            throw new ArgumentException($"Node:ReconnectDelay {ReconnectDelay} must be positive and at most Node:MaxReconnectDelay {MaxReconnectDelay}");
    }
}
