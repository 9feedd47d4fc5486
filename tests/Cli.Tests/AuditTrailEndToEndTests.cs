using FedBioMed.Cli.Demo;
using FedBioMed.Cli.Tests.Commands;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Experiments;
using Xunit.Abstractions;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// The live node and researcher write one signed trail each (real gRPC on loopback, secure aggregation,
/// a standardizing plan so round 0 is audited too): an honest run verifies clean, and an edited, deleted,
/// reordered or truncated record is caught by the verifier and by `fedbiomed audit verify`.
/// </summary>
public sealed class AuditTrailEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fedbiomed-audit-e2e-").FullName;

    [Fact]
    public async Task HonestRun_VerifiesClean_AndEachTamperingIsFound()
    {
        var trails = Path.Combine(_root, "trails");
        using var data = new BreastCancerFederation();
        string researcherKey;
        string runId;
        await using (var federation = await data.StartFederationAsync(DemoCommand.DemoPlan(),
            observability: new FederationObservability { AuditDirectory = trails }))
        {
            researcherKey = Convert.ToHexStringLower(federation.ResearcherIdentity!.PublicKey);
            runId = federation.RunId;
            var result = await federation.Runner.RunAsync(new ExperimentSpec
            {
                Id = "audit-e2e", DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = 2, SecureAggregation = true,
            });
            Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        }

        var files = Directory.GetFiles(trails, "*.jsonl").Order(StringComparer.Ordinal).ToArray();
        // Nodes name their trails by run (the run id came from the researcher when it admitted them); the researcher serves one run.
        Assert.Equal([$"hospital-a.{runId}", $"hospital-b.{runId}", $"hospital-c.{runId}", "researcher"], files.Select(f => Path.GetFileName(f).Replace(".audit.jsonl", "")));
        var roster = RosterFile.Load(Path.Combine(trails, "keys", "roster.json"));
        var key = Convert.FromHexString(researcherKey);
        Assert.Equal(researcherKey, File.ReadAllText(Path.Combine(trails, "keys", "researcher.pub")).Trim());

        var honest = AuditVerifier.Verify(files, roster, key);
        Assert.True(honest.Clean, string.Join("\n", honest.Findings));
        foreach (var file in files)
        {
            // Every trail is of this run, and every participant ended each secure-aggregation round (0, 1, 2).
            var lines = File.ReadAllLines(file);
            Assert.Contains($"\"run\":\"{runId}\"", lines[0], StringComparison.Ordinal);
            Assert.Contains(lines, l => l.Contains("\"event\":\"round.result\"", StringComparison.Ordinal) && l.Contains("\"round\":2", StringComparison.Ordinal));
        }
        Assert.Contains(File.ReadAllLines(files[0]), l => l.Contains("\"event\":\"policy\"", StringComparison.Ordinal));
        var cli = await CliRun.RunAsync("audit", "verify", "--roster", Path.Combine(trails, "keys", "roster.json"), "--researcher-key", researcherKey, trails);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var plain = await CliRun.RunAsync(["audit", "verify", .. files]);
        Assert.True(plain.ExitCode == 0, plain.ToString());

        // Edited: a node's account of the global model of round 1.
        AssertCaught("edited", trails, AuditTrails.FileName("hospital-b", runId), lines =>
        {
            var i = Array.FindIndex(lines, l => l.Contains("\"event\":\"round.result\"", StringComparison.Ordinal) && l.Contains("\"round\":1,", StringComparison.Ordinal));
            Assert.True(i > 0);
            var at = lines[i].IndexOf("\"model_sha256\":\"", StringComparison.Ordinal) + "\"model_sha256\":\"".Length;
            lines[i] = lines[i][..at] + (lines[i][at] == '0' ? '1' : '0') + lines[i][(at + 1)..];
            return lines;
        }, roster, key);
        // Deleted: one record in the middle of the researcher's trail.
        AssertCaught("deleted", trails, AuditTrails.FileName("researcher"), lines => [.. lines[..10], .. lines[11..]], roster, key);
        // Reordered: two records of a node swapped.
        AssertCaught("swapped", trails, AuditTrails.FileName("hospital-a", runId), lines =>
        {
            (lines[5], lines[6]) = (lines[6], lines[5]);
            return lines;
        }, roster, key);
        // Truncated: a node's trail cut to a valid prefix that stops inside round 1.
        AssertCaught("truncated", trails, AuditTrails.FileName("hospital-c", runId), lines =>
        {
            // The survivor set arrives in the record of the consistency signature it causes (a step record, AuditStep).
            var cut = Array.FindIndex(lines, l => l.Contains("event\":\"survivors.seen\"", StringComparison.Ordinal) && l.Contains("\"round\":1,", StringComparison.Ordinal));
            Assert.True(cut > 0);
            return lines[..cut];
        }, roster, key);
    }

    [Theory]
    [InlineData]
    [InlineData("--no-secagg")]
    [InlineData("--dp")]
    public async Task Demo_WithAnAuditDirectory_WritesTrailsThatVerifyClean(params string[] options)
    {
        var trails = Path.Combine(_root, "demo");
        var demo = await CliRun.RunAsync(["demo", "--rounds", "2", "--audit-dir", trails, .. options]);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        var key = File.ReadAllText(Path.Combine(trails, "keys", "researcher.pub")).Trim();
        var verify = await CliRun.RunAsync("audit", "verify", "--roster", Path.Combine(trails, "keys", "roster.json"), "--researcher-key", key, trails);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("no findings", verify.Output, StringComparison.Ordinal);
        // Every node recorded rounds 0 (feature statistics), 1 and 2 from start to result, with or without secure aggregation.
        foreach (var node in new[] { "hospital-a", "hospital-b", "hospital-c" })
        {
            var records = Views(Assert.Single(Directory.GetFiles(trails, $"{node}.*.audit.jsonl")));
            var starts = records.Where(r => r.Event == AuditEvents.RoundStart).ToArray();
            Assert.Equal([0L, 1, 2], starts.Select(r => r.Round!.Value));
            Assert.Equal([AuditTasks.Statistics, AuditTasks.Train, AuditTasks.Train], starts.Select(r => r.Attrs[AuditAttrs.Task]));
            Assert.All(starts, r => Assert.Equal(options.Contains("--no-secagg") ? "false" : "true", r.Attrs[AuditAttrs.SecAgg]));
            Assert.Equal([0L, 1, 2], records.Where(r => r.Event == AuditEvents.RoundResult).Select(r => r.Round!.Value));
            Assert.Equal([0L, 1, 2, 3], records.Where(r => r.Type == AuditMessageTypes.TrainingRequest).Select(r => r.Round!.Value));
            if (options.Contains("--dp"))
                Assert.Equal(DemoCommand.DemoEpsilonCap.ToString("R", System.Globalization.CultureInfo.InvariantCulture), Assert.Single(records, r => r.Event == AuditEvents.Policy).Attrs[AuditAttrs.MaxEpsilon]);
        }
    }

    [Fact]
    public async Task PlainRun_IsRecordedOnBothSides_AndEachLieAboutItIsExactlyTheRightFinding()
    {
        var trails = Path.Combine(_root, "plain");
        using var data = new BreastCancerFederation();
        string runId;
        await using (var federation = await data.StartFederationAsync(DemoCommand.DemoPlan(),
            configureNode: node => node.Privacy.RequireSecureAggregation = false, observability: new FederationObservability { AuditDirectory = trails }))
        {
            runId = federation.RunId;
            var result = await federation.Runner.RunAsync(new ExperimentSpec
            {
                Id = "audit-plain", DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = 2, SecureAggregation = false,
            });
            Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        }
        var files = Directory.GetFiles(trails, "*.jsonl");
        var honest = AuditVerifier.Verify(files);
        Assert.True(honest.Clean, string.Join("\n", honest.Findings));
        var researcher = Views(Path.Combine(trails, AuditTrails.FileName("researcher")));
        foreach (var node in new[] { "hospital-a", "hospital-b", "hospital-c" })
        {
            // Each update in the clear appears once on each side, with the same digest.
            var sent = Views(Path.Combine(trails, AuditTrails.FileName(node, runId))).Where(r => r.Type == AuditMessageTypes.PlainUpdate).ToArray();
            var received = researcher.Where(r => r.Type == AuditMessageTypes.PlainUpdate && r.Attrs[AuditAttrs.From] == node).ToArray();
            Assert.Equal([0L, 1, 2], sent.Select(r => r.Round!.Value));
            Assert.Equal(sent.Select(r => r.Attrs[AuditAttrs.Sha256]), received.Select(r => r.Attrs[AuditAttrs.Sha256]));
        }

        // hospital-b's trail, rewritten (and re-signed) to say it was shown another global model after round 1.
        var model = Retold(trails, runId, "hospital-b", r => r.Event == AuditEvents.RoundResult && r.Round == 1, AuditAttrs.ModelSha256, new string('e', 64));
        var modelFinding = Assert.Single(model.Findings);
        Assert.Equal(AuditRules.Model, modelFinding.Rule);
        Assert.EndsWith($"hospital-b.{runId}.audit.jsonl", modelFinding.TrailFile, StringComparison.Ordinal);
        // ... or that it sent another update in round 1 than the researcher received.
        var update = Retold(trails, runId, "hospital-b", r => r.Type == AuditMessageTypes.PlainUpdate && r.Round == 1, AuditAttrs.Sha256, new string('d', 64));
        var updateFinding = Assert.Single(update.Findings);
        Assert.Equal(AuditRules.Message, updateFinding.Rule);
        Assert.Contains("'researcher' received PlainUpdate from 'hospital-b'", updateFinding.Message, StringComparison.Ordinal);
        // ... or that its policy required secure aggregation: it took part in three rounds without it.
        var policy = Retold(trails, runId, "hospital-b", r => r.Event == AuditEvents.Policy, AuditAttrs.RequireSecAgg, "true");
        Assert.Equal(3, policy.Findings.Count);
        Assert.All(policy.Findings, f =>
        {
            Assert.Equal(AuditRules.Policy, f.Rule);
            Assert.Contains("'hospital-b' took part although the round has no secure aggregation and the policy requires it", f.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SecAggRunWithDpSgd_UnderANodeEpsilonCap_VerifiesClean_IncludingTheStatisticsRound()
    {
        // Round 0 (feature statistics) carries no ε; the node accepts it under its cap, and the verifier must agree.
        var trails = Path.Combine(_root, "dp");
        var plan = DemoCommand.DemoPlan() with { Optimizer = OptimizerSpec.Sgd(0.5, 0.9), DifferentialPrivacy = DifferentialPrivacySpec.Poisson(1.5, 1.0) };
        using var data = new BreastCancerFederation();
        await using (var federation = await data.StartFederationAsync(plan,
            configureNode: node => node.Privacy.MaxEpsilon = 50, observability: new FederationObservability { AuditDirectory = trails }))
        {
            var result = await federation.Runner.RunAsync(new ExperimentSpec
            {
                Id = "audit-dp", DatasetTag = DemoCommand.Tag, Plan = plan, Rounds = 1, SecureAggregation = true,
            });
            Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        }
        var report = AuditVerifier.Verify(Directory.GetFiles(trails, "*.jsonl"));
        Assert.True(report.Clean, string.Join("\n", report.Findings));
        var node = Views(Assert.Single(Directory.GetFiles(trails, "hospital-a.*.audit.jsonl")));
        Assert.Equal("50", Assert.Single(node, r => r.Event == AuditEvents.Policy).Attrs[AuditAttrs.MaxEpsilon]);
        var statistics = Assert.Single(node, r => r.Event == AuditEvents.RoundStart && r.Round == 0);
        Assert.Equal(AuditTasks.Statistics, statistics.Attrs[AuditAttrs.Task]);
        Assert.False(statistics.Attrs.ContainsKey(AuditAttrs.DpEpsilon));
        Assert.True(Assert.Single(node, r => r.Event == AuditEvents.RoundStart && r.Round == 1).Attrs.ContainsKey(AuditAttrs.DpEpsilon));
    }

    private sealed record Line(string Event, long? Round, string? Experiment, string? Session, Dictionary<string, string> Attrs)
    {
        public string? Type => Attrs.GetValueOrDefault(AuditAttrs.Type);
    }

    private static List<Line> Records(string path) => File.ReadAllLines(path).Select(l =>
    {
        var root = System.Text.Json.JsonDocument.Parse(l).RootElement;
        string? Text(string name) => root.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null ? null : root.GetProperty(name).GetString();
        var round = root.GetProperty("round");
        return new Line(root.GetProperty("event").GetString()!, round.ValueKind == System.Text.Json.JsonValueKind.Null ? null : round.GetInt64(),
            Text("experiment"), Text("session"), root.GetProperty("attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal));
    }).ToList();

    /// <summary>
    /// The records as the verifier reads them: a node's step record (<see cref="AuditStep"/>) as the message it received, then
    /// the reply.
    /// </summary>
    private static List<Line> Views(string path) => Records(path).SelectMany(line =>
        line.Attrs.TryGetValue(AuditAttrs.ReceivedEvent, out var received)
            ? new[]
            {
                line with
                {
                    Event = received,
                    Attrs = line.Attrs.Where(a => a.Key != AuditAttrs.ReceivedEvent && a.Key.StartsWith(AuditAttrs.ReceivedPrefix, StringComparison.Ordinal))
                        .ToDictionary(a => a.Key[AuditAttrs.ReceivedPrefix.Length..], a => a.Value, StringComparer.Ordinal),
                },
                line with { Attrs = line.Attrs.Where(a => !a.Key.StartsWith(AuditAttrs.ReceivedPrefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal) },
            }
            : [line]).ToList();

    /// <summary>
    /// A copy of the run's trails in which <paramref name="participant"/> rewrote its whole trail, under a fresh key, with
    /// one attr of the first matching record changed (what a participant that lies from the start can produce; without a
    /// roster its key is not checked), and the verifier's report on it.
    /// </summary>
    private AuditReport Retold(string honest, string runId, string participant, Func<Line, bool> which, string attr, string value)
    {
        var copy = CopyOfTrails(honest, $"retold-{Guid.NewGuid():N}");
        // Nodes name their trails by run; the researcher's is one per process.
        var target = Path.Combine(copy, participant == "researcher" ? AuditTrails.FileName(participant) : AuditTrails.FileName(participant, runId));
        var records = Records(target);
        File.Delete(target);
        var changed = false;
        using (var identity = NodeIdentity.Generate(participant))
        using (var writer = new AuditTrailWriter(target, participant, identity.Sign, identity.PublicKey, runId, TimeProvider.System))
        {
            foreach (var record in records.Where(r => r.Event != AuditEvents.TrailStart))
            {
                var attrs = new Dictionary<string, string>(record.Attrs, StringComparer.Ordinal);
                if (!changed && which(record))
                {
                    Assert.NotEqual(value, attrs.GetValueOrDefault(attr));
                    attrs[attr] = value;
                    changed = true;
                }
                writer.Append(record.Event, record.Experiment, record.Round, record.Session, attrs);
            }
        }
        Assert.True(changed, "no record matched");
        var report = AuditVerifier.Verify(Directory.GetFiles(copy, "*.jsonl"));
        output.WriteLine($"{participant} retold: {string.Join("\n  ", report.Findings)}");
        return report;
    }

    private void AssertCaught(string name, string honest, string trailFile, Func<string[], string[]> tamper, Roster roster, byte[] researcherKey)
    {
        var copy = CopyOfTrails(honest, name);
        var target = Path.Combine(copy, trailFile);
        File.WriteAllLines(target, tamper(File.ReadAllLines(target)));
        var files = Directory.GetFiles(copy, "*.jsonl");
        var report = AuditVerifier.Verify(files, roster, researcherKey);
        output.WriteLine($"{name}: {string.Join("\n  ", report.Findings)}");
        Assert.False(report.Clean, $"{name}: the verifier found nothing");
        var cli = CliRun.RunAsync(["audit", "verify", .. files]).GetAwaiter().GetResult();
        Assert.True(cli.ExitCode == 1, $"{name}: {cli}");
        Assert.Contains("FINDING", cli.Output, StringComparison.Ordinal);
    }

    /// <summary>A new folder <paramref name="name"/> holding a copy of the trails in <paramref name="honest"/>.</summary>
    private string CopyOfTrails(string honest, string name)
    {
        var copy = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach (var file in Directory.GetFiles(honest, "*.jsonl")) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    public void Dispose()
    {
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
