using System.Runtime.InteropServices;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Tasks;
using FedBioMed.Researcher.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// Capture every message the researcher receives and compare what arrived from each node with that
/// node's true encoded update. With secure aggregation on, nothing correlates; with it off, the same
/// check finds the updates (so the check can fail).
/// </summary>
public sealed class ResearcherNeverSeesAnUpdateTests
{
    private static readonly TrainingPlan Plan = new()
    {
        Model = ModelSpec.Mlp(64), // ~2,100 parameters: enough coordinates for a sharp correlation test
        Optimizer = OptimizerSpec.Adam(0.01),
        LocalEpochs = 1,
        BatchSize = 32,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 3,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryPayloadTheResearcherReceives_IsUncorrelatedWithEachNodesUpdate_OnlyUnderSecureAggregation(bool secure)
    {
        using var data = new BreastCancerFederation();
        await using var federation = await data.StartFederationAsync(Plan,
            configureNode: node => node.Privacy.RequireSecureAggregation = secure);

        var trueUpdates = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var node in federation.Nodes)
        {
            var id = node.Services.GetRequiredService<Node.NodeOptions>().NodeId;
            node.Services.GetRequiredService<TrainingTaskHandler>().EncodedUpdateReady += (request, encoded) =>
            {
                if (request.Round == 1) lock (trueUpdates) trueUpdates[id] = encoded;
            };
        }
        var received = new Dictionary<string, List<PayloadChunk>>(StringComparer.Ordinal);
        var everything = new List<(string Node, NodeEnvelope Envelope)>();
        federation.Registry.Tap = (node, envelope) =>
        {
            lock (everything)
            {
                everything.Add((node, envelope.Clone()));
                if (envelope.BodyCase == NodeEnvelope.BodyOneofCase.Chunk && envelope.Chunk.TransferId.Contains("/1/", StringComparison.Ordinal)
                    && envelope.Chunk.Kind is PayloadKind.MaskedInput or PayloadKind.PlainUpdate)
                {
                    if (!received.TryGetValue(node, out var list)) received[node] = list = [];
                    list.Add(envelope.Chunk.Clone());
                }
            }
        };

        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = "never-sees", DatasetTag = DemoCommand.Tag, Plan = Plan, Rounds = 1, SecureAggregation = secure,
        });
        Assert.True(result.Rounds[0].Completed, result.Rounds[0].AbortReason);
        Assert.Equal(3, trueUpdates.Count);
        Assert.Equal(3, received.Count);

        foreach (var (node, update) in trueUpdates)
        {
            var payload = received[node].OrderBy(c => c.Offset).SelectMany(c => c.Data.ToByteArray()).ToArray();
            var r = Correlation(MemoryMarshal.Cast<byte, int>(update), MemoryMarshal.Cast<byte, int>(payload));
            if (secure) Assert.True(Math.Abs(r) < 0.1, $"masked input of {node} correlates with its update: r = {r:F3}");
            else Assert.True(r > 0.99, $"without secure aggregation the update of {node} should arrive as is: r = {r:F3}");
        }

        // No other message carries a vector of the update's size either.
        var updateBytes = trueUpdates.Values.First().Length;
        Assert.DoesNotContain(everything, m => m.Envelope.BodyCase != NodeEnvelope.BodyOneofCase.Chunk && m.Envelope.CalculateSize() >= updateBytes / 2);
    }

    private static double Correlation(ReadOnlySpan<int> x, ReadOnlySpan<int> y)
    {
        Assert.Equal(x.Length, y.Length);
        double mx = 0, my = 0;
        for (var i = 0; i < x.Length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.Length;
        my /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
