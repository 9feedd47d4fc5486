using System.Diagnostics;
using FedBioMed.Federation.Audit.Verification;
using Xunit.Abstractions;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>How long verifying a large round's trails takes (the issue asks for seconds at 1,000 nodes).</summary>
public sealed class AuditVerifyScaleTests(ITestOutputHelper output)
{
    /// <summary>Set to a folder to keep the 1,000-node trails there (for timing `fedbiomed audit verify` on them).</summary>
    public const string KeepVariable = "FEDBIOMED_AUDIT_KEEP";

    [Fact]
    public void Verify_HundredNodeSecAggPlusRound_IsClean() => Measure(100, degree: 10, threshold: 6, keep: null);

    /// <summary>The scale: verifying a 1,000-node round is clean; the time is reported, not asserted (docs/benchmarks.md).</summary>
    [Fact]
    public void Verify_ThousandNodeSecAggPlusRound_IsClean() =>
        Measure(1000, degree: 14, threshold: 8, keep: Environment.GetEnvironmentVariable(KeepVariable));

    private TimeSpan Measure(int nodes, int degree, int threshold, string? keep)
    {
        var started = Stopwatch.GetTimestamp();
        using var round = new AuditedRound(nodes, directory: keep);
        var outcome = round.Run(round.Config(threshold: threshold, degree: degree));
        Assert.True(outcome.Completed, outcome.AbortReason);
        round.CloseTrails();
        var simulated = Stopwatch.GetElapsedTime(started);

        started = Stopwatch.GetTimestamp();
        var report = AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(report.Clean, string.Join(Environment.NewLine, report.Findings.Take(20)));
        var bytes = round.Trails.Sum(t => new FileInfo(t).Length);
        output.WriteLine($"{nodes} nodes (k = {degree}, t = {threshold}): round with trails {simulated.TotalSeconds:F1} s; " +
            $"verify {report.Trails} trails, {report.Records} records, {bytes / 1e6:F1} MB in {elapsed.TotalSeconds:F2} s on {Environment.ProcessorCount} cores");
        return elapsed;
    }
}
