using FedBioMed.Federation.Telemetry;

namespace FedBioMed.Cli;

/// <summary>Telemetry exporters from the environment: OTLP when the standard OTEL_* variables name an endpoint, console on request.</summary>
internal static class TelemetrySettings
{
    /// <summary>The exporters the environment asks for, or null when it asks for none (then nothing is registered and nothing costs).</summary>
    public static TelemetryOptions? FromEnvironment(string serviceName, bool prometheus = false)
    {
        var otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        var console = Environment.GetEnvironmentVariable("FEDBIOMED_TELEMETRY_CONSOLE") is "1" or "true";
        if (!otlp && !console && !prometheus) return null;
        var name = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } configured ? configured : serviceName;
        return new TelemetryOptions { ServiceName = name, Otlp = otlp, Console = console, Prometheus = prometheus };
    }
}
