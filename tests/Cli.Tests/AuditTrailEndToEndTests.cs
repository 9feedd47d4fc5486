using FedBioMed.Cli.Demo;
using FedBioMed.Cli.Tests.Commands;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Aggregation.SecureAggregation;
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
        await using (var federation = await InProcessFederation.StartAsync(data.Files, DemoCommand.Target, DemoCommand.Tag, DemoCommand.DemoPlan(),
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
            var cut = Array.FindIndex(lines, l => l.Contains("\"event\":\"survivors.seen\"", StringComparison.Ordinal) && l.Contains("\"round\":1,", StringComparison.Ordinal));
            Assert.True(cut > 0);
            return lines[..cut];
        }, roster, key);
    }

    private void AssertCaught(string name, string honest, string trailFile, Func<string[], string[]> tamper, Roster roster, byte[] researcherKey)
    {
        var copy = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach (var file in Directory.GetFiles(honest, "*.jsonl")) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
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
