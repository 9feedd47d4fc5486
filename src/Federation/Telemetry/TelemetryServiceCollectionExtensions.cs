using System.Diagnostics;
using FedBioMed.Federation.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
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

        // The federation's own spans only where an exporter sends them: a host that only keeps an audit trail needs its audit
        // spans, and building the others (heard by every tracer provider in the process) cost it CPU every round for nobody.
        // Metrics stay registered: a host may add its own reader to the federation's meter.
        var exportsSpans = options.Otlp || options.Console;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                if (exportsSpans) tracing.AddSource(FederationTelemetry.Name);
                // Every federation span, whatever its parent: the gRPC stream's ASP.NET Core and HttpClient activities are
                // unsampled, and the SDK's parent-based default would drop the spans under them (and audit spans with them).
                tracing.SetSampler(new AlwaysOnSampler());
                if (options.AuditTrail)
                {
                    // Only this participant's audit events (all of them when the participant is not named).
                    tracing.AddSource(FederationTelemetry.AuditSourceName(options.Participant ?? "*"));
                    tracing.AddProcessor(sp => new AuditTrailProcessor(sp.GetRequiredService<AuditTrails>(), options.ExportAuditEvents));
                }
                if (options.Otlp || options.Console)
                {
                    // The usual exporters, built as AddOtlpExporter/AddConsoleExporter build them (OTLP from the OTEL_* variables),
                    // behind the filter that keeps other participants' spans out when the process hosts several.
                    var exporters = new List<BaseProcessor<Activity>>();
                    if (options.Otlp)
                    {
                        var batch = new BatchExportActivityProcessorOptions(); // reads OTEL_BSP_* as AddOtlpExporter would
                        exporters.Add(new BatchActivityExportProcessor(new OtlpTraceExporter(new OtlpExporterOptions()), maxQueueSize: batch.MaxQueueSize,
                            scheduledDelayMilliseconds: batch.ScheduledDelayMilliseconds, exporterTimeoutMilliseconds: batch.ExporterTimeoutMilliseconds,
                            maxExportBatchSize: batch.MaxExportBatchSize));
                    }
                    if (options.Console) exporters.Add(new SimpleActivityExportProcessor(new ConsoleActivityExporter(new ConsoleExporterOptions())));
                    tracing.AddProcessor(options.Participant is { } participant
                        ? new OwnSpansExportProcessor(participant, exporters)
                        : new CompositeProcessor<Activity>(exporters));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FederationTelemetry.Name);
                if (options.Participant is { } participant)
                {
                    // Only this participant's measurements (and those no participant was named for): where the process hosts
                    // several, the other participants' instruments are never enabled here.
                    metrics.AddView(instrument => FederationTelemetry.MeterParticipant(instrument.Meter) is { } owner
                        && !string.Equals(owner, participant, StringComparison.Ordinal) ? MetricStreamConfiguration.Drop : null);
                }
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

    /// <summary>
    /// Telemetry for the host of one participant: registered when it keeps an audit trail (fed from its spans, so the
    /// pipeline is needed even without an exporter) or when <paramref name="configured"/> turns an exporter on; nothing
    /// otherwise. Its spans are marked as <paramref name="participant"/>'s (<see cref="TelemetryOptions.Participant"/>).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configured">The host's telemetry settings, if any.</param>
    /// <param name="participant">The node or researcher id.</param>
    /// <param name="serviceName">The service name when <paramref name="configured"/> is null.</param>
    /// <param name="auditTrail">Whether the host writes audit trails.</param>
    /// <param name="prometheusListener">As in <see cref="AddFedBioMedTelemetry(IServiceCollection, TelemetryOptions, bool)"/>.</param>
    public static IServiceCollection AddFedBioMedTelemetry(this IServiceCollection services, TelemetryOptions? configured, string participant, string serviceName,
        bool auditTrail, bool prometheusListener = false)
    {
        if (!auditTrail && configured is not ({ Otlp: true } or { Console: true } or { Prometheus: true })) return services;
        var options = configured ?? new TelemetryOptions { ServiceName = serviceName };
        if (auditTrail) options = options with { AuditTrail = true };
        return services.AddFedBioMedTelemetry(options with { Participant = participant }, prometheusListener);
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
