namespace FedBioMed.Cli.Demo;

/// <summary>Audit and telemetry settings of an in-process federation.</summary>
public sealed record FederationObservability
{
    /// <summary>Folder for one signed trail per participant (and keys/ with the roster and researcher key); null: no audit.</summary>
    public string? AuditDirectory { get; init; }

    /// <summary>The researcher's telemetry exporters; null: none.</summary>
    public Federation.Telemetry.TelemetryOptions? ResearcherTelemetry { get; init; }

    /// <summary>The nodes' telemetry exporters; null: none.</summary>
    public Federation.Telemetry.TelemetryOptions? NodeTelemetry { get; init; }

    /// <summary>Loopback port of the researcher's Prometheus scrape endpoint (with <c>ResearcherTelemetry.Prometheus</c>); null: none.</summary>
    public int? PrometheusPort { get; init; }
}
