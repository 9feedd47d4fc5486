using System.Diagnostics;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Tasks;
using FedBioMed.Researcher.Experiments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// A hospital goes away in the middle of an experiment over real gRPC: the round it leaves completes with the
/// other two, names it as dropped with the reason, and the next rounds run without it.
/// </summary>
public sealed class DropoutTests
{
    private const string Leaver = "hospital-c";

    private static ExperimentSpec Spec(string id, int rounds) => new()
    {
        Id = id, DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = rounds, MinNodes = 2, SecureAggregation = true,
        // Short deadlines: if the researcher had to wait them out, the test would show it in its duration, not hang.
        StageTimeout = TimeSpan.FromSeconds(10), TrainingTimeout = TimeSpan.FromSeconds(20),
    };

    private static IHost NodeHost(InProcessFederation federation, string id) =>
        federation.Nodes.Single(n => n.Services.GetRequiredService<Node.NodeOptions>().NodeId == id);

    /// <summary>Stops the node for good and waits until it has; throws if that takes long.</summary>
    private static void StopNow(IHost node)
    {
        var stopping = Stopwatch.StartNew();
        node.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping the node took {stopping.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task NodeStoppedOnceTheNextRoundHasSelectedIt_IsDroppedWithAReason_AndTheRoundCompletesWithTheOtherTwo()
    {
        using var data = new BreastCancerFederation();
        await using var federation = await data.StartFederationAsync(DemoCommand.DemoPlan());
        var leaver = NodeHost(federation, Leaver);
        // The runner reports "training" for round 2 after it picked the cohort and before it sends the model.
        var progress = new SynchronousProgress(p =>
        {
            if (p is { Round: 2, Stage: "training" }) StopNow(leaver);
        });

        var elapsed = Stopwatch.StartNew();
        var result = await federation.Runner.RunAsync(Spec("dropout-training", rounds: 3), progress);
        elapsed.Stop();

        var (first, second, third) = (result.Rounds[0], result.Rounds[1], result.Rounds[2]);
        Assert.True(first.Completed, first.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b", "hospital-c"], first.Survivors);

        Assert.True(second.Completed, second.AbortReason);
        Assert.Contains(Leaver, second.Selected);
        Assert.Equal(["hospital-a", "hospital-b"], second.Survivors);
        Assert.Contains("disconnected", Assert.Contains(Leaver, second.Dropped), StringComparison.Ordinal);
        Assert.Single(second.Dropped);

        Assert.True(third.Completed, third.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b"], third.Selected);
        Assert.Equal(["hospital-a", "hospital-b"], third.Survivors);
        Assert.Empty(third.Dropped);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"the experiment took {elapsed.Elapsed.TotalSeconds:F1} s: a deadline was waited out");
        Assert.InRange(result.FinalValidationAccuracy, 0.8, 1.0);
    }

    [Fact]
    public async Task NodeStoppedBetweenRounds_IsNoLongerSelected_AndTheRemainingRoundsCompleteWithTheOtherTwo()
    {
        using var data = new BreastCancerFederation();
        await using var federation = await data.StartFederationAsync(DemoCommand.DemoPlan());
        var leaver = NodeHost(federation, Leaver);
        var progress = new SynchronousProgress(p =>
        {
            if (p is not { Round: 1, Stage: "done" }) return;
            StopNow(leaver);
            var deadline = Stopwatch.StartNew();
            while (federation.Registry.Find(Leaver) is not null)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "the researcher still lists the stopped node");
                Thread.Sleep(10);
            }
        });

        var result = await federation.Runner.RunAsync(Spec("dropout-between", rounds: 3), progress);

        Assert.Equal(["hospital-a", "hospital-b", Leaver], result.Rounds[0].Survivors);
        Assert.All(result.Rounds.Skip(1), r =>
        {
            Assert.True(r.Completed, r.AbortReason);
            Assert.Equal(["hospital-a", "hospital-b"], r.Selected);
            Assert.Equal(["hospital-a", "hospital-b"], r.Survivors);
        });
    }

    [Fact]
    public async Task NodeLostAfterSharingItsKeys_IsDroppedDuringSecureAggregation_AndTheSumIsExactlyTheOtherTwoUpdates()
    {
        // Its encrypted shares reach the researcher, so the others hold shares of its mask seed; then it is gone
        // before it can upload its masked input.
        var (round, global, expected) = await RunRoundOneLosingTheLeaverAfter(
            e => e.BodyCase == NodeEnvelope.BodyOneofCase.EncryptedShares && e.EncryptedShares.Header.Round == 1,
            "hospital-a", "hospital-b");

        Assert.Equal(["hospital-a", "hospital-b"], round.Survivors);
        Assert.Equal("dropped during secure aggregation", Assert.Single(round.Dropped, d => d.Key == Leaver).Value);
        // Its pairwise masks were removed exactly: the new model is the initial one plus the decoded
        // wrapping sum of the two survivors' true encoded updates, bit for bit.
        Assert.Equal(expected, global);
    }

    [Fact]
    public async Task NodeLostAfterItsMaskedInputWasCounted_StaysInTheSum_WhichIsExactlyAllThreeUpdates()
    {
        // The consistency check follows the masked inputs: its input is in, and now its self-mask must be
        // removed from the shares the other two hold.
        var (round, global, expected) = await RunRoundOneLosingTheLeaverAfter(
            e => e.BodyCase == NodeEnvelope.BodyOneofCase.ConsistencySignature && e.ConsistencySignature.Header.Round == 1,
            "hospital-a", "hospital-b", Leaver);

        Assert.Equal(["hospital-a", "hospital-b", Leaver], round.Survivors);
        Assert.Empty(round.Dropped);
        Assert.Equal(expected, global);
    }

    /// <summary>
    /// Runs a one-round experiment in which the leaver's host is stopped right after the researcher receives the
    /// message <paramref name="lastMessage"/> picks; returns the round, the new global model, and the one the
    /// true updates of <paramref name="inTheSum"/> give.
    /// </summary>
    private static async Task<(RoundReport Round, float[] Global, float[] Expected)> RunRoundOneLosingTheLeaverAfter(
        Func<NodeEnvelope, bool> lastMessage, params string[] inTheSum)
    {
        using var data = new BreastCancerFederation();
        var plan = DemoCommand.DemoPlan();
        await using var federation = await data.StartFederationAsync(plan);
        var updates = new Dictionary<string, (TrainingRequest Request, byte[] Encoded)>(StringComparer.Ordinal);
        foreach (var node in federation.Nodes)
        {
            var id = node.Services.GetRequiredService<Node.NodeOptions>().NodeId;
            node.Services.GetRequiredService<TrainingTaskHandler>().EncodedUpdateReady += (request, encoded) =>
            {
                if (request.Round == 1) lock (updates) updates[id] = (request.Clone(), encoded);
            };
        }
        var leaver = NodeHost(federation, Leaver);
        var stopped = 0;
        federation.Registry.Tap = (node, envelope) =>
        {
            // Stopped before the researcher processes the message, so the leaver can send nothing after it.
            if (node == Leaver && lastMessage(envelope) && Interlocked.Exchange(ref stopped, 1) == 0) StopNow(leaver);
        };

        var elapsed = Stopwatch.StartNew();
        var result = await federation.Runner.RunAsync(Spec("dropout", rounds: 1));
        elapsed.Stop();

        Assert.Equal(1, stopped);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"the experiment took {elapsed.Elapsed.TotalSeconds:F1} s: a deadline was waited out");
        var round = Assert.Single(result.Rounds);
        Assert.True(round.Completed, round.AbortReason);
        Assert.Equal(["hospital-a", "hospital-b", Leaver], round.Selected);
        Assert.Equal(3, updates.Count);
        var expected = ExpectedGlobal(plan, data.Test.FeatureShape, data.Test.ClassCount, [.. inTheSum.Select(id => updates[id])]);
        return (round, result.GlobalParameters, expected);
    }

    private static float[] ExpectedGlobal(TrainingPlan plan, IReadOnlyList<int> shape, int classes, params (TrainingRequest Request, byte[] Encoded)[] survivors)
    {
        float[] global;
        using (var initial = LocalTrainer.Create(plan, shape, classes, new LocalTrainerOptions { Device = DeviceOption.Cpu })) global = initial.GetParameters();
        var sum = new long[survivors[0].Encoded.Length / sizeof(int)];
        for (var i = 0; i < sum.Length; i++)
        {
            var word = 0;
            foreach (var (_, encoded) in survivors) word = unchecked(word + BitConverter.ToInt32(encoded, i * sizeof(int)));
            sum[i] = word;
        }
        var msg = survivors[0].Request.Encoding;
        var (average, _) = UpdateDecoder.Decode(sum, new EncodingConfig { ClipNorm = msg.ClipNorm, Scale = msg.Scale, MaxWeight = msg.MaxWeight });
        for (var i = 0; i < global.Length; i++) global[i] += average[i];
        return global;
    }
}
