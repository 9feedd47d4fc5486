using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>An honest round's trails, then one alteration each: the verifier names it, once.</summary>
public sealed class TamperedTrailTests : IDisposable
{
    private const string Node = "node-0002";
    private readonly AuditedRound _round;

    public TamperedTrailTests()
    {
        // One record per message, so that an altered received message is one finding: a node's step record also holds the
        // reply it sent, whose loss the other trails show too (Verify_DeletedStepRecord_LosesItsReplyToo).
        _round = new AuditedRound(5) { NodeSteps = false };
        Assert.True(_round.Run(_round.Config()).Completed);
        _round.CloseTrails();
    }

    public void Dispose() => _round.Dispose();

    private string NodeTrail => _round.TrailOf(Node);

    private AuditReport Verify() => AuditVerifier.Verify(_round.Trails, _round.Sim.Roster, _round.Researcher.PublicKey);

    private static AuditFinding Only(AuditReport report, string rule)
    {
        var finding = Assert.Single(report.Findings);
        Assert.Equal(rule, finding.Rule);
        return finding;
    }

    [Fact]
    public void Verify_EditedRecord_IsOneSignatureFinding()
    {
        var index = TrailEdits.IndexOf(NodeTrail, AuditEvents.SurvivorsSeen);
        TrailEdits.Edit(NodeTrail, index, l => l.Replace("node-0004", "node-0009", StringComparison.Ordinal));

        var finding = Only(Verify(), AuditRules.Signature);
        Assert.Equal(NodeTrail, finding.TrailFile);
        Assert.Equal(index, finding.Seq);
    }

    [Fact]
    public void Verify_DeletedRecord_IsOneGapFinding()
    {
        // A received message: a sent one's deletion would also leave the researcher's receipt of it unmatched (message.mismatch).
        var index = TrailEdits.IndexOf(NodeTrail, AuditEvents.SurvivorsSeen);
        TrailEdits.Delete(NodeTrail, index);

        var finding = Only(Verify(), AuditRules.Gap);
        Assert.Equal(index + 1, finding.Seq);
        Assert.Contains($"record {index} is missing", finding.Message);
    }

