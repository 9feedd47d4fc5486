using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>
/// Splits one dataset across simulated nodes with the label skew that real sites show (non-IID), for demos,
/// tests and benchmarks. Every sample goes to exactly one node; the same seed gives the same partition.
/// A seeded RNG is right here: the partition must be reproducible, and nothing secret depends on it.
/// </summary>
public static class NodePartitioner
{
    private const int MaxDirichletAttempts = 1000;

    /// <summary>
    /// Dirichlet label skew (Hsu et al., 2019): for each class, draw node proportions p ~ Dir(α, ..., α) and give each
    /// node that share of the class's shuffled samples. Small α (0.1) gives nodes dominated by few classes; large
    /// α (100) approaches an IID split. Redraws, deterministically, until every node has
    /// <paramref name="minSamplesPerNode"/> samples.
    /// </summary>
    /// <returns>For each node, the indices of its samples in ascending order.</returns>
    public static int[][] DirichletIndices(LabeledDataset data, int nodes, double alpha, int seed, int minSamplesPerNode = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be a finite number > 0");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(minSamplesPerNode);
        if ((long)nodes * minSamplesPerNode > data.Count)
        {
            throw new ArgumentException($"{nodes} nodes × {minSamplesPerNode} samples each exceeds the {data.Count} samples available");
        }

        var random = new Random(seed);
        int[][] byClass = DatasetSplitter.IndicesByClass(data);
        for (int attempt = 0; attempt < MaxDirichletAttempts; attempt++)
        {
            var assigned = new List<int>[nodes];
            for (int n = 0; n < nodes; n++)
            {
                assigned[n] = [];
            }
            foreach (int[] members in byClass)
            {
                int[] shuffled = [.. members];
                SeededSampling.Shuffle(random, shuffled.AsSpan());
                double[] proportions = SeededSampling.Dirichlet(random, nodes, alpha);
                double cumulative = 0;
                int start = 0;
                for (int n = 0; n < nodes; n++)
                {
                    cumulative += proportions[n];
                    int end = n == nodes - 1 ? shuffled.Length : Math.Min(shuffled.Length, (int)Math.Round(cumulative * shuffled.Length));
                    assigned[n].AddRange(shuffled.AsSpan(start, Math.Max(0, end - start)));
                    start = Math.Max(start, end);
                }
            }
            if (assigned.All(a => a.Count >= minSamplesPerNode))
            {
                return [.. assigned.Select(a => a.Order().ToArray())];
            }
        }
        throw new InvalidOperationException(
            $"No Dirichlet(α={alpha}) draw in {MaxDirichletAttempts} gave each of {nodes} nodes at least {minSamplesPerNode} samples; raise alpha or lower the minimum");
    }

    /// <summary>The node datasets of <see cref="DirichletIndices"/>.</summary>
    public static LabeledDataset[] Dirichlet(LabeledDataset data, int nodes, double alpha, int seed, int minSamplesPerNode = 1) =>
        [.. DirichletIndices(data, nodes, alpha, seed, minSamplesPerNode).Select(i => data.Subset(i))];

    /// <summary>
    /// Sorted label shards (McMahan et al., 2017): sort the samples by label, cut them into
    /// nodes × <paramref name="shardsPerNode"/> equal shards, and deal each node that many shards at random,
    /// so a node sees only a few classes.
    /// </summary>
    /// <returns>For each node, the indices of its samples in ascending order.</returns>
    public static int[][] LabelShardIndices(LabeledDataset data, int nodes, int shardsPerNode, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerNode, 1);
        long shards = (long)nodes * shardsPerNode;
        if (shards > data.Count)
        {
            throw new ArgumentException($"{nodes} nodes × {shardsPerNode} shards = {shards} shards exceeds the {data.Count} samples available");
        }

        var random = new Random(seed);
        // Shuffle, then a stable sort by label: sorted by class, random within a class.
        int[] order = [.. Enumerable.Range(0, data.Count)];
        SeededSampling.Shuffle(random, order.AsSpan());
        var labels = data.Labels.ToArray();
        order = [.. order.OrderBy(i => labels[i])];

        int[] shardOrder = [.. Enumerable.Range(0, (int)shards)];
        SeededSampling.Shuffle(random, shardOrder.AsSpan());
        var result = new int[nodes][];
        for (int n = 0; n < nodes; n++)
        {
            var mine = new List<int>();
            for (int k = 0; k < shardsPerNode; k++)
            {
                int shard = shardOrder[n * shardsPerNode + k];
                int start = (int)(shard * (long)data.Count / shards);
                int end = (int)((shard + 1) * (long)data.Count / shards);
                mine.AddRange(order.AsSpan(start, end - start));
            }
            result[n] = [.. mine.Order()];
        }
        return result;
    }

    /// <summary>The node datasets of <see cref="LabelShardIndices"/>.</summary>
    public static LabeledDataset[] LabelShards(LabeledDataset data, int nodes, int shardsPerNode, int seed) =>
        [.. LabelShardIndices(data, nodes, shardsPerNode, seed).Select(i => data.Subset(i))];
}
