using FedBioMed.Federation;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node.Hosting;

/// <summary>Registers a FedBioMed node: storage, identity, roster, training and the connection worker.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>Binds <see cref="NodeOptions"/> from the "Node" section and registers the node.</summary>
    public static IServiceCollection AddFedBioMedNode(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new NodeOptions();
        configuration.GetSection("Node").Bind(options);
        return services.AddFedBioMedNode(options);
    }

    public static IServiceCollection AddFedBioMedNode(this IServiceCollection services, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new NodeDatabase(Path.Combine(options.DataDirectory, "node.db")));
        services.TryAddSingleton<DatasetStore>();
        services.TryAddSingleton<PlanStore>();
        services.TryAddSingleton<IRoundReplayGuard, SqliteRoundReplayGuard>();
        services.TryAddSingleton(_ => IdentityKeyFile.LoadOrCreate(options.NodeId, Path.Combine(options.DataDirectory, "identity.key")));
        services.TryAddSingleton(_ => RosterFile.Load(options.ResolvedRosterPath));
        services.TryAddSingleton(options.Privacy);
        services.TryAddSingleton<Privacy.PrivacyLedger>();
        services.TryAddSingleton<Privacy.RoundPrivacyCheck>();
        services.TryAddSingleton<LocalDataCatalog>();
        services.TryAddSingleton<TrainingTaskHandler>();
        services.TryAddSingleton<AuditTrails>();
        services.TryAddSingleton<Audit.NodeAuditTrails>();
        services.TryAddTransient<NodeConnection>();
        // The node has no HTTP server of its own: its Prometheus endpoint (opt-in) is an HttpListener at Telemetry:PrometheusUrl.
        // Auditing needs the OpenTelemetry pipeline too: the trails are fed from the spans.
        services.AddFedBioMedTelemetry(options.Telemetry, options.NodeId, "fedbiomed-node", auditTrail: options.AuditDirectory is not null, prometheusListener: true);
        services.AddHostedService(sp => new NodeWorker(sp, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NodeWorker>>())
        {
            HttpHandler = sp.GetService<HttpMessageHandler>(),
        });
        return services;
    }
}
