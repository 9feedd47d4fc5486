namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// Which telemetry exporters a host turns on (bindable from configuration, e.g. a <c>Telemetry</c> section).
/// Nothing is exported unless asked.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>The service name on every span and metric. <value>Default "fedbiomed".</value></summary>
    public string ServiceName { get; init; } = "fedbiomed";

    /// <summary>
    /// Export traces and metrics over OTLP, configured by the standard variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, …). <value>Default false.</value>
    /// </summary>
    public bool Otlp { get; init; }

    /// <summary>Write spans and metrics to the console. <value>Default false.</value></summary>
    public bool Console { get; init; }

    /// <summary>
    /// Serve a Prometheus scrape endpoint (ASP.NET Core hosts: map it with
    /// <see cref="TelemetryServiceCollectionExtensions.MapFedBioMedPrometheus"/>). <value>Default false.</value>
    /// </summary>
    public bool Prometheus { get; init; }

    /// <summary>Path of the scrape endpoint. <value>Default "/metrics".</value></summary>
    public string PrometheusPath { get; init; } = "/metrics";

    /// <summary>
    /// Write the audit trails from the spans: adds <see cref="Audit.AuditTrailProcessor"/> over the
    /// <see cref="Audit.AuditTrails"/> singleton (into which the host adds its participants' writers) and
    /// samples every federation span, since a dropped span would be a missing record. <value>Default false.</value>
    /// </summary>
    public bool AuditTrail { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceName)) throw new ArgumentException("Telemetry:ServiceName must not be empty");
        if (Prometheus && (string.IsNullOrEmpty(PrometheusPath) || PrometheusPath[0] != '/'))
            throw new ArgumentException($"Telemetry:PrometheusPath '{PrometheusPath}' must start with '/'");
    }
}
