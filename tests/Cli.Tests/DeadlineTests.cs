using System.Diagnostics;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Tasks;
using FedBioMed.Researcher.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// A node that stays connected but does not answer in time: the researcher gives up on it at the experiment's
/// deadlines (TrainingTimeout, StageTimeout), completes the round with the others, and ignores what arrives late.
/// </summary>
public sealed class DeadlineTests
{
    private const string Slow = "hospital-c";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5); // long enough for the on-time nodes on a loaded 2-core machine

    [Fact]
    public async Task NodeSlowerThanTheTrainingDeadline_IsDroppedForNoReply_ThenTakesPartAgainInTheNextRound()
    {
        using var data = new BreastCancerFederation();
        await using var federation = await data.StartFederationAsync(DemoCommand.DemoPlan());
        using var release = new ManualResetEventSlim();
        var slow = federation.Nodes.Single(n => n.Services.GetRequiredService<Node.NodeOptions>().NodeId == Slow);
        // The slow node's round-1 update is ready only once the researcher has moved on without it.
        slow.Services.GetRequiredService<TrainingTaskHandler>().EncodedUpdateReady += (request, _) =>
        {
            if (request.Round == 1) release.Wait(TimeSpan.FromSeconds(30));
        };

        var (result, elapsed) = await RunReleasingAsync(federation, Spec("slow-training", rounds: 2) with { TrainingTimeout = Deadline }, release,
            p => p is { Round: 1, Stage: "aggregating" });

        var (first, second) = (result.Rounds[0], result.Rounds[1]);
        Assert.True(first.Completed, first.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b"], first.Survivors);
        Assert.Equal($"no reply within {Deadline.TotalSeconds:F0} s", Assert.Single(first.Dropped, d => d.Key == Slow).Value);
        Assert.True(elapsed.Elapsed >= Deadline, "the round ended before its training deadline");
        // Its late round-1 reply and update did not disturb round 2, in which it is on time again.
        Assert.True(second.Completed, second.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b", Slow], second.Survivors);
        Assert.Empty(second.Dropped);
    }

    [Fact]
    public async Task NodeSilentDuringSecureAggregation_IsDroppedAtTheStageDeadline_AndTheRoundCompletesWithTheOtherTwo()
    {
        using var data = new BreastCancerFederation();
        await using var federation = await data.StartFederationAsync(DemoCommand.DemoPlan());
        using var release = new ManualResetEventSlim();
        // The researcher does not take in the node's round-1 shares until the round is over: from its side,
        // the node went silent while staying connected. Then the late shares arrive and must change nothing.
        federation.Registry.Tap = (node, envelope) =>
        {
            if (node == Slow && envelope.BodyCase == NodeEnvelope.BodyOneofCase.EncryptedShares && envelope.EncryptedShares.Header.Round == 1)
                release.Wait(TimeSpan.FromSeconds(30));
        };

        var (result, elapsed) = await RunReleasingAsync(federation, Spec("silent-secagg", rounds: 1) with { StageTimeout = Deadline }, release,
            p => p is { Round: 1, Stage: "done" });

        var round = Assert.Single(result.Rounds);
        Assert.True(round.Completed, round.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b"], round.Survivors);
        Assert.Equal("dropped during secure aggregation", Assert.Single(round.Dropped, d => d.Key == Slow).Value);
        Assert.True(elapsed.Elapsed >= Deadline, "the stage ended before its deadline");
        Assert.True(elapsed.Elapsed < 3 * Deadline, $"the experiment took {elapsed.Elapsed.TotalSeconds:F1} s: more than the one stage deadline it needed");
    }

    /// <summary>
    /// Runs <paramref name="spec"/>, setting <paramref name="release"/> when the runner reports the progress <paramref name="releaseAt"/>
    /// picks (and in any case once the run ends); returns the result and a stopwatch started with the run.
    /// </summary>
    private static async Task<(ExperimentResult Result, Stopwatch Elapsed)> RunReleasingAsync(InProcessFederation federation, ExperimentSpec spec,
        ManualResetEventSlim release, Func<ExperimentProgress, bool> releaseAt)
    {
        var progress = new SynchronousProgress(p =>
        {
            if (releaseAt(p)) release.Set();
        });
        var elapsed = Stopwatch.StartNew();
        try
        {
            return (await federation.Runner.RunAsync(spec, progress), elapsed);
        }
        finally
        {
            release.Set();
        }
    }

    private static ExperimentSpec Spec(string id, int rounds) => new()
    {
        Id = id, DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = rounds, MinNodes = 2, SecureAggregation = true,
        StageTimeout = TimeSpan.FromSeconds(20), TrainingTimeout = TimeSpan.FromSeconds(20),
    };
}
