using System.Diagnostics;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Node.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace FedBioMed.Node.Tests.Hosting;

/// <summary>The node's connection worker against a real researcher over loopback gRPC.</summary>
public sealed class NodeWorkerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _dir = new();
    private readonly NodeIdentity _identity = NodeIdentity.Generate("hospital-a");
    private readonly LogRecorder _log = new();

    private Roster Roster => new([KeyValuePair.Create(_identity.Id, _identity.PublicKey)]);

    public void Dispose()
    {
        _identity.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task NodeStartedBeforeTheResearcher_KeepsRetrying_AndConnectsOnceTheResearcherStarts()
    {
        var port = ResearcherHost.FreePort();
        using var node = NodeHost.Build(NodeHost.Options(_identity, $"http://127.0.0.1:{port}", _dir.Path), _identity, Roster, _log);
        await node.StartAsync();
        try
        {
            await Eventually.HoldsAsync(() => _log.Count(NodeHost.ConnectionFailedEvent) >= 3, Patience, "the node has failed to connect three times");
            Assert.Equal(0, _log.Count(NodeHost.ConnectedEvent));

            await using var researcher = await ResearcherHost.StartAsync(Roster, port);

            // The researcher lists the node when its hello arrives, a moment before the node reads the admission and logs it.
            await Eventually.HoldsAsync(() => researcher.Registry.Find(_identity.Id) is not null && _log.Count(NodeHost.ConnectedEvent) > 0, Patience,
                "the researcher lists the node and the node logs that it connected");
            Assert.Equal(1, _log.Count(NodeHost.ConnectedEvent));
            Assert.Contains(_log.Messages(NodeHost.ConnectionFailedEvent), m => m.Contains(researcher.Url, StringComparison.Ordinal));
        }
        finally
        {
            await node.StopAsync();
        }
    }

    [Fact]
    public async Task StoppingTheNodeHost_WhileConnected_CompletesPromptly_AndTheResearcherSeesItLeave()
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort());
        using var node = NodeHost.Build(NodeHost.Options(_identity, researcher.Url, _dir.Path), _identity, Roster, _log);
        await node.StartAsync();
        await Eventually.HoldsAsync(() => researcher.Registry.Find(_identity.Id) is not null, Patience, "the researcher lists the node");

        var stopping = Stopwatch.StartNew();
        await node.StopAsync();
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping the node took {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(1, _log.Count(NodeHost.StoppingEvent));
        await Eventually.HoldsAsync(() => researcher.Registry.Sessions.Count == 0, TimeSpan.FromSeconds(5), "the researcher no longer lists the node");
        Assert.Equal(0, _log.Count(NodeHost.ConnectionFailedEvent)); // a deliberate stop is not a failure
    }

    [Fact]
    public async Task StoppingTheNodeHost_WhileItWaitsToRetry_CompletesPromptly()
    {
        using var node = NodeHost.Build(NodeHost.Options(_identity, $"http://127.0.0.1:{ResearcherHost.FreePort()}", _dir.Path) with
        {
            ReconnectDelay = TimeSpan.FromMinutes(5), MaxReconnectDelay = TimeSpan.FromMinutes(10),
        }, _identity, Roster, _log);
        await node.StartAsync();
        await Eventually.HoldsAsync(() => _log.Count(NodeHost.ConnectionFailedEvent) >= 1, Patience, "the node has failed to connect");

        var stopping = Stopwatch.StartNew();
        await node.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping the node took {stopping.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(1, _log.Count(NodeHost.StoppingEvent));
    }

    [Fact]
    public async Task StoppingTheResearcher_WithANodeConnected_CompletesPromptly_AndTheNodeReconnectsToTheNextOne()
    {
        var port = ResearcherHost.FreePort();
        using var node = NodeHost.Build(NodeHost.Options(_identity, $"http://127.0.0.1:{port}", _dir.Path), _identity, Roster, _log);
        var first = await ResearcherHost.StartAsync(Roster, port);
        await node.StartAsync();
        try
        {
            await Eventually.HoldsAsync(() => first.Registry.Find(_identity.Id) is not null, Patience, "the first researcher lists the node");

            var stopping = Stopwatch.StartNew();
            await first.DisposeAsync();

            // The node's stream must not hold the researcher's shutdown until Kestrel gives up on it.
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping the researcher took {stopping.Elapsed.TotalSeconds:F1} s");
            await using var second = await ResearcherHost.StartAsync(Roster, port);

            // Listed on the hello, logged by the node a moment later when it reads the admission.
            await Eventually.HoldsAsync(() => second.Registry.Find(_identity.Id) is not null && _log.Count(NodeHost.ConnectedEvent) > 1, Patience,
                "the restarted researcher lists the node and the node logs that it connected again");
            Assert.Equal(2, _log.Count(NodeHost.ConnectedEvent));
        }
        finally
        {
            await node.StopAsync();
        }
    }
}