    [Fact]
    public void Verify_DeletedStepRecord_IsAGap_AndLosesItsReplyToo()
    {
        using var round = new AuditedRound(5);
        Assert.True(round.Run(round.Config()).Completed);
        round.CloseTrails();
        var trail = round.TrailOf(Node);
        var index = TrailEdits.IndexOf(trail, AuditEvents.SurvivorsSeen); // with the consistency signature it caused
        TrailEdits.Delete(trail, index);

        var report = AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey);
        var gap = Assert.Single(report.Findings, f => f.Rule == AuditRules.Gap);
        Assert.Equal((trail, index + 1L), (gap.TrailFile, gap.Seq));
        var receipt = Assert.Single(report.Findings, f => f.Rule == AuditRules.Message);
        Assert.Contains($"received ConsistencySignature from '{Node}'", receipt.Message);
    }

    [Fact]
    public void Verify_SwappedRecords_IsOneOrderFinding()
    {
        var index = TrailEdits.IndexOf(NodeTrail, AuditEvents.SurvivorsSeen);
        TrailEdits.Swap(NodeTrail, index);

        var finding = Only(Verify(), AuditRules.Order);
        Assert.Equal(index, finding.Seq);
    }

    [Fact]
    public void Verify_NodeTrailCutBeforeItsUnmaskResponse_IsAnIncompleteRound_AndAReceiptItsTrailLacks()
    {
        // The chain of a cut trail is a valid prefix; the cut shows because the round never ends in it and
        // the researcher's trail holds a response the node's trail no longer shows sending.
        var index = TrailEdits.IndexOf(NodeTrail, AuditEvents.UnmaskRequested);
        TrailEdits.KeepFirst(NodeTrail, index + 1);

        var report = Verify();
        Assert.DoesNotContain(report.Findings, f => f.Rule.StartsWith("chain.", StringComparison.Ordinal));
        var incomplete = Assert.Single(report.Findings, f => f.Rule == AuditRules.Incomplete);
        Assert.Equal(NodeTrail, incomplete.TrailFile);
        var receipt = Assert.Single(report.Findings, f => f.Rule == AuditRules.Message);
        Assert.Equal(_round.TrailOf(AuditedRound.ResearcherId), receipt.TrailFile);
        Assert.Contains("UnmaskResponse", receipt.Message);
        Assert.Equal(2, report.Findings.Count);
    }

    [Fact]
    public void Verify_ResearcherTrailCutBeforeTheResult_IsAnIncompleteRound()
    {
        var researcher = _round.TrailOf(AuditedRound.ResearcherId);
        TrailEdits.KeepFirst(researcher, TrailEdits.IndexOf(researcher, AuditEvents.RoundResult));

        var report = Verify();
        var incomplete = Assert.Single(report.Findings, f => f.Rule == AuditRules.Incomplete);
        Assert.Equal(researcher, incomplete.TrailFile);
        // Each node received the global model from the researcher, which its cut trail no longer shows.
        Assert.Equal(5, report.Findings.Count(f => f.Rule == AuditRules.Message && f.Message.Contains("GlobalModel", StringComparison.Ordinal)));
    }

    [Fact]
    public void Verify_TrailOfAnotherRunMixedIn_IsOneRunFinding()
    {
        using var dir = new TempDirectory();
        using var other = new AuditedRound(5, runId: "run-2", directory: dir.Path);
        Assert.True(other.Run(other.Config()).Completed);
        other.CloseTrails();
        var trails = _round.Trails.Append(other.TrailOf(Node)).ToArray();

        var finding = Only(AuditVerifier.Verify(trails), AuditRules.Run);
        Assert.Equal(other.TrailOf(Node), finding.TrailFile);
        Assert.Contains("run-2", finding.Message);
    }

    [Fact]
    public void Verify_RecordsSplicedFromAnotherRunOfTheSameNode_BreakThePrevLinks()
    {
        // Same node identity in both runs, so the spliced records' signatures verify.
        using var dir = new TempDirectory();
        var run2 = Path.Combine(dir.Path, "node.jsonl");
        using (var writer = new AuditTrailWriter(run2, Node, _round.Sim.Identity(Node).Sign, _round.Sim.Identity(Node).PublicKey, "run-2", new StepClock()))
        {
            for (var i = 0; i < 8; i++) writer.Append(AuditEvents.DpSpent, "exp", 1, null, new Dictionary<string, string> { ["epsilon"] = "0" });
        }
        var lines = TrailEdits.Lines(NodeTrail);
        var foreign = TrailEdits.Lines(run2);
        lines[3] = foreign[3];
        TrailEdits.Write(NodeTrail, lines);

        var findings = Verify().Findings;
        Assert.Equal([AuditRules.Prev, AuditRules.Prev], findings.Select(f => f.Rule).Take(2));
        Assert.Equal([3L, 4L], findings.Select(f => f.Seq!.Value).Take(2));
    }

    [Fact]
    public void Verify_RecordSignedWithAnotherKey_IsOneSignatureFinding()
    {
        using var intruder = NodeIdentity.Generate("intruder");
        var index = TrailEdits.IndexOf(NodeTrail, AuditEvents.UnmaskRequested); // received, as in Verify_DeletedRecord_IsOneGapFinding
        var lines = TrailEdits.Lines(NodeTrail);
        lines[index] = Resign(lines[index], intruder, l => l.Replace("SelfMaskSeed", "MaskingKey", StringComparison.Ordinal));
        TrailEdits.Write(NodeTrail, lines);

        Assert.Equal(index, Only(Verify(), AuditRules.Signature).Seq);
    }

    [Theory]
    [InlineData(new[] { "a", "b%,c" }, false)]
    [InlineData(new[] { "a" }, true)]
    public void Verify_OneRecordForAMessageSentToSeveral_MatchesEachRecipientsReceipt(string[] named, bool unmatched)
    {
        // One record stands for a message sent alike to several nodes; a node it does not name has a receipt without a send.
        using var dir = new TempDirectory();
        using var researcher = NodeIdentity.Generate("researcher");
        using var a = NodeIdentity.Generate("a");
        using var bc = NodeIdentity.Generate("b%,c");
        using (var writer = new AuditTrailWriter(dir.File("researcher.jsonl"), "researcher", researcher.Sign, researcher.PublicKey, "run", new StepClock(), new AuditTrailOptions { Role = AuditRoles.Researcher }))
            new AuditRecorder(writer).Sent("exp", 1, null, AuditMessageTypes.TrainingRequest, "ab12", named);
        foreach (var node in new[] { a, bc })
        {
            using var writer = new AuditTrailWriter(dir.File(node.Id.Length + ".jsonl"), node.Id, node.Sign, node.PublicKey, "run", new StepClock());
            new AuditRecorder(writer).Received("exp", 1, null, AuditMessageTypes.TrainingRequest, "ab12", "researcher");
        }

        var report = AuditVerifier.Verify([dir.File("researcher.jsonl"), dir.File("1.jsonl"), dir.File("4.jsonl")]);
        if (!unmatched)
        {
            Assert.Empty(report.Findings);
            return;
        }
        var finding = Only(report, AuditRules.Message);
        Assert.Equal(dir.File("4.jsonl"), finding.TrailFile);
        Assert.Contains("'b%,c' received TrainingRequest from 'researcher'", finding.Message);
    }

    [Theory]
    [InlineData("ab12", "cd34", null)]
    [InlineData("ab12", "ee99", AuditRules.Message)]
    [InlineData("ab12", "cd34,ff00", AuditRules.MessageLists)]
    public void Verify_OneRecordForMessagesFromSeveral_MatchesEachSendersRecord(string fromA, string fromBc, string? rule)
    {
        // The researcher's one record of a stage's replies lists the senders, and their digests in the same order.
        using var dir = new TempDirectory();
        using var researcher = NodeIdentity.Generate("researcher");
        using var a = NodeIdentity.Generate("a");
        using var bc = NodeIdentity.Generate("b%,c");
        using (var writer = new AuditTrailWriter(dir.File("researcher.jsonl"), "researcher", researcher.Sign, researcher.PublicKey, "run", new StepClock(), new AuditTrailOptions { Role = AuditRoles.Researcher }))
        {
            new AuditRecorder(writer).Received("exp", 1, null, AuditMessageTypes.TrainingReply, [("a", fromA, 10), ("b%,c", fromBc, 20)]);
        }
        foreach (var (node, sha256) in new[] { (a, "ab12"), (bc, "cd34") })
        {
            using var writer = new AuditTrailWriter(dir.File(node.Id.Length + ".jsonl"), node.Id, node.Sign, node.PublicKey, "run", new StepClock());
            new AuditRecorder(writer).Sent("exp", 1, null, AuditMessageTypes.TrainingReply, sha256, "researcher");
        }

        var report = AuditVerifier.Verify([dir.File("researcher.jsonl"), dir.File("1.jsonl"), dir.File("4.jsonl")]);
        if (rule is null)
        {
            Assert.Empty(report.Findings);
            return;
        }
        var finding = Only(report, rule);
        Assert.Equal(dir.File("researcher.jsonl"), finding.TrailFile);
        Assert.Contains(rule == AuditRules.Message ? "received TrainingReply from 'b%,c' with sha256 ee99" : "from 2 peer(s) with 3 digest(s)", finding.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b")]
    public void Verify_ASentMessageNamingNoneOrSeveralSenders_IsAMalformedRecord_NotACrash(string from)
    {
        // A signed record the recorder would never write: a message sent by nobody, or by two participants.
        using var dir = new TempDirectory();
        using var researcher = NodeIdentity.Generate("researcher");
        using (var writer = new AuditTrailWriter(dir.File("researcher.jsonl"), "researcher", researcher.Sign, researcher.PublicKey, "run", new StepClock(), new AuditTrailOptions { Role = AuditRoles.Researcher }))
        {
            ((IAuditSink)writer).Append(AuditEvents.MessageSent, "exp", 1, null, new Dictionary<string, string>
            {
                [AuditAttrs.Type] = AuditMessageTypes.GlobalModel, [AuditAttrs.Sha256] = "ab12", [AuditAttrs.From] = from, [AuditAttrs.To] = "a",
            });
        }

        var finding = Only(AuditVerifier.Verify([dir.File("researcher.jsonl")]), AuditRules.MessageLists);
        Assert.Contains("sender", finding.Message);
    }

    [Fact]
    public void Verify_WholeTrailForgedUnderAnotherKey_IsOneRosterFinding()
    {
        using var intruder = NodeIdentity.Generate(Node);
        var lines = TrailEdits.Lines(NodeTrail);
        var forged = Path.Combine(_round.Directory, "forged.jsonl");
        using (var writer = new AuditTrailWriter(forged, Node, intruder.Sign, intruder.PublicKey, "run-1", new StepClock()))
        {
            writer.Append(AuditEvents.Policy, null, null, null, new Dictionary<string, string>());
        }
        var trails = _round.Trails.Where(t => t != NodeTrail).Append(forged).ToArray();

        var finding = Only(AuditVerifier.Verify(trails, _round.Sim.Roster, _round.Researcher.PublicKey), AuditRules.RosterKey);
        Assert.Equal(forged, finding.TrailFile);
        Assert.NotEmpty(lines);
    }

    /// <summary>Changes a line's content and signs it again with <paramref name="key"/>, keeping seq and prev.</summary>
    private static string Resign(string line, NodeIdentity key, Func<string, string> change)
    {
        var sigStart = line.LastIndexOf(",\"sig\":\"", StringComparison.Ordinal);
        var unsigned = change(line[..sigStart]) + "}";
        var signature = Convert.ToHexStringLower(key.Sign(System.Text.Encoding.UTF8.GetBytes(unsigned)));
        return unsigned[..^1] + ",\"sig\":\"" + signature + "\"}";
    }
}
