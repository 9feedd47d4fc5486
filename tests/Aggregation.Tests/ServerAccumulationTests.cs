using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.SecureAggregation.Server;

namespace FedBioMed.Aggregation.Tests;

public sealed class ServerAccumulationTests
{
    [Fact]
    public void CutOffUpload_IsTakenBackOutOfTheSum()
    {
        var accumulator = new MaskedInputAccumulator(vectorBytes: 64, wordBits: 32, maxConcurrent: 2);
        var a = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();
        var b = Enumerable.Range(100, 64).Select(i => (byte)i).ToArray();

        Assert.True(accumulator.TryBegin("a"));
        Assert.True(accumulator.TryBegin("b"));
        accumulator.Append("a", 0, a.AsSpan(0, 32));
        accumulator.Append("b", 0, b.AsSpan(0, 16));
        accumulator.Append("a", 32, a.AsSpan(32));
        accumulator.Complete("a");
        accumulator.Seal(); // b never finished

        Assert.Equal(a, accumulator.Sum);
        Assert.Equal(["a"], accumulator.Completed);
    }

    [Fact]
    public void Uploads_BeyondTheConcurrencyLimit_AreAskedToWait()
    {
        var accumulator = new MaskedInputAccumulator(64, 32, maxConcurrent: 1);
        Assert.True(accumulator.TryBegin("a"));
        Assert.False(accumulator.TryBegin("b"));
        accumulator.Append("a", 0, new byte[64]);
        accumulator.Complete("a");
        Assert.True(accumulator.TryBegin("b"));
    }

    [Theory]
    [InlineData(8, 8, "starts at byte 8, expected 0")]
    [InlineData(0, 6, "not whole words")]
    [InlineData(0, 72, "overruns")]
    public void MalformedChunk_IsRefusedWithTheReason(int offset, int length, string reason)
    {
        var accumulator = new MaskedInputAccumulator(64, 32, 1);
        accumulator.TryBegin("a");
        var error = Assert.Throws<SecAggRefusedException>(() => accumulator.Append("a", offset, new byte[length]));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void IncompleteUpload_IsRefusedAndLeavesTheSumUntouched()
    {
        var accumulator = new MaskedInputAccumulator(64, 64, 1);
        accumulator.TryBegin("a");
        accumulator.Append("a", 0, Enumerable.Repeat((byte)7, 32).ToArray());
        var error = Assert.Throws<SecAggRefusedException>(() => accumulator.Complete("a"));
        Assert.Contains("taken back out", error.Message);
        Assert.All(accumulator.Sum, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Server_RefusesAKeyAdvertisementWithABadSignature_WithoutAbortingTheRound()
    {
        using var sim = new Simulation.SecAggSimulation(3);
        var config = sim.CreateConfig("exp", 1, 2, 2, 4, 32, TestInputs.MaxAbs32);
        var server = new SecAggServer(config, sim.Roster);
        var forged = new KeyAdvertisement(config.Header, "node-0000", new byte[32], new byte[32], new byte[64]);
        var error = Assert.Throws<SecAggRefusedException>(() => server.Receive(forged));
        Assert.Equal(RefusalReason.BadKeySignature, error.Reason);
        Assert.Equal(SecAggStage.AdvertiseKeys, server.Stage);
        Assert.Contains("node-0000", server.Expected);
    }

    [Fact]
    public void NeighbourGraph_IsSymmetricWithDegreeK_AndTheSameForEveryone()
    {
        using var sim = new Simulation.SecAggSimulation(40);
        var config = sim.CreateConfig("exp", 1, 5, 8, 4, 32, TestInputs.MaxAbs32);
        var one = new NeighbourGraph(config);
        var two = new NeighbourGraph(config with { });
        foreach (var u in config.Cohort)
        {
            Assert.Equal(9, one.HoldersOf(u).Count);
            Assert.Equal(one.HoldersOf(u), two.HoldersOf(u));
            foreach (var v in one.HoldersOf(u).Where(v => v != u)) Assert.True(one.AreNeighbours(v, u));
        }
        var otherSession = new NeighbourGraph(sim.CreateConfig("exp", 1, 5, 8, 4, 32, TestInputs.MaxAbs32));
        Assert.Contains(config.Cohort, u => !one.HoldersOf(u).SequenceEqual(otherSession.HoldersOf(u)));
    }

    [Fact]
    public void RefusedWholeMaskedInput_DoesNotHoldAnUploadSlot()
    {
        using var sim = new Simulation.SecAggSimulation(3);
        var config = sim.CreateConfig("exp", 1, 2, 2, 4, 32, TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, config, 9);
        var server = new SecAggServer(config, sim.Roster, new SecAggServerOptions { MaxConcurrentUploads = 1 });
        var clients = sim.NodeIds.Select(id => new SecAggClient(sim.Identity(id), sim.Roster, inputs[id], new InMemoryRoundReplayGuard())).ToArray();
        var start = server.Start();
        foreach (var c in clients) server.Receive(c.Handle(start));
        var step = server.CloseStage();
        foreach (var c in clients) server.Receive(c.Handle(step.Messages[c.Id]));
        step = server.CloseStage();
        var masked = clients.Select(c => (MaskedInput)c.Handle(step.Messages[c.Id])).ToArray();

        var refusal = Assert.Throws<SecAggRefusedException>(() => server.Receive(masked[0] with { Payload = masked[0].Payload[..8] }));
        Assert.Contains("taken back out", refusal.Message);
        server.Receive(masked[1]); // the slot is free again despite the limit of one upload
        server.Receive(masked[2]);
        Assert.Equal(SecAggStage.ConsistencyCheck, server.CloseStage().Messages.Count == 2 ? server.Stage : SecAggStage.Aborted);
    }
}
