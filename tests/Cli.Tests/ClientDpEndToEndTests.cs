using FedBioMed.Cli.Demo;
using FedBioMed.Node.Privacy;
using FedBioMed.Researcher.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Cli.Tests;

/// <summary>Client-level distributed DP over real gRPC: calibrated noise, node-side ledgers, the node's budget wins.</summary>
public sealed class ClientDpEndToEndTests
{
    [Fact]
    public async Task DistributedDpExperiment_StaysWithinItsEpsilon_AndEveryNodeBooksTheSameSpend()
    {
        using var data = new BreastCancerFederation();
        var plan = DemoCommand.DemoPlan();
        await using var federation = await data.StartFederationAsync(plan);
        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = "dp-e2e", DatasetTag = DemoCommand.Tag, Plan = plan, Rounds = 3,
            ClientDp = new ClientDpSpec { TargetEpsilon = 20, ClipNorm = 2, WordBits = 32 },
        });

        Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        Assert.True(result.Rounds[^1].Epsilon <= 20, $"ε after the last round: {result.Rounds[^1].Epsilon}");
        Assert.True(result.Rounds[0].Epsilon < result.Rounds[^1].Epsilon);
        foreach (var node in federation.Nodes)
        {
            var ledger = node.Services.GetRequiredService<PrivacyLedger>();
            var id = node.Services.GetRequiredService<Node.NodeOptions>().NodeId + "-data";
            // The node prices the rounds itself; its figure is at least the researcher's (it assumes the smallest cohort).
            Assert.True(ledger.EpsilonSpent(id, 1e-5) >= result.Rounds[^1].Epsilon * 0.999, $"{id}: {ledger.EpsilonSpent(id, 1e-5)}");
        }
    }

    [Fact]
    public async Task NodeBudget_StopsTheExperimentWhenARoundWouldExceedIt()
    {
        using var data = new BreastCancerFederation();
        var plan = DemoCommand.DemoPlan();
        await using var federation = await data.StartFederationAsync(plan,
            configureNode: node => node.Privacy.MaxEpsilon = 6);
        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = "dp-budget", DatasetTag = DemoCommand.Tag, Plan = plan, Rounds = 4,
            ClientDp = new ClientDpSpec { TargetEpsilon = 12, ClipNorm = 2, WordBits = 32 },
        });

        Assert.True(result.Rounds[0].Completed, result.Rounds[0].AbortReason);
        var refused = result.Rounds.First(r => !r.Completed);
        Assert.All(refused.Dropped.Values, reason => Assert.Contains("above this node's maximum 6", reason));
    }
}
