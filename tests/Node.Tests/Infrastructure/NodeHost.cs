using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>A node as `fedbiomed node start` runs it (a generic host with the node worker), with its identity and roster given.</summary>
internal static class NodeHost
{
    /// <summary>The node's log event ids (NodeLog) the tests wait for.</summary>
    public const int ConnectedEvent = 2001, ConnectionFailedEvent = 2002, StoppingEvent = 2006, RunRefusedEvent = 2007;

    public static NodeOptions Options(NodeIdentity identity, string researcherUrl, string dataDirectory) => new()
    {
        NodeId = identity.Id,
        ResearcherUrl = researcherUrl,
        DataDirectory = dataDirectory,
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    };

    public static IHost Build(NodeOptions options, NodeIdentity identity, Roster roster, LogRecorder log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(roster);
        builder.Services.AddFedBioMedNode(options);
        return builder.Build();
    }
}
