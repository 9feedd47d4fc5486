using FedBioMed.Federation;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Researcher.Experiments;
using FedBioMed.Researcher.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FedBioMed.Researcher.Hosting;

/// <summary>Registers the researcher's gRPC endpoint, node registry and experiment runner.</summary>
public static class ResearcherServiceCollectionExtensions
{
    public static IServiceCollection AddFedBioMedResearcher(this IServiceCollection services, ResearcherOptions options, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(roster);
        options.Validate();
        services.AddGrpc(grpc =>
        {
            // Every message is a control message or a chunk of at most 1 MiB; anything larger is a bug or an attack.
            grpc.MaxReceiveMessageSize = 4 << 20;
            grpc.MaxSendMessageSize = 4 << 20;
        });
        services.TryAddSingleton(options);
        services.TryAddSingleton(roster);
        services.TryAddSingleton<NodeRegistry>();
        if (options.AuditDirectory is not null)
        {
            // The trail is fed from the spans: the runner's audit events become spans, and the audit-trail
            // processor in the OpenTelemetry pipeline hands them to the trail, which seals and writes them in batches.
            services.TryAddSingleton(_ =>
            {
                var trails = new AuditTrails();
                trails.Add(OpenAuditTrail(options));
                return trails;
            });
            services.TryAddSingleton<IAuditSink>(_ => new ActivityAuditSink(options.ResearcherId, options.AuditRunId));
        }
        else
        {
            services.TryAddSingleton<IAuditSink>(NullAuditSink.Instance);
        }
        services.AddFedBioMedTelemetry(options.Telemetry, options.ResearcherId, "fedbiomed-researcher", auditTrail: options.AuditDirectory is not null);
        services.TryAddSingleton<ExperimentRunner>();
        return services;
    }

    public static IEndpointRouteBuilder MapFedBioMedResearcher(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<FederationEndpoint>();
        if (endpoints.ServiceProvider.GetRequiredService<ResearcherOptions>().Telemetry is { Prometheus: true } telemetry)
            endpoints.MapFedBioMedPrometheus(telemetry);
        return endpoints;
    }

    /// <summary>The researcher's trail (its <see cref="AuditTrails"/> registry disposes it).</summary>
    private static BackgroundAuditSink OpenAuditTrail(ResearcherOptions options)
    {
        var directory = options.AuditDirectory!;
        var identity = options.Identity ?? IdentityKeyFile.LoadOrCreate(options.ResearcherId, options.IdentityKeyPath!);
        Directory.CreateDirectory(directory);
        // Signed and written off the protocol's path, in order.
        return new BackgroundAuditSink(new AuditTrailWriter(Path.Combine(directory, AuditTrails.FileName(options.ResearcherId)), options.ResearcherId, identity.Sign, identity.PublicKey,
            options.AuditRunId, TimeProvider.System, new AuditTrailOptions { Role = AuditRoles.Researcher }));
    }
}
