using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;

namespace FedBioMed.Aggregation.Tests;

public sealed class SecAggRoundTests
{
    [Theory]
    [InlineData(5, 4, 3, 32)]   // full SecAgg
    [InlineData(5, 4, 5, 64)]   // threshold = every holder
    [InlineData(30, 6, 4, 32)]  // SecAgg+ with a sparse graph
    [InlineData(31, 8, 5, 64)]
    public void Round_WithEveryNodeHonest_RecoversExactSum(int n, int k, int t, int wordBits)
    {
        using var sim = new SecAggSimulation(n);
        var config = sim.CreateConfig("exp", 1, t, k, vectorLength: 257, wordBits, maxAbsInput: wordBits == 32 ? TestInputs.MaxAbs32 : TestInputs.MaxAbs64);
        var inputs = TestInputs.Random(sim.NodeIds, config, seed: n * 31 + k);

        var outcome = sim.Run(config, id => inputs[id]);

        Assert.True(outcome.Completed, outcome.AbortReason);
        Assert.Empty(outcome.Refusals);
        Assert.Equal(sim.NodeIds, outcome.Result!.Survivors);
        Assert.Equal(TestInputs.PlainSum(inputs, sim.NodeIds, wordBits), outcome.Result.Sum);
    }

    [Fact]
    public void Round_WhenNodesDropAfterSharing_RemovesTheirPairwiseMasks()
    {
        using var sim = new SecAggSimulation(7);
        var config = sim.CreateConfig("exp", 1, threshold: 4, neighbourDegree: 6, vectorLength: 100, wordBits: 32, maxAbsInput: TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, config, seed: 7);
        var dropped = new[] { sim.NodeIds[1], sim.NodeIds[4] };

        var outcome = sim.Run(config, id => inputs[id], new SimulationOptions
        {
            DropAt = dropped.ToDictionary(id => id, _ => SecAggStage.MaskedInput),
        });

        Assert.True(outcome.Completed, outcome.AbortReason);
        var survivors = sim.NodeIds.Except(dropped).ToArray();
        Assert.Equal(survivors, outcome.Result!.Survivors);
        Assert.Equal(dropped, outcome.Result.Dropped);
        Assert.Equal(TestInputs.PlainSum(inputs, survivors, 32), outcome.Result.Sum);
    }

    [Fact]
    public void Round_WhenTooManyHoldersDropBeforeUnmask_AbortsWithoutResult()
    {
        using var sim = new SecAggSimulation(5);
        var config = sim.CreateConfig("exp", 1, threshold: 3, neighbourDegree: 4, vectorLength: 10, wordBits: 32, maxAbsInput: TestInputs.MaxAbs32);
        var inputs = TestInputs.Random(sim.NodeIds, config, seed: 1);

        var outcome = sim.Run(config, id => inputs[id], new SimulationOptions
        {
            DropAt = new Dictionary<string, SecAggStage> { [sim.NodeIds[0]] = SecAggStage.Unmask, [sim.NodeIds[1]] = SecAggStage.Unmask, [sim.NodeIds[2]] = SecAggStage.Unmask },
        });

        Assert.False(outcome.Completed);
        Assert.Null(outcome.Result);
        Assert.Contains("threshold is 3", outcome.AbortReason);
        Assert.Equal(SecAggStage.Unmask, outcome.AbortedAtStage);
    }

    [Fact]
    public void Round_ConsecutiveRounds_UseFreshSessionsAndStillSum()
    {
        using var sim = new SecAggSimulation(4);
        for (var round = 1; round <= 3; round++)
        {
            var config = sim.CreateConfig("exp", round, threshold: 3, neighbourDegree: 3, vectorLength: 33, wordBits: 64, maxAbsInput: TestInputs.MaxAbs64);
            var inputs = TestInputs.Random(sim.NodeIds, config, seed: round);
            var outcome = sim.Run(config, id => inputs[id]);
            Assert.True(outcome.Completed, outcome.AbortReason);
            Assert.Equal(TestInputs.PlainSum(inputs, sim.NodeIds, 64), outcome.Result!.Sum);
        }
    }
}
