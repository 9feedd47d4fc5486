using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.Tests;

/// <summary>
/// The server is the adversary: each test alters what it delivers to one honest node, and that node
/// refuses, says why, and reveals nothing further.
/// </summary>
public sealed class MaliciousServerTests
{
    private const string Victim = "node-0001";

    /// <summary>One full-SecAgg round of <paramref name="n"/> nodes under <paramref name="options"/>; the caller disposes the simulation.</summary>
    private static (SimulationOutcome Outcome, SecAggSimulation Sim) Run(SimulationOptions options, int n = 5, int t = 3)
    {
        var sim = new SecAggSimulation(n);
        var config = sim.CreateConfig("exp", 1, t, n - 1, vectorLength: 16, wordBits: 32, maxAbsInput: TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, config, seed: 3);
        return (sim.Run(config, id => inputs[id], options), sim);
    }

    private static (SimulationOutcome Outcome, SecAggSimulation Sim) RunWithTamper(Func<string, ServerMessage, ServerMessage> tamper, int n = 5, int t = 3) =>
        Run(new SimulationOptions { TamperServerMessage = tamper }, n, t);

    private static SecAggRefusedException VictimRefusal(SimulationOutcome outcome)
    {
        Assert.True(outcome.Refusals.TryGetValue(Victim, out var refusal), "the victim did not refuse");
        return refusal!;
    }

