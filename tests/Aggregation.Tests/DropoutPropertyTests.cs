using CsCheck;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.Simulation;

namespace FedBioMed.Aggregation.Tests;

/// <summary>
/// Random cohorts, graphs and thresholds with random nodes dropping at random stages: the round
/// completes exactly when the survivors hold enough shares (checked against an independent model of
/// the protocol's rules), and then its sum is exactly the survivors' sum; otherwise it aborts with a
/// reason and reconstructs nothing.
/// </summary>
public sealed class DropoutPropertyTests
{
    private static readonly Gen<(int N, int K, int T, int[] Drops, int Seed)> Cases =
        from n in Gen.Int[3, 10]
        from kChoice in Gen.Int[0, 10]
        let k = n - 1 <= 2 || kChoice % 2 == 0 ? n - 1 : Math.Max(2, Math.Min(n - 2, kChoice) & ~1)
        from t in Gen.Int[(k + 1) / 2 + 1, k + 1]
        from drops in Gen.Int[0, 12].Array[n]   // 0..4: drop at that stage; 5..12: stays
        from seed in Gen.Int
        select (n, k, Math.Max(2, t), drops, seed);

    [Fact]
    public void Round_UnderRandomDropouts_CompletesIffSharesSuffice_AndSumIsExact()
    {
        Cases.Sample(c =>
        {
            using var sim = new SecAggSimulation(c.N);
            var config = sim.CreateConfig("prop", 1, c.T, c.K, vectorLength: 9, wordBits: 32, maxAbsInput: TestInputs.MaxAbs32);
            var inputs = TestInputs.Random(sim.NodeIds, config, c.Seed);
            var dropAt = new Dictionary<string, SecAggStage>(StringComparer.Ordinal);
            for (var i = 0; i < c.N; i++)
                if (c.Drops[i] <= 4) dropAt[sim.NodeIds[i]] = (SecAggStage)c.Drops[i];

            var outcome = sim.Run(config, id => inputs[id], new SimulationOptions { DropAt = dropAt });
            var expected = Model(config, dropAt);

            Assert.Equal(expected.Completes, outcome.Completed);
            if (outcome.Completed)
            {
                Assert.Equal(expected.Survivors, outcome.Result!.Survivors);
                Assert.Equal(TestInputs.PlainSum(inputs, expected.Survivors, 32), outcome.Result.Sum);
            }
            else
            {
                Assert.Null(outcome.Result);
                Assert.False(string.IsNullOrEmpty(outcome.AbortReason));
            }
        }, iter: 150, threads: 1);
    }

    /// <summary>The protocol's completion rule, written from the specification rather than the code.</summary>
    private static (bool Completes, string[] Survivors) Model(SecAggConfig config, Dictionary<string, SecAggStage> dropAt)
    {
        var graph = new NeighbourGraph(config);
        var t = config.Threshold;
        bool Alive(string id, SecAggStage stage) => !dropAt.TryGetValue(id, out var s) || s > stage;
        HashSet<string> Holders(string id) => graph.HoldersOf(id).ToHashSet(StringComparer.Ordinal);

        var u1 = config.Cohort.Where(id => Alive(id, SecAggStage.AdvertiseKeys)).ToHashSet(StringComparer.Ordinal);
        if (u1.Count < t) return (false, []);
        // A node shares only if enough of its holders advertised keys.
        var u2 = u1.Where(id => Alive(id, SecAggStage.ShareKeys) && Holders(id).Count(u1.Contains) >= t).ToHashSet(StringComparer.Ordinal);
        if (u2.Count < t) return (false, []);
        var partners = u2.ToDictionary(id => id, id => Holders(id).Where(u2.Contains).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        // A node masks only if it holds at least t shares (its own included).
        var u3 = u2.Where(id => Alive(id, SecAggStage.MaskedInput) && partners[id].Count >= t).ToHashSet(StringComparer.Ordinal);
        if (u3.Count < t) return (false, []);
        // A survivor signs only if at least t of the owners it holds shares of survived.
        var u4 = u3.Where(id => Alive(id, SecAggStage.ConsistencyCheck) && partners[id].Count(u3.Contains) >= t).ToHashSet(StringComparer.Ordinal);
        if (u4.Count < t) return (false, []);
        var u5 = u4.Where(id => Alive(id, SecAggStage.Unmask)).ToHashSet(StringComparer.Ordinal);
        foreach (var u in u3)
            if (partners[u].Count(u5.Contains) < t) return (false, []);
        foreach (var v in u2.Except(u3))
            if (u3.Any(u => partners[u].Contains(v)) && partners[v].Count(h => h != v && u5.Contains(h)) < t) return (false, []);
        return (true, u3.Order(StringComparer.Ordinal).ToArray());
    }
}
