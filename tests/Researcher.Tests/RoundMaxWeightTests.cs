using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Researcher.Tests;

/// <summary>
/// The round's largest weight W, from the sample counts the nodes announce: one node's inflated count may cost precision
/// but can no longer leave no encoding for the round and end the experiment.
/// </summary>
public sealed class RoundMaxWeightTests
{
    [Fact]
    public void HonestCounts_GiveTheLargest()
    {
        Assert.Equal(300, ExperimentRunner.RoundMaxWeight([120, 45, 300], 3, clipNorm: 1));
    }

    [Fact]
    public void AnInflatedCount_IsCappedAtTheWeightCap()
    {
        Assert.Equal(ExperimentRunner.MaxWeightCap, ExperimentRunner.RoundMaxWeight([120, 5_000_000_000], 3, clipNorm: 100));
    }

    [Fact]
    public void AnInflatedCount_InALargeCohort_IsCappedToWhatTheWordsCarry()
    {
        // 30 nodes, C = 100: a weight of 1,000,000 leaves no scale in 32-bit words, which ended the experiment before.
        Assert.Throws<ArgumentOutOfRangeException>(() => EncodingConfig.WithLargestScale(30, 32, 100, ExperimentRunner.MaxWeightCap));

        var weight = ExperimentRunner.RoundMaxWeight([120, 45, ExperimentRunner.MaxWeightCap], 30, clipNorm: 100);

        Assert.Equal(EncodingConfig.LargestFittingWeight(30, 32, 100), weight);
        Assert.InRange(weight, 700_000, ExperimentRunner.MaxWeightCap - 1);
        Assert.True(EncodingConfig.WithLargestScale(30, 32, 100, weight).Scale >= 1);
    }

    [Fact]
    public void NoCounts_GiveOne()
    {
        Assert.Equal(1, ExperimentRunner.RoundMaxWeight([], 3, clipNorm: 1));
    }
}
