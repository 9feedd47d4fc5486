using System.Net;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Storage;
using FedBioMed.Researcher;
using FedBioMed.Researcher.Experiments;
using FedBioMed.Researcher.Hosting;
using FedBioMed.Researcher.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Cli.Demo;

/// <summary>
/// A researcher and several nodes in one process, each a real host, talking real gRPC over loopback.
/// Each node gets its own data directory with its SQLite database, identity key and data part (CSV, or any
/// registration the caller makes); its operator registers the dataset and approves the plan, as in a deployment.
/// </summary>
public sealed class InProcessFederation : IAsyncDisposable
{
    private readonly WebApplication _researcher;
    private readonly List<IHost> _nodes = [];
    private readonly string _root;

    private InProcessFederation(WebApplication researcher, string root, ScrapeSignal scrapes)
    {
        _researcher = researcher;
        _root = root;
        Scrapes = scrapes;
    }

    public NodeRegistry Registry => _researcher.Services.GetRequiredService<NodeRegistry>();

    public ExperimentRunner Runner => _researcher.Services.GetRequiredService<ExperimentRunner>();

    /// <summary>Researcher-side services (for tests that inspect them).</summary>
    public IServiceProvider ResearcherServices => _researcher.Services;

    /// <summary>
    /// Starts the researcher and one node per CSV file in <paramref name="nodeCsvFiles"/>, registers
    /// each node's dataset under <paramref name="tag"/>, approves <paramref name="plan"/>, and waits until
    /// every node is connected.
    /// </summary>
    public static Task<InProcessFederation> StartAsync(IReadOnlyList<string> nodeCsvFiles, string targetColumn, string tag, TrainingPlan plan,
        LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default, Action<NodeOptions>? configureNode = null,
        FederationObservability? observability = null)
    {
        ArgumentNullException.ThrowIfNull(nodeCsvFiles);
        var datasets = nodeCsvFiles
            .Select(file => (Func<string, DatasetRegistration>)(nodeId => new DatasetRegistration(nodeId + "-data", [tag], DatasetKind.Csv, file, TargetColumn: targetColumn)))
            .ToArray();
        return StartAsync(datasets, plan, logLevel, cancellationToken, configureNode, observability);
    }

    /// <summary>
    /// Starts the researcher and one node per entry of <paramref name="nodeDatasets"/>: each entry makes the
    /// registration (CSV, IDX, image folder) that the node's operator adds, given the node's id. Approves
    /// <paramref name="plan"/> on every node and waits until every node is connected. <c>configureNode</c> adjusts each
    /// node's settings (for example its privacy policy) before it starts.
    /// </summary>
    public static async Task<InProcessFederation> StartAsync(IReadOnlyList<Func<string, DatasetRegistration>> nodeDatasets, TrainingPlan plan,
        LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default, Action<NodeOptions>? configureNode = null,
        FederationObservability? observability = null)
    {
        ArgumentNullException.ThrowIfNull(nodeDatasets);
        observability ??= new FederationObservability();
        ArgumentNullException.ThrowIfNull(plan);
        var root = Directory.CreateTempSubdirectory("fedbiomed-demo-").FullName;
        var identities = nodeDatasets.Select((_, i) => NodeIdentity.Generate($"hospital-{(char)('a' + i)}")).ToArray();
        var identityKeys = identities.Select(id => KeyValuePair.Create(id.Id, id.PublicKey)).ToArray();
        var roster = new Roster(identityKeys);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            // The Prometheus scrape endpoint: plain HTTP/1.1 on loopback only.
            if (observability.PrometheusPort is { } port) k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        // The researcher's identity signs its audit trail; the demo makes a fresh one per run.
        var researcherIdentity = observability.AuditDirectory is null ? null : NodeIdentity.Generate("researcher");
        var researcherOptions = new ResearcherOptions
        {
            Identity = researcherIdentity, AuditDirectory = observability.AuditDirectory, Telemetry = observability.ResearcherTelemetry,
        };
        builder.Services.AddFedBioMedResearcher(researcherOptions, roster);
        var scrapes = new ScrapeSignal();
        var researcher = builder.Build();
        if (observability.ResearcherTelemetry is { Prometheus: true } prometheus)
        {
            researcher.Use(async (context, next) =>
            {
                await next(context).ConfigureAwait(false);
                if (context.Request.Path == prometheus.PrometheusPath) scrapes.Scraped();
            });
        }
        researcher.MapFedBioMedResearcher();
        await researcher.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = researcher.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var federation = new InProcessFederation(researcher, root, scrapes) { ResearcherIdentity = researcherIdentity, RunId = researcherOptions.AuditRunId };
        if (observability.AuditDirectory is { } auditDirectory)
        {
            // What an auditor needs besides the trails: the nodes' roster and the researcher's key (in a sub-folder,
            // so `audit verify DIR/*` sees only trails).
            var keys = Directory.CreateDirectory(Path.Combine(auditDirectory, "keys")).FullName;
            RosterFile.Save(Path.Combine(keys, "roster.json"), identityKeys);
            File.WriteAllText(Path.Combine(keys, "researcher.pub"), Convert.ToHexStringLower(researcherIdentity!.PublicKey) + "\n");
        }

        for (var i = 0; i < identities.Length; i++)
        {
            var identity = identities[i];
            var options = new NodeOptions
            {
                NodeId = identity.Id, ResearcherUrl = address, DataDirectory = Path.Combine(root, identity.Id),
                AuditDirectory = observability.AuditDirectory, // the run id comes from the researcher when it admits the node
                Telemetry = observability.NodeTelemetry,
            };
            configureNode?.Invoke(options);
            var nodeBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            nodeBuilder.Logging.SetMinimumLevel(logLevel).AddConsole();
            nodeBuilder.Services.AddSingleton(identity);
            nodeBuilder.Services.AddSingleton(roster);
            nodeBuilder.Services.AddFedBioMedNode(options);
            var node = nodeBuilder.Build();
            // The operator's steps: register the data, approve the plan.
            node.Services.GetRequiredService<DatasetStore>().Add(nodeDatasets[i](identity.Id));
            node.Services.GetRequiredService<PlanStore>().Approve(plan.Hash, plan.ToCanonicalJson());
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
            federation._nodes.Add(node);
        }
        await federation.Registry.WaitForNodesAsync(identities.Length, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return federation;
    }

    /// <summary>The researcher's identity when auditing (it signs the researcher's trail); null otherwise.</summary>
    public NodeIdentity? ResearcherIdentity { get; private init; }

    /// <summary>Signals each finished scrape of the researcher's Prometheus endpoint.</summary>
    public ScrapeSignal Scrapes { get; }

    /// <summary>The run id every audit trail of this federation carries.</summary>
    public string RunId { get; private init; } = "";

    /// <summary>Node hosts, in order (tests stop one to simulate a dropout).</summary>
    public IReadOnlyList<IHost> Nodes => _nodes;

    /// <summary>A scratch folder inside this federation's temporary root.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            try
            {
                await node.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A node that does not stop in time is dropped with its process.
            }
            node.Dispose();
        }
        await _researcher.StopAsync().ConfigureAwait(false);
        await _researcher.DisposeAsync().ConfigureAwait(false);
        ResearcherIdentity?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
