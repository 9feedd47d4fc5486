using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Crypto;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>
/// The cases of Aggregation.Tests' MaliciousServerTests replayed with trails: the honest victim refuses
/// in time, and the auditor still sees what the server tried, from the victim's own signed records.
/// </summary>
public sealed class MaliciousServerTrailTests
{
    private const string Victim = "node-0001";

    private static (AuditReport Report, SimulationOutcome Outcome, AuditedRound Round) Replay(SimulationOptions faults, int n = 5, int? t = null, Action<AuditedRound>? before = null)
    {
        var round = new AuditedRound(n);
        before?.Invoke(round);
        var outcome = round.Run(round.Config(threshold: t), faults);
        round.CloseTrails();
        return (AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey), outcome, round);
    }

    private static (AuditReport Report, SimulationOutcome Outcome, AuditedRound Round) Replay(Func<string, ServerMessage, ServerMessage> tamper, int n = 5, int? t = null) =>
        Replay(new SimulationOptions { TamperServerMessage = tamper }, n, t);

    private static AuditFinding Single(AuditReport report, string rule)
    {
        var matching = report.Findings.Where(f => f.Rule == rule).ToArray();
        Assert.True(matching.Length == 1, $"expected one {rule} finding, got:{Environment.NewLine}{string.Join(Environment.NewLine, report.Findings)}");
        return matching[0];
    }

    private static void AssertVictimRefused(SimulationOutcome outcome, RefusalReason reason) =>
        Assert.Equal(reason, outcome.Refusals[Victim].Reason);

    [Fact]
    public void Verify_WhenServerAsksANodeForBothShares_NamesTheNodeAndTheOwner_EvenThoughItRefusedInTime()
    {
        var (report, outcome, round) = Replay((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Requests = [.. r.Requests, new ShareRequest("node-0003", ShareKind.MaskingKey)] }
            : m);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.BothSharesRequested);

        var finding = Single(report, AuditRules.BothShares);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains($"node '{Victim}' was asked for both (revealed: none)", finding.Message);
        Assert.Contains("owner 'node-0003'", finding.Message);
        var victimTrail = TrailEdits.Lines(round.TrailOf(Victim));
        Assert.Contains(AuditEvents.UnmaskRequested, victimTrail[(int)finding.Seq!.Value]);
        Assert.DoesNotContain(victimTrail, l => l.Contains("\"event\":\"unmask.revealed\"", StringComparison.Ordinal));
        // Asking for a survivor's masking key also contradicts the survivor set in the same request.
        Assert.Contains("node-0003:MaskingKey", Single(report, AuditRules.Contradicts).Message);
    }

    [Fact]
    public void Verify_WhenServerAsksForTheMaskingKeyOfASurvivor_FindsTheContradiction()
    {
        var (report, outcome, round) = Replay((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Requests = r.Requests.Select(q => q.Owner == "node-0002" ? q with { Kind = ShareKind.MaskingKey } : q).ToArray() }
            : m);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.ShareContradictsSurvivorSet);

        var finding = Single(report, AuditRules.Contradicts);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("node-0002:MaskingKey", finding.Message);
    }

    [Fact]
    public void Verify_WhenServerSubstitutesAPublicKey_FindsTheRelayedAdvertisementItsAuthorNeverSent()
    {
        var forged = new byte[X25519.KeySize];
        X25519.GenerateKeyPair(new byte[X25519.KeySize], forged);
        var (report, outcome, round) = Replay((to, m) => to == Victim && m is AdvertisedKeys a
            ? a with { Advertisements = a.Advertisements.Select(ad => ad.Sender == "node-0002" ? ad with { MaskingPublicKey = forged } : ad).ToArray() }
            : m);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.BadKeySignature);

        var finding = Single(report, AuditRules.Relay);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("AdvertisedKeys", finding.Message);
        Assert.Contains("'node-0002'", finding.Message);
    }

    [Fact]
    public void Verify_WhenServerShowsDifferentSurvivorSets_NamesTheNodeShownTheOtherSet()
    {
        ConsistencySignature? victimSignature = null;
        var (report, outcome, round) = Replay(new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is SurvivorSet s
                ? s with { Survivors = s.Survivors.Where(id => id != "node-0004").ToArray() }
                : m,
            ObserveClientMessage = m => { if (m is ConsistencySignature c && c.Sender == Victim) victimSignature = c; },
            TamperStageMessages = (stage, messages) =>
            {
                if (stage != SecAggStage.Unmask) return messages;
                var honest = (UnmaskRequest)messages["node-0000"];
                var lie = honest with
                {
                    Survivors = honest.Survivors.Where(id => id != "node-0004").ToArray(),
                    Signatures = [.. honest.Signatures, victimSignature!],
                    Requests = honest.Requests.Select(q => q.Owner == "node-0004" ? q with { Kind = ShareKind.MaskingKey } : q).ToArray(),
                };
                return new Dictionary<string, ServerMessage>(messages) { [Victim] = lie };
            },
        }, t: 3);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.BadConsistencySignature);

        var finding = Single(report, AuditRules.Survivors);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains($"'{Victim}' holds survivors [node-0000, node-0001, node-0002, node-0003]", finding.Message);
        Assert.Contains("while 4 participant(s) hold survivors [node-0000, node-0001, node-0002, node-0003, node-0004]", finding.Message); // the other four nodes, each told it by the researcher
    }

    [Fact]
    public void Verify_WhenTheUnmaskRequestNamesAnotherSurvivorSet_NamesTheNode()
    {
        var (report, outcome, round) = Replay((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Survivors = r.Survivors.Where(id => id != "node-0004").ToArray() }
            : m);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.InconsistentSurvivorSet);
        Assert.Equal(round.TrailOf(Victim), Single(report, AuditRules.Survivors).TrailFile);
    }

    [Fact]
    public void Verify_WhenServerGivesNodesDifferentParameters_NamesTheNodeAndItsThreshold()
    {
        KeyAdvertisement? victimAd = null;
        var (report, outcome, round) = Replay(new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is RoundStart s ? new RoundStart(s.Config with { Threshold = 3 }) : m,
            ObserveClientMessage = m => { if (m is KeyAdvertisement a && a.Sender == Victim) victimAd = a; },
            TamperStageMessages = (stage, messages) =>
            {
                if (stage != SecAggStage.ShareKeys) return messages;
                var honest = (AdvertisedKeys)messages["node-0000"];
                return new Dictionary<string, ServerMessage>(messages) { [Victim] = honest with { Advertisements = [.. honest.Advertisements, victimAd!] } };
            },
        }, t: 4);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.BadKeySignature);

        var finding = Single(report, AuditRules.Parameters);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains($"'{Victim}' holds parameters threshold=3", finding.Message);
        Assert.Contains("hold parameters threshold=4", finding.Message);
    }

    [Fact]
    public void Verify_WhenServerForgesAShare_FindsTheRelayedShareItsAuthorNeverSent()
    {
        var (report, outcome, round) = Replay((to, m) =>
        {
            if (to != Victim || m is not ForwardedShares f) return m;
            var tampered = (byte[])f.Shares[0].Ciphertext.Clone();
            tampered[^20] ^= 0x01;
            return f with { Shares = [f.Shares[0] with { Ciphertext = tampered }, .. f.Shares.Skip(1)] };
        });
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.ForgedShare);
        Assert.Contains("ForwardedShares", Single(report, AuditRules.Relay).Message);
    }

    [Fact]
    public void Verify_WhenServerReaddressesAnotherNodesShare_FindsTheRelayedShare()
    {
        EncryptedShare? meantForOther = null;
        var (report, outcome, round) = Replay((to, m) =>
        {
            if (m is not ForwardedShares f) return m;
            if (to == "node-0000") meantForOther = f.Shares.First(s => s.Sender == "node-0002");
            if (to != Victim) return f;
            return f with { Shares = f.Shares.Select(s => s.Sender == "node-0002" ? meantForOther! with { Receiver = Victim } : s).ToArray() };
        });
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.ForgedShare);
        Assert.Contains("'node-0002'", Single(report, AuditRules.Relay).Message);
    }

    [Fact]
    public void Verify_WhenServerForwardsFewerSharesThanThreshold_FindsTheWithheldShares()
    {
        var (report, outcome, round) = Replay((to, m) => to == Victim && m is ForwardedShares f
            ? f with { Shares = f.Shares.Take(1).ToArray() }
            : m, t: 4);
        using var _ = round;
        AssertVictimRefused(outcome, RefusalReason.BelowThreshold);
        var finding = Single(report, AuditRules.Withheld);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("node-0002, node-0003, node-0004", finding.Message);
    }

    [Fact]
    public void Verify_WhenServerReplaysAMessageFromAnotherRound_FindsTheLateMessage()
    {
        ForwardedShares? captured = null;
        using var round = new AuditedRound(4);
        Assert.True(round.Run(round.Config(round: 1, threshold: 3), new SimulationOptions
        {
            TamperServerMessage = (to, m) =>
            {
                if (to == Victim && m is ForwardedShares f) captured = f;
                return m;
            },
        }).Completed);
        var outcome = round.Run(round.Config(round: 2, threshold: 3), new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is ForwardedShares ? captured! : m,
        });
        round.CloseTrails();
        AssertVictimRefused(outcome, RefusalReason.WrongSession);

        var report = AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey);
        // The replayed message names round 1, where its shares are genuine: what gives it away is that it
        // arrived after round 2 started.
        var finding = Single(report, AuditRules.StageOrder);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("ForwardedShares of exp round 1 received after round 2 started", finding.Message);
    }

    [Fact]
    public void Verify_WhenServerReplaysAnOldRoundStart_FindsTheRepeatedAndBackwardRounds()
    {
        using var round = new AuditedRound(4);
        var config = round.Config(round: 5, threshold: 3);
        Assert.True(round.Run(config).Completed);
        Assert.False(round.Run(config).Completed);
        Assert.False(round.Run(round.Config(round: 4, threshold: 3)).Completed);
        round.CloseTrails();

        var report = AuditVerifier.Verify(round.Trails, round.Sim.Roster, round.Researcher.PublicKey);
        var victimFindings = report.Findings.Where(f => f.TrailFile == round.TrailOf(Victim) && f.Rule == AuditRules.StageOrder).ToArray();
        Assert.Contains(victimFindings, f => f.Message.Contains("a second round.start for exp round 5", StringComparison.Ordinal));
        Assert.Contains(victimFindings, f => f.Message.Contains("rounds go backwards", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_WhenTheServerTrailLiesAboutWhatItSent_FindsTheMismatchedMessage()
    {
        var (report, outcome, round) = Replay(new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is UnmaskRequest r
                ? r with { Requests = [.. r.Requests, new ShareRequest("node-0003", ShareKind.MaskingKey)] }
                : m,
        }, before: r => r.ResearcherRecordsUntampered = true);
        using var _ = round;
        var finding = Single(report, AuditRules.Message);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("UnmaskRequest", finding.Message);
        Assert.Equal(round.TrailOf(Victim), Single(report, AuditRules.BothShares).TrailFile);
    }

    [Fact]
    public void Verify_WhenNodesAreShownDifferentGlobalModels_NamesTheNode()
    {
        var (report, _, round) = Replay(new SimulationOptions(), before: r => r.ModelShownTo = (node, real) => node == Victim ? new string('e', 64) : real);
        using var _ = round;
        var finding = Single(report, AuditRules.Model);
        Assert.Equal(round.TrailOf(Victim), finding.TrailFile);
    }

    [Fact]
    public void Verify_WhenANodeTakesPartBelowItsPolicy_FindsThePolicyViolation()
    {
        using var round = new AuditedRound(5, policy: new AuditPolicy(MinThreshold: 4, MaxEpsilon: 1));
        Assert.True(round.Run(round.Config(threshold: 3)).Completed);
        round.Recorder(Victim).DpSpent("exp", 1, 1.5, 1e-5);
        round.CloseTrails();

        var findings = AuditVerifier.Verify(round.Trails).Findings.Where(f => f.TrailFile == round.TrailOf(Victim)).ToArray();
        Assert.All(findings, f => Assert.Equal(AuditRules.Policy, f.Rule));
        Assert.Contains(findings, f => f.Message.Contains("threshold 3 is below its minimum 4", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("no DP", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("ε = 1.5", StringComparison.Ordinal));
    }
}
