using FedBioMed.Federation.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FedBioMed.Federation.Telemetry;

/// <summary>Hosting: OpenTelemetry for the federation's source and meter, with the exporters the options ask for.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers OpenTelemetry tracing and metrics for <see cref="FederationTelemetry.Name"/> through
    /// OpenTelemetry.Extensions.Hosting (providers start and stop with the host), with OTLP, console and
    /// Prometheus exporters and the audit-trail processor as <paramref name="options"/> says.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">Which exporters to turn on.</param>
    /// <param name="prometheusListener">
    /// For hosts without an ASP.NET Core server (the node): serve Prometheus scrapes from an HttpListener at
    /// <see cref="TelemetryOptions.PrometheusUrl"/> instead of an endpoint the host maps (<see cref="MapFedBioMedPrometheus"/>).
    /// </param>
    public static IServiceCollection AddFedBioMedTelemetry(this IServiceCollection services, TelemetryOptions options, bool prometheusListener = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(options);
        if (options.AuditTrail) services.TryAddSingleton<AuditTrails>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(FederationTelemetry.Name);
                if (options.AuditTrail)
                {
                    tracing.SetSampler(new AuditSampler(options.ExportAuditEvents));
                    tracing.AddProcessor(sp => new AuditTrailProcessor(sp.GetRequiredService<AuditTrails>()));
                }
                if (options.Otlp) tracing.AddOtlpExporter();
                if (options.Console) tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FederationTelemetry.Name);
                if (options.Otlp) metrics.AddOtlpExporter();
                if (options.Console) metrics.AddConsoleExporter();
                if (options.Prometheus && prometheusListener)
                {
                    var (host, port) = options.PrometheusListener();
                    metrics.AddPrometheusHttpListener(listener =>
                    {
                        listener.Host = host;
                        listener.Port = port;
                        listener.ScrapeEndpointPath = options.PrometheusPath;
                    });
                }
                else if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint at <see cref="TelemetryOptions.PrometheusPath"/> when it is turned on.</summary>
    public static IEndpointRouteBuilder MapFedBioMedPrometheus(this IEndpointRouteBuilder endpoints, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prometheus) endpoints.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        return endpoints;
    }
}
