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
    /// Serve a Prometheus scrape endpoint: ASP.NET Core hosts (the researcher) map it on their own server with
    /// <see cref="TelemetryServiceCollectionExtensions.MapFedBioMedPrometheus"/>; hosts without one (the node) listen at
    /// <see cref="PrometheusUrl"/>. <value>Default false.</value>
    /// </summary>
    public bool Prometheus { get; init; }

    /// <summary>Path of the scrape endpoint. <value>Default "/metrics".</value></summary>
    public string PrometheusPath { get; init; } = "/metrics";

    /// <summary>
    /// Where a host without an HTTP server of its own (the node) listens for scrapes: <c>http://HOST:PORT/</c> for its
    /// HttpListener, serving <see cref="PrometheusPath"/> under it. Loopback by default, since metrics are not for
    /// everyone; <c>http://+:9464/</c> listens on every interface. ASP.NET Core hosts ignore it.
    /// <value>Default "http://127.0.0.1:9464/".</value>
    /// </summary>
    public string PrometheusUrl { get; init; } = "http://127.0.0.1:9464/";

    /// <summary>
    /// Write the audit trails from the spans: adds <see cref="Audit.AuditTrailProcessor"/> over the
    /// <see cref="Audit.AuditTrails"/> singleton (into which the host adds its participants' writers). Every federation
    /// span is sampled in any case, so no audit span is dropped. <value>Default false.</value>
    /// </summary>
    public bool AuditTrail { get; init; }

    /// <summary>
    /// With <see cref="AuditTrail"/>: also send the audit events' spans to the OTLP and console exporters. They always
    /// reach the trail; exported, they roughly double a round's span volume. <value>Default false.</value>
    /// </summary>
    public bool ExportAuditEvents { get; init; }

    /// <summary>
    /// The participant (node or researcher id) this host exports spans for; the hosting extensions fill it in. With it,
    /// spans that <see cref="FederationTelemetry.RunAs"/> marked as another participant's are not exported here.
    /// <value>Default null: export every federation span.</value>
    /// </summary>
    public string? Participant { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceName)) throw new ArgumentException("Telemetry:ServiceName must not be empty");
        if (Prometheus && (string.IsNullOrEmpty(PrometheusPath) || PrometheusPath[0] != '/'))
            throw new ArgumentException($"Telemetry:PrometheusPath '{PrometheusPath}' must start with '/'");
        if (Prometheus && ListenerEndpoint(PrometheusUrl) is null)
            throw new ArgumentException($"Telemetry:PrometheusUrl '{PrometheusUrl}' must be http://HOST:PORT/ (no path; HOST may be + for every interface)");
    }

    /// <summary>Host and port of <see cref="PrometheusUrl"/> for the node's listener.</summary>
    /// <exception cref="ArgumentException">It is not an http://HOST:PORT/ address.</exception>
    public (string Host, int Port) PrometheusListener() =>
        ListenerEndpoint(PrometheusUrl) ?? throw new ArgumentException($"Telemetry:PrometheusUrl '{PrometheusUrl}' must be http://HOST:PORT/");

    private static (string Host, int Port)? ListenerEndpoint(string? url)
    {
        if (string.IsNullOrEmpty(url)) return null;
        // HttpListener's wildcard hosts ('+', '*') are not URI hosts: parse the rest with a stand-in.
        var wildcard = url.StartsWith("http://+", StringComparison.Ordinal) ? "+" : url.StartsWith("http://*", StringComparison.Ordinal) ? "*" : null;
        var parsed = wildcard is null ? url : "http://wildcard" + url["http://+".Length..];
        if (!Uri.TryCreate(parsed, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/"
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return null;
        return (wildcard ?? uri.Host, uri.Port);
    }
}
