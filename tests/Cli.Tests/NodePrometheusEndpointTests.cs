using System.Globalization;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Researcher.Experiments;
using Xunit.Abstractions;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// A node (a generic host, no Kestrel) serves its metrics for Prometheus from an HttpListener when
/// <c>Node:Telemetry:Prometheus</c> is on: after a small federation on loopback, its endpoint reports the rounds it
/// completed. The federation's meter is one per process (every node of the in-process federation counts through it,
/// under its own node id), so this runs with no other test beside it.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed class NodePrometheusEndpointTests(ITestOutputHelper output)
{
    private const int Rounds = 2;

    [Fact]
    public async Task NodeWithPrometheusOn_ServesItsCompletedRounds_OnItsOwnLoopbackEndpoint()
    {
        var port = LoopbackPorts.Free();
        using var data = new BreastCancerFederation();
        var plan = DemoCommand.DemoPlan();
        await using var federation = await data.StartFederationAsync(plan, configureNode: node =>
        {
            // Only hospital-a serves its metrics, as a deployed node would: one endpoint per node process.
            if (node.NodeId == "hospital-a")
                node.Telemetry = new TelemetryOptions { ServiceName = "fedbiomed-node", Prometheus = true, PrometheusUrl = $"http://127.0.0.1:{port}/" };
        });
        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = "node-metrics", DatasetTag = DemoCommand.Tag, Plan = plan, Rounds = Rounds, SecureAggregation = true,
        });
        Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        var expected = result.Rounds.Count(r => r.Survivors.Contains("hospital-a"));
        Assert.Equal(Rounds, expected);

        // The last RoundOutcome reaches the node after the runner returns: read until it is counted.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string body = "";
        double? completed = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            body = await http.GetStringAsync("/metrics");
            completed = Sample(body, "fedbiomed_rounds_completed_total", "fedbiomed_role=\"node\"", "fedbiomed_node_id=\"hospital-a\"");
            if (completed == expected) break;
            await Task.Delay(100);
        }
        output.WriteLine(body);
        Assert.Equal(expected, completed);
        // The node's other figures are there too: the masked inputs only nodes send.
        Assert.Contains("direction=\"sent\",kind=\"MaskedInput\"", body, StringComparison.Ordinal);
    }

    /// <summary>The value of the first sample of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    private static double? Sample(string exposition, string metric, params string[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal)) continue;
            var close = line.LastIndexOf('}');
            var labelText = line[(metric.Length + 1)..close];
            if (!labels.All(l => labelText.Contains(l, StringComparison.Ordinal))) continue;
            var value = line[(close + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, CultureInfo.InvariantCulture);
        }
        return null;
    }
}
