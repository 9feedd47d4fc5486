using System.Diagnostics;
using System.Text.Json;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>
/// Batches sealed by one signature: every record of a batch carries the signature over the batch's last record,
/// and is authentic only through the prev links up to it. What an attacker does inside a batch is still named.
/// </summary>
public sealed class SealedBatchTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly NodeIdentity _identity = NodeIdentity.Generate("node-a");
    private readonly string _path;

    public SealedBatchTests()
    {
        _path = _dir.File("a.jsonl");
        using var writer = Open();
        writer.Append(AuditEvents.Policy, null, null, null, new Dictionary<string, string> { ["min_threshold"] = "3" });
        // Records 2..9: one batch sealed by record 9; then 10..13: a second batch.
        writer.AppendBatch(Entries(1, 8));
        writer.AppendBatch(Entries(9, 4));
    }

    public void Dispose()
    {
        _identity.Dispose();
        _dir.Dispose();
    }

    private AuditTrailWriter Open(AuditTrailOptions? options = null) => new(_path, _identity.Id, _identity.Sign, _identity.PublicKey, "run-1", new StepClock(), options);

    private static List<AuditEntry> Entries(int firstRound, int count) =>
        [.. Enumerable.Range(firstRound, count).Select(r => new AuditEntry(AuditEvents.DpSpent, "exp", r, null, new Dictionary<string, string> { ["epsilon"] = $"0.{r}" }))];

    private AuditReport Verify() => AuditVerifier.Verify([_path]);

    private static (long Seal, string Sig) SealOf(string line)
    {
        using var json = JsonDocument.Parse(line);
        return (json.RootElement.GetProperty("seal").GetInt64(), json.RootElement.GetProperty("sig").GetString()!);
    }

    [Fact]
    public void AppendBatch_RecordsShareTheSignatureOfTheirLastRecord_AndVerifyClean()
    {
        var lines = TrailEdits.Lines(_path);
        Assert.Equal(14, lines.Count);
        var seals = lines.Select(SealOf).ToArray();
        Assert.All(seals[2..10], s => Assert.Equal(seals[9], s));
        Assert.Equal(9, seals[9].Seal);
        Assert.All(seals[10..14], s => Assert.Equal((13L, seals[13].Sig), s));
        Assert.NotEqual(seals[9].Sig, seals[13].Sig);
        var report = Verify();
        Assert.Empty(report.Findings);
        Assert.Equal(14, report.Records);
    }

    [Fact]
    public void Verify_RecordEditedInsideABatch_IsNamed_AndTheRecordsBeforeItInTheBatchAreUnsealed()
    {
        TrailEdits.Edit(_path, 5, l => l.Replace("\"0.4\"", "\"0.0\"", StringComparison.Ordinal));

        var findings = Verify().Findings;
        Assert.Equal(2, findings.Count);
        var edited = Assert.Single(findings, f => f.Rule == AuditRules.Signature);
        Assert.Equal(5, edited.Seq);
        var unsealed = Assert.Single(findings, f => f.Rule == AuditRules.Unsealed);
        Assert.Equal(2, unsealed.Seq);
        Assert.Contains("records 2..4 cannot be authenticated", unsealed.Message);
    }

    [Fact]
    public void Verify_SealRecordEdited_IsASignatureFinding_AndItsBatchIsUnsealed()
    {
        TrailEdits.Edit(_path, 9, l => l.Replace("\"0.8\"", "\"0.0\"", StringComparison.Ordinal));

        var findings = Verify().Findings;
        Assert.Equal([AuditRules.Signature, AuditRules.Unsealed], findings.Select(f => f.Rule));
        Assert.Equal(9, findings[0].Seq);
        Assert.Contains("records 2..8 cannot be authenticated", findings[1].Message);
    }

    [Fact]
    public void Verify_RecordDeletedInsideABatch_IsAGap_AndTheRecordsBeforeItAreUnsealed()
    {
        TrailEdits.Delete(_path, 6);

        var findings = Verify().Findings;
        Assert.Equal(2, findings.Count);
        Assert.Contains("record 6 is missing", Assert.Single(findings, f => f.Rule == AuditRules.Gap).Message);
        Assert.Contains("records 2..5 cannot be authenticated: record 6", Assert.Single(findings, f => f.Rule == AuditRules.Unsealed).Message);
    }

    [Fact]
    public void Verify_SignatureFieldCopiedFromAnotherBatch_IsNamed()
    {
        var lines = TrailEdits.Lines(_path);
        var otherSig = SealOf(lines[13]).Sig;
        TrailEdits.Edit(_path, 4, l => l.Replace(SealOf(l).Sig, otherSig, StringComparison.Ordinal));

        var findings = Verify().Findings;
        Assert.Equal(4, Assert.Single(findings, f => f.Rule == AuditRules.Signature).Seq);
        Assert.Contains("records 2..3", Assert.Single(findings, f => f.Rule == AuditRules.Unsealed).Message);
    }

    [Fact]
    public void Verify_TrailCutInsideABatch_LeavesItsRecordsUnsealed_AndTheWriterRefusesToContinueIt()
    {
        TrailEdits.KeepFirst(_path, 12); // a kill while writing the second batch: 10 and 11 written, 12 and 13 not

        var finding = Assert.Single(Verify().Findings);
        Assert.Equal(AuditRules.Unsealed, finding.Rule);
        Assert.Contains("records 10..11 cannot be authenticated: the trail ends before their seal, record 13", finding.Message);
        Assert.Throws<InvalidDataException>(() => Open());
    }

    [Fact]
    public void Verify_TrailCutAtABatchBoundary_IsAValidPrefix_AndCanBeContinued()
    {
        TrailEdits.KeepFirst(_path, 10);

        Assert.Empty(Verify().Findings);
        using (var writer = Open()) writer.AppendBatch(Entries(20, 3));
        Assert.Empty(Verify().Findings);
    }

    [Fact]
    public async Task BackgroundSink_SealsABurstWithOneSignature_StampsEventsWhenQueued_AndVerifiesClean()
    {
        var path = _dir.File("burst.jsonl");
        var clock = new StepClock();
        var options = new AuditTrailOptions { SealInterval = TimeSpan.FromSeconds(5) };
        var writer = new AuditTrailWriter(path, _identity.Id, _identity.Sign, _identity.PublicKey, "run-1", clock);
        await using (var sink = new BackgroundAuditSink(writer, options, clock))
        {
            for (var i = 0; i < 100; i++) sink.Append(new AuditEntry(AuditEvents.DpSpent, "exp", i, null, new Dictionary<string, string> { ["epsilon"] = "1" }));
            var stopwatch = Stopwatch.StartNew();
            await sink.FlushAsync(); // cuts the 5 s gathering short
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"FlushAsync waited {stopwatch.Elapsed} for a 5 s seal interval");
            Assert.Equal(101, File.ReadAllLines(path).Length);
            sink.Append(new AuditEntry(AuditEvents.DpSpent, "exp", 100, null, new Dictionary<string, string> { ["epsilon"] = "1" }));
        } // disposal writes the last event without waiting out the interval

        var lines = File.ReadAllLines(path);
        Assert.Equal(102, lines.Length);
        var sigs = lines.Select(l => SealOf(l).Sig).Distinct().ToArray();
        Assert.True(sigs.Length <= 4, $"{sigs.Length} signatures for 3 bursts (header, 100 events, 1 event)");
        var times = lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("time").GetString()!).ToArray();
        Assert.Equal(times.Order(StringComparer.Ordinal), times);
        Assert.Empty(AuditVerifier.Verify([path]).Findings);
    }
}