    [Fact]
    public void Unmask_WhenServerAsksForBothShares_Refuses()
    {
        var (outcome, sim) = RunWithTamper((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Requests = [.. r.Requests, new ShareRequest("node-0003", ShareKind.MaskingKey)] }
            : m);
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.BothSharesRequested, refusal.Reason);
        Assert.Contains("node-0003", refusal.Message);
    }

    [Fact]
    public void Unmask_WhenServerAsksForMaskingKeyOfSurvivor_Refuses()
    {
        var (outcome, sim) = RunWithTamper((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Requests = r.Requests.Select(q => q.Owner == "node-0002" ? q with { Kind = ShareKind.MaskingKey } : q).ToArray() }
            : m);
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.ShareContradictsSurvivorSet, refusal.Reason);
        Assert.Contains("node-0002", refusal.Message);
    }

    [Fact]
    public void ShareKeys_WhenServerSubstitutesAPublicKey_Refuses()
    {
        var forged = new byte[X25519.KeySize];
        X25519.GenerateKeyPair(new byte[X25519.KeySize], forged);
        var (outcome, sim) = RunWithTamper((to, m) => to == Victim && m is AdvertisedKeys a
            ? a with { Advertisements = a.Advertisements.Select(ad => ad.Sender == "node-0002" ? ad with { MaskingPublicKey = forged } : ad).ToArray() }
            : m);
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.BadKeySignature, refusal.Reason);
        Assert.Contains("node-0002", refusal.Message);
        // The others may finish without the victim, whose input then stays out of the sum.
        Assert.DoesNotContain(Victim, outcome.Result?.Survivors ?? []);
    }

    [Fact]
    public void ConsistencyCheck_WhenServerShowsDifferentSurvivorSets_Refuses()
    {
        // The attack: tell the victim node-0004 dropped (so it reveals node-0004's masking-key share) while
        // everyone else reveals node-0004's self-mask share. The victim needs t signatures over the set it
        // was shown, and the others signed a different one.
        ConsistencySignature? victimSignature = null;
        var (outcome, sim) = Run(new SimulationOptions
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
        });
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.BadConsistencySignature, refusal.Reason);
        Assert.Contains("different sets", refusal.Message);
    }

    [Fact]
    public void Unmask_WhenRequestNamesAnotherSurvivorSetThanTheSignedOne_Refuses()
    {
        var (outcome, sim) = RunWithTamper((to, m) => to == Victim && m is UnmaskRequest r
            ? r with { Survivors = r.Survivors.Where(id => id != "node-0004").ToArray() }
            : m);
        using var _ = sim;
        Assert.Equal(RefusalReason.InconsistentSurvivorSet, VictimRefusal(outcome).Reason);
    }

    [Fact]
    public void AnyStage_WhenServerReplaysAMessageFromAnotherRound_Refuses()
    {
        ForwardedShares? captured = null;
        using var sim = new SecAggSimulation(4);
        var first = sim.CreateConfig("exp", 1, 3, 3, 8, 32, TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, first, 5);
        Assert.True(sim.Run(first, id => inputs[id], new SimulationOptions
        {
            TamperServerMessage = (to, m) =>
            {
                if (to == Victim && m is ForwardedShares f) captured = f;
                return m;
            },
        }).Completed);

        var second = sim.CreateConfig("exp", 2, 3, 3, 8, 32, TestInputs.MaxAbs32);
        var outcome = sim.Run(second, id => inputs[id], new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is ForwardedShares ? captured! : m,
        });

        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.WrongSession, refusal.Reason);
    }

    [Fact]
    public void AdvertiseKeys_WhenServerReplaysAnOldRoundStart_Refuses()
    {
        using var sim = new SecAggSimulation(4);
        var config = sim.CreateConfig("exp", 5, 3, 3, 8, 32, TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, config, 5);
        Assert.True(sim.Run(config, id => inputs[id]).Completed);

        var replay = sim.Run(config, id => inputs[id]);
        var older = sim.Run(sim.CreateConfig("exp", 4, 3, 3, 8, 32, TestInputs.MaxAbs32), id => inputs[id]);

        Assert.Equal(RefusalReason.ReplayedRound, VictimRefusal(replay).Reason);
        Assert.Contains("already used", VictimRefusal(replay).Message);
        Assert.Equal(RefusalReason.ReplayedRound, VictimRefusal(older).Reason);
        Assert.False(replay.Completed);
    }

    [Fact]
    public void MaskedInput_WhenServerForwardsFewerSharesThanThreshold_Refuses()
    {
        var (outcome, sim) = RunWithTamper((to, m) => to == Victim && m is ForwardedShares f
            ? f with { Shares = f.Shares.Take(1).ToArray() }
            : m, n: 5, t: 4);
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.BelowThreshold, refusal.Reason);
        Assert.Contains("threshold 4", refusal.Message);
    }

    [Fact]
    public void MaskedInput_WhenServerForgesAShare_Refuses()
    {
        var (outcome, sim) = RunWithTamper((to, m) =>
        {
            if (to != Victim || m is not ForwardedShares f) return m;
            var first = f.Shares[0];
            var tampered = (byte[])first.Ciphertext.Clone();
            tampered[^20] ^= 0x01;
            return f with { Shares = [first with { Ciphertext = tampered }, .. f.Shares.Skip(1)] };
        });
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.ForgedShare, refusal.Reason);
        Assert.Contains("failed authentication", refusal.Message);
    }

    [Fact]
    public void MaskedInput_WhenServerReaddressesAnotherNodesShare_Refuses()
    {
        EncryptedShare? meantForOther = null;
        var (outcome, sim) = RunWithTamper((to, m) =>
        {
            if (m is not ForwardedShares f) return m;
            if (to == "node-0000") meantForOther = f.Shares.First(s => s.Sender == "node-0002");
            if (to != Victim) return f;
            return f with { Shares = f.Shares.Select(s => s.Sender == "node-0002" ? meantForOther! with { Receiver = Victim } : s).ToArray() };
        });
        using var _ = sim;
        Assert.Equal(RefusalReason.ForgedShare, VictimRefusal(outcome).Reason);
    }

    [Fact]
    public void Refusal_StopsTheVictimFromRevealingAnything()
    {
        var revealedByVictim = 0;
        var (outcome, sim) = Run(new SimulationOptions
        {
            TamperServerMessage = (to, m) => to == Victim && m is UnmaskRequest r
                ? r with { Requests = [.. r.Requests, new ShareRequest("node-0003", ShareKind.MaskingKey)] }
                : m,
            ObserveClientMessage = m => { if (m is UnmaskResponse && m.Sender == Victim) revealedByVictim++; },
        });
        using var _ = sim;
        Assert.Equal(RefusalReason.BothSharesRequested, VictimRefusal(outcome).Reason);
        Assert.Equal(0, revealedByVictim);
    }

    [Fact]
    public void ShareKeys_WhenServerGivesNodesDifferentParameters_Refuses()
    {
        // The victim is told a lower threshold than everyone else. A malicious server relays the victim the
        // others' advertisements anyway; they are signed over the real parameters, so the victim refuses.
        KeyAdvertisement? victimAd = null;
        var (outcome, sim) = Run(new SimulationOptions
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
        using var _ = sim;
        var refusal = VictimRefusal(outcome);
        Assert.Equal(RefusalReason.BadKeySignature, refusal.Reason);
        Assert.Contains("different parameters", refusal.Message);
    }

    [Theory]
    [InlineData(5, 4, 3, 1, false)] // 2t = 6 ≤ k+1+c = 6: one colluder and the server could unmask a node
    [InlineData(5, 4, 4, 1, true)]
    [InlineData(9, 8, 6, 3, false)]
    [InlineData(9, 8, 7, 3, true)]
    public void AdvertiseKeys_WhenThresholdCannotWithstandTheAssumedColluders_Refuses(int n, int k, int t, int colluders, bool accepted)
    {
        using var sim = new SecAggSimulation(n);
        var config = sim.CreateConfig("exp", 1, t, k, 4, 32, TestInputs.MaxAbs32);
        var input = new byte[config.VectorBytes];
        using var client = new SecAggClient(sim.Identity(Victim), sim.Roster, input, new InMemoryRoundReplayGuard(),
            new SecAggClientPolicy { AssumedColludingNodes = colluders });
        if (accepted)
        {
            Assert.IsType<KeyAdvertisement>(client.Handle(new RoundStart(config)));
        }
        else
        {
            var refusal = Assert.Throws<SecAggRefusedException>(() => client.Handle(new RoundStart(config)));
            Assert.Equal(RefusalReason.InvalidParameters, refusal.Reason);
            Assert.Contains("colluding", refusal.Message);
        }
    }

    [Fact]
    public void AdvertiseKeys_WhenOwnInputExceedsTheAnnouncedBound_Refuses()
    {
        using var sim = new SecAggSimulation(3);
        var config = sim.CreateConfig("exp", 1, 2, 2, 4, 32, maxAbsInput: 100);
        var input = new byte[config.VectorBytes];
        BitConverter.TryWriteBytes(input.AsSpan(8), -101);
        using var client = new SecAggClient(sim.Identity(Victim), sim.Roster, input, new InMemoryRoundReplayGuard());
        var refusal = Assert.Throws<SecAggRefusedException>(() => client.Handle(new RoundStart(config)));
        Assert.Contains("input word 2 is beyond the round's bound ±100", refusal.Message);
        Assert.DoesNotContain("101", refusal.Message.Replace("±100", ""));
    }
}
