using FedBioMed.Aggregation.SecureAggregation;
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
        services.TryAddSingleton<ExperimentRunner>();
        return services;
    }

    public static IEndpointRouteBuilder MapFedBioMedResearcher(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<FederationEndpoint>();
        return endpoints;
    }
}
