using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using OpenTelemetry.Trace;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>Trails of honest rounds, written by every party from what it sent and received, verify clean.</summary>
public sealed class HonestTrailTests
{
    private static void AssertClean(AuditReport report) =>
        Assert.True(report.Clean, string.Join(Environment.NewLine, report.Findings));

    [Fact]
    public void Verify_FullSecAggRound_HasNoFindings_WithTheRosterAndResearcherKey()
    {
        using var round = new AuditedRound(5, policy: new AuditPolicy(MinThreshold: 3, MinCohortSize: 5, RequireSecAgg: true));
        Assert.True(round.Run(round.Config()).Completed);
        round.CloseTrails();

        var report = AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey);
        AssertClean(report);
        Assert.Equal(6, report.Trails);
        Assert.True(report.Records > 6 * 7); // a node: trail.start, policy, five steps, round.result
    }

    [Fact]
    public void Verify_SecAggPlusRoundsWithDropouts_HaveNoFindings()
    {
        using var round = new AuditedRound(12);
        var faults = new SimulationOptions
        {
            DropAt = new Dictionary<string, SecAggStage>
            {
                ["node-0003"] = SecAggStage.ShareKeys,
                ["node-0007"] = SecAggStage.MaskedInput,
                ["node-0010"] = SecAggStage.Unmask,
            },
        };
        var first = round.Run(round.Config(round: 1, threshold: 4, degree: 6), faults);
        Assert.True(first.Completed, first.AbortReason + string.Join("; ", first.Refusals.Select(r => r.Key + ": " + r.Value.Message)));
        Assert.True(round.Run(round.Config(round: 2, threshold: 4, degree: 6)).Completed);
        round.CloseTrails();

        AssertClean(AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey));
    }

    [Fact]
    public void Verify_AbortedRound_HasNoFindings()
    {
        using var round = new AuditedRound(4);
        var everyoneDrops = round.Sim.NodeIds.Skip(1).ToDictionary(id => id, _ => SecAggStage.ShareKeys);
        Assert.False(round.Run(round.Config(threshold: 3), new SimulationOptions { DropAt = everyoneDrops }).Completed);
        round.CloseTrails();

        AssertClean(AuditVerifier.Verify(round.Trails));
    }

    [Fact]
    public void Verify_TrailsWrittenThroughTheSpanProcessor_HaveNoFindings()
    {
        // The same round, with the nodes' events going through spans and AuditTrailProcessor.
        using var round = new AuditedRound(4);
        using var trails = new AuditTrails();
        var spanTrail = Path.Combine(round.Directory, "span-node.audit.jsonl");
        using var identity = NodeIdentity.Generate("span-node");
        trails.Add(new AuditTrailWriter(spanTrail, "span-node", identity.Sign, identity.PublicKey, "run-1", new StepClock()));
        using (var provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(Telemetry.FederationTelemetry.Name, Telemetry.FederationTelemetry.AuditSourceName("*"))
            .AddProcessor(new AuditTrailProcessor(trails))
            .Build())
        {
            var audit = new AuditRecorder(new ActivityAuditSink("span-node", "run-1"));
            audit.Policy(new AuditPolicy(MinThreshold: 2));
            audit.RoundStart("exp", 1, ["node-x", "span-node"], new AuditDpParameters(1.1, Epsilon: 2));
            audit.DpSpent("exp", 1, 0.25, 1e-5);
            audit.RoundResult("exp", 1, null, new string('a', 64));
            // Events of a participant this process holds no trail for are not written anywhere.
            new AuditRecorder(new ActivityAuditSink("someone-else", "run-1")).DpSpent("exp", 1, 9, 1e-5);
        }
        trails.Dispose();

        var lines = File.ReadAllLines(spanTrail);
        Assert.Equal(5, lines.Length);
        Assert.Contains("\"event\":\"dp.spent\",\"experiment\":\"exp\",\"round\":1", lines[3]);
        AssertClean(AuditVerifier.Verify([spanTrail]));
    }
}
