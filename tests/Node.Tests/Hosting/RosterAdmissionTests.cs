using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tests.Infrastructure;
using FedBioMed.Researcher.Transport;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedBioMed.Node.Tests.Hosting;

/// <summary>Which nodes the researcher lets in: only roster members that sign with their roster key.</summary>
public sealed class RosterAdmissionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly NodeIdentity _member = NodeIdentity.Generate("hospital-a");
    private readonly LogRecorder _log = new();

    public void Dispose()
    {
        _member.Dispose();
        _dir.Dispose();
    }

    private Roster ResearcherRoster => new([KeyValuePair.Create(_member.Id, _member.PublicKey)]);

    /// <summary>Runs one connection of <paramref name="identity"/> and returns how the researcher ended it.</summary>
    private async Task<RpcException> ConnectOnceAsync(ResearcherHost researcher, NodeIdentity identity)
    {
        var options = NodeHost.Options(identity, researcher.Url, Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")));
        var nodeRoster = new Roster([KeyValuePair.Create(identity.Id, identity.PublicKey)]);
        using var node = NodeHost.Build(options, identity, nodeRoster, _log); // built, not started: one connection by hand
        var connection = node.Services.GetRequiredService<NodeConnection>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await Assert.ThrowsAsync<RpcException>(() => connection.RunAsync(null, timeout.Token));
    }

    [Fact]
    public async Task NodeNotInTheRoster_IsRefusedWithPermissionDenied_AndNeverRegistered()
    {
        await using var researcher = await ResearcherHost.StartAsync(ResearcherRoster, ResearcherHost.FreePort());
        var registered = new List<string>();
        researcher.Registry.Connected += s => { lock (registered) registered.Add(s.NodeId); };
        using var outsider = NodeIdentity.Generate("intruder");

        var refused = await ConnectOnceAsync(researcher, outsider);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("'intruder' is not in the federation roster", refused.Status.Detail, StringComparison.Ordinal);
        lock (registered) Assert.Empty(registered);
        Assert.Empty(researcher.Registry.Sessions);
    }

    [Fact]
    public async Task OutsiderRunningAsAService_IsRefusedOnEveryRetry_AndNeverRegistered()
    {
        await using var researcher = await ResearcherHost.StartAsync(ResearcherRoster, ResearcherHost.FreePort());
        var registered = new List<string>();
        researcher.Registry.Connected += s => { lock (registered) registered.Add(s.NodeId); };
        using var outsider = NodeIdentity.Generate("intruder");
        var options = NodeHost.Options(outsider, researcher.Url, _dir.Path);
        using var node = NodeHost.Build(options, outsider, new Roster([KeyValuePair.Create(outsider.Id, outsider.PublicKey)]), _log);

        await node.StartAsync();
        try
        {
            await Eventually.HoldsAsync(() => _log.Count(NodeHost.ConnectionFailedEvent) >= 2, TimeSpan.FromSeconds(15), "the outsider was refused twice");
        }
        finally
        {
            await node.StopAsync();
        }

        Assert.All(_log.Messages(NodeHost.ConnectionFailedEvent), m => Assert.Contains("PermissionDenied", m, StringComparison.Ordinal));
        lock (registered) Assert.Empty(registered);
        Assert.Empty(researcher.Registry.Sessions);
    }

    [Fact]
    public async Task NodeClaimingAMembersIdWithAnotherKey_IsRefusedAsUnauthenticated_AndNeverRegistered()
    {
        await using var researcher = await ResearcherHost.StartAsync(ResearcherRoster, ResearcherHost.FreePort());
        var registered = new List<string>();
        researcher.Registry.Connected += s => { lock (registered) registered.Add(s.NodeId); };
        using var impostor = NodeIdentity.Generate(_member.Id);

        var refused = await ConnectOnceAsync(researcher, impostor);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains($"'{_member.Id}' is not signed by its identity key", refused.Status.Detail, StringComparison.Ordinal);
        lock (registered) Assert.Empty(registered);
        Assert.Null(researcher.Registry.Find(_member.Id));
    }

    [Fact]
    public async Task RosterMember_IsRegisteredWithTheDatasetsItAnnounces()
    {
        await using var researcher = await ResearcherHost.StartAsync(ResearcherRoster, ResearcherHost.FreePort());
        var options = NodeHost.Options(_member, researcher.Url, _dir.Path);
        using var node = NodeHost.Build(options, _member, ResearcherRoster, _log);
        node.Services.GetRequiredService<DatasetStore>().Add(new DatasetRegistration(
            "bcw", ["breast-cancer"], DatasetKind.Csv, TestData.BreastCancerCsv, TargetColumn: TestData.BreastCancerTarget));
        var connection = node.Services.GetRequiredService<NodeConnection>();
        using var stop = new CancellationTokenSource();
        var running = connection.RunAsync(null, stop.Token);

        await Eventually.HoldsAsync(() => researcher.Registry.Find(_member.Id) is not null, TimeSpan.FromSeconds(15), "the researcher lists the member");

        var dataset = Assert.Single(researcher.Registry.Find(_member.Id)!.Datasets);
        Assert.Equal(("bcw", 569, 2), (dataset.DatasetId, dataset.SampleCount, dataset.ClassCount));
        Assert.Equal(["breast-cancer"], dataset.Tags);
        Assert.Equal([30], dataset.FeatureShape);
        await stop.CancelAsync();
        var ended = await Record.ExceptionAsync(() => running);
        Assert.True(ended is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, $"the connection ended with {ended}");
    }
}
