using CsCheck;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Datasets;

public sealed class NodePartitionerTests
{
    [Fact]
    public void DirichletIndices_AnyParameters_GiveEverySampleToExactlyOneNode()
    {
        var data = SyntheticData.Balanced(classes: 4, perClass: 30);
        // No minimum node size here: with tiny alpha and more nodes than classes, empty nodes are legitimate draws.
        Gen.Select(Gen.Int, Gen.Int[1, 8], Gen.Double[0.01, 50]).Sample((seed, nodes, alpha) =>
        {
            var parts = NodePartitioner.DirichletIndices(data, nodes, alpha, seed, minSamplesPerNode: 0);

            Assert.Equal(nodes, parts.Length);
            Assert.Equal(Enumerable.Range(0, data.Count), parts.SelectMany(p => p).Order());
        }, iter: 300);
    }

    [Fact]
    public void DirichletIndices_WithMinimum_RedrawsUntilEveryNodeHasIt()
    {
        var data = SyntheticData.Balanced(classes: 4, perClass: 30);
        Gen.Select(Gen.Int, Gen.Int[1, 4], Gen.Double[0.5, 50]).Sample((seed, nodes, alpha) =>
        {
            var parts = NodePartitioner.DirichletIndices(data, nodes, alpha, seed, minSamplesPerNode: 5);

            Assert.All(parts, p => Assert.True(p.Length >= 5, $"a node got {p.Length} samples"));
            Assert.Equal(Enumerable.Range(0, data.Count), parts.SelectMany(p => p).Order());
        }, iter: 100);
    }

    [Fact]
    public void DirichletIndices_UnreachableMinimum_SaysWhatToChange()
    {
        // One class cannot be spread over 6 nodes by Dirichlet(0.001): nearly all mass lands on one node.
        var data = SyntheticData.Balanced(classes: 1, perClass: 60);

        var error = Assert.Throws<InvalidOperationException>(() => NodePartitioner.DirichletIndices(data, nodes: 6, alpha: 0.001, seed: 1, minSamplesPerNode: 5));

        Assert.Contains("raise alpha or lower the minimum", error.Message);
    }

    [Fact]
    public void Dirichlet_BreastCancerOverThreeNodes_IsLabelSkewed()
    {
        var data = RepositoryData.LoadBreastCancer();

        var nodes = NodePartitioner.Dirichlet(data, nodes: 3, alpha: 0.5, seed: 2024, minSamplesPerNode: 40);

        Assert.Equal(data.Count, nodes.Sum(n => n.Count));
        Assert.All(nodes, n => Assert.True(n.Count >= 40));
        var malignantShare = nodes.Select(n => (double)n.ClassCounts()[1] / n.Count).ToArray();
        // The whole set is 37% malignant; a skewed split puts sites well apart from each other.
        Assert.True(malignantShare.Max() - malignantShare.Min() > 0.25, $"malignant shares {string.Join(", ", malignantShare)}");
    }

    [Fact]
    public void Dirichlet_LargeAlpha_ApproachesTheGlobalMix()
    {
        var data = SyntheticData.Balanced(classes: 2, perClass: 2000);

        var nodes = NodePartitioner.Dirichlet(data, nodes: 4, alpha: 10_000, seed: 3);

        Assert.All(nodes, n => Assert.InRange((double)n.ClassCounts()[0] / n.Count, 0.45, 0.55));
    }

    [Fact]
    public void Dirichlet_SameSeed_SamePartition()
    {
        var data = SyntheticData.Balanced(classes: 3, perClass: 20);

        Assert.Equal(NodePartitioner.DirichletIndices(data, 3, 0.3, seed: 5), NodePartitioner.DirichletIndices(data, 3, 0.3, seed: 5));
        Assert.NotEqual(NodePartitioner.DirichletIndices(data, 3, 0.3, seed: 5), NodePartitioner.DirichletIndices(data, 3, 0.3, seed: 6));
    }

    [Fact]
    public void Dirichlet_ImpossibleMinimum_IsRejected()
    {
        var data = SyntheticData.Balanced(classes: 2, perClass: 5);
        Assert.Throws<ArgumentException>(() => NodePartitioner.DirichletIndices(data, nodes: 3, alpha: 1, seed: 1, minSamplesPerNode: 4));
    }

    [Fact]
    public void LabelShards_TenClassesFiveNodesTwoShards_EachNodeSeesAtMostTwoClasses()
    {
        var data = SyntheticData.Balanced(classes: 10, perClass: 100);

        var parts = NodePartitioner.LabelShardIndices(data, nodes: 5, shardsPerNode: 2, seed: 11);

        Assert.Equal(Enumerable.Range(0, data.Count), parts.SelectMany(p => p).Order());
        foreach (var part in parts)
        {
            Assert.Equal(200, part.Length);
            Assert.InRange(part.Select(i => data.Labels[i]).Distinct().Count(), 1, 2);
        }
    }

    [Fact]
    public void LabelShards_NodeDatasetsCarryTheirOwnSamples()
    {
        // Feature i of the synthetic set is i, so a node dataset's features name the samples it received.
        var data = SyntheticData.Balanced(classes: 4, perClass: 10);

        var indices = NodePartitioner.LabelShardIndices(data, nodes: 2, shardsPerNode: 2, seed: 1);
        var nodes = NodePartitioner.LabelShards(data, nodes: 2, shardsPerNode: 2, seed: 1);

        for (int n = 0; n < 2; n++)
        {
            Assert.Equal(indices[n].Select(i => (float)i), nodes[n].Features.ToArray());
            Assert.Equal(indices[n].Select(i => data.Labels[i]), nodes[n].Labels.ToArray());
        }
    }
}
