using System.Text.Json;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

public sealed class AuditTrailWriterTests
{
    private static readonly Dictionary<string, string> NoAttrs = [];

    private static AuditTrailWriter Open(string path, NodeIdentity identity, string run = "run-1") =>
        new(path, identity.Id, identity.Sign, identity.PublicKey, run, new StepClock());

    [Fact]
    public void Append_WritesAHeaderThenChainedSignedCanonicalRecords()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        using (var writer = Open(path, identity))
        {
            writer.Append(AuditEvents.Policy, null, null, null, new Dictionary<string, string> { ["min_threshold"] = "3" });
            var record = writer.Append(AuditEvents.DpSpent, "exp", 1, "00ff", new Dictionary<string, string> { ["epsilon"] = "0.5", ["delta"] = "1E-05" });
            Assert.Equal(2, record.Seq);
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"seq\":0,\"prev\":\"" + new string('0', 64) + "\",\"time\":\"2026-01-01T00:00:00.0010000Z\",\"participant\":\"node-a\",\"event\":\"trail.start\",\"experiment\":null,\"round\":null,\"session\":null,\"attrs\":{\"format\":\"fedbiomed-audit/4\",\"public_key\":\"" + Convert.ToHexStringLower(identity.PublicKey) + "\",\"role\":\"node\",\"run\":\"run-1\"},\"seal\":0,\"sig\":\"", lines[0]);
        using var last = JsonDocument.Parse(lines[2]);
        // prev is the SHA-256 of the previous record's signed bytes: its line without the sig property.
        var signedBytesOfRecord1 = lines[1][..lines[1].LastIndexOf(",\"sig\":\"", StringComparison.Ordinal)] + "}";
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(signedBytesOfRecord1))), last.RootElement.GetProperty("prev").GetString());
        Assert.Equal(2, last.RootElement.GetProperty("seal").GetInt64());
        Assert.Equal("{\"delta\":\"1E-05\",\"epsilon\":\"0.5\"}", last.RootElement.GetProperty("attrs").GetRawText());
        Assert.True(AuditVerifier.Verify([path]).Clean);
    }

    [Fact]
    public void Constructor_ContinuesAnExistingTrailThatVerifies()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        using (var writer = Open(path, identity)) writer.Append(AuditEvents.Policy, null, null, null, NoAttrs);
        using (var writer = Open(path, identity))
        {
            Assert.Equal(2, writer.NextSeq);
            writer.Append(AuditEvents.Policy, null, null, null, NoAttrs);
        }
        Assert.Equal(3, File.ReadAllLines(path).Length);
        Assert.True(AuditVerifier.Verify([path]).Clean);
    }

    [Fact]
    public void Constructor_RefusesToAppendToATamperedTrail()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        using (var writer = Open(path, identity)) writer.Append(AuditEvents.Policy, null, null, null, new Dictionary<string, string> { ["min_threshold"] = "3" });
        TrailEdits.Edit(path, 1, l => l.Replace("\"3\"", "\"2\"", StringComparison.Ordinal));

        var refusal = Assert.Throws<InvalidDataException>(() => Open(path, identity));
        Assert.Contains("chain.signature", refusal.Message);
    }

    [Fact]
    public void Constructor_RefusesATornLastLine_AndTheVerifierReportsIt()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        using (var writer = Open(path, identity)) writer.Append(AuditEvents.Policy, null, null, null, NoAttrs);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]); // a kill in the middle of the second record

        Assert.Throws<InvalidDataException>(() => Open(path, identity));
        var finding = Assert.Single(AuditVerifier.Verify([path]).Findings);
        Assert.Equal(AuditRules.Torn, finding.Rule);
    }

    [Fact]
    public void Constructor_RefusesAnotherRunOrParticipantInTheSameFile()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        Open(path, identity).Dispose();
        Assert.Contains("run-2", Assert.Throws<InvalidDataException>(() => Open(path, identity, run: "run-2")).Message);
    }

    [Fact]
    public void Constructor_RefusesASigningFunctionThatDoesNotMatchTheKey()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        using var other = NodeIdentity.Generate("node-b");
        var path = dir.File("a.jsonl");
        Assert.Throws<ArgumentException>(() => new AuditTrailWriter(path, "node-a", other.Sign, identity.PublicKey, "run-1", new StepClock()));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Append_RefusesEventsOutsideTheVocabulary()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        using var writer = Open(dir.File("a.jsonl"), identity);
        Assert.Throws<ArgumentException>(() => writer.Append("model.weights", null, null, null, NoAttrs));
        Assert.Throws<ArgumentException>(() => writer.Append(AuditEvents.TrailStart, null, null, null, NoAttrs));
    }

    [Fact]
    public void Append_FromManyThreads_KeepsOneValidChain()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var path = dir.File("a.jsonl");
        using (var writer = Open(path, identity))
        {
            Parallel.For(0, 400, i => writer.Append(AuditEvents.DpSpent, "exp", i, null, new Dictionary<string, string> { ["epsilon"] = "1" }));
        }
        var report = AuditVerifier.Verify([path]);
        Assert.Empty(report.Findings);
        Assert.Equal(401, report.Records);
    }

    [Fact]
    public void AuditLists_RoundTripIdsWithSeparators()
    {
        string[] ids = ["plain", "with,comma", "with:colon", "100%"];
        Assert.Equal(ids, AuditLists.Split(AuditLists.Join(ids)));
        var pairs = AuditLists.SplitPairs(AuditLists.JoinPairs(ids.Select(id => (id, "MaskingKey"))));
        Assert.Equal(ids, pairs.Select(p => p.Owner));
    }
}
