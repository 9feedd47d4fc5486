using CsCheck;
using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Researcher.Tests;

public sealed class ExperimentSpecTests
{
    private static ExperimentSpec Valid() => new()
    {
        Id = "exp",
        DatasetTag = "tag",
        Plan = new TrainingPlan { Model = ModelSpec.LogisticRegression(), Optimizer = OptimizerSpec.Sgd(0.1), LocalEpochs = 1, BatchSize = 8 },
    };

    [Theory]
    [InlineData("rounds", "experiment.rounds: 0")]
    [InlineData("minNodes", "experiment.minNodes: 1")]
    [InlineData("thresholdFraction", "experiment.thresholdFraction: 0.5")]
    [InlineData("clipNorm", "experiment.clipNorm: -1")]
    [InlineData("id", "experiment.id")]
    public void Validate_NamesTheFieldAndValue(string field, string expected)
    {
        var spec = field switch
        {
            "rounds" => Valid() with { Rounds = 0 },
            "minNodes" => Valid() with { MinNodes = 1 },
            "thresholdFraction" => Valid() with { ThresholdFraction = 0.5 },
            "clipNorm" => Valid() with { ClipNorm = -1 },
            _ => Valid() with { Id = " " },
        };
        Assert.Contains(expected, Assert.Throws<ArgumentException>(spec.Validate).Message);
    }

    [Fact]
    public void DegreeAndThreshold_AlwaysMakeAValidSecAggConfiguration()
    {
        Gen.Select(Gen.Int[2, 2_000], Gen.Double[0.51, 1.0], Gen.Int[-1, 40]).Sample((n, fraction, degree) =>
        {
            var spec = Valid() with { ThresholdFraction = fraction, NeighbourDegree = degree < 1 ? null : degree };
            var k = spec.DegreeFor(n);
            var t = spec.ThresholdFor(k);
            Assert.InRange(k, 1, n - 1);
            Assert.True(k == n - 1 || k % 2 == 0, $"k = {k} for n = {n}");
            Assert.True(2 * t > k + 1, $"t = {t} is not more than half of {k + 1} holders");
            Assert.InRange(t, 2, k + 1);
        }, iter: 5_000);
    }

    [Fact]
    public void DefaultDegree_IsFullSecAggForSmallCohortsAndLogarithmicForLargeOnes()
    {
        Assert.Equal(4, Valid().DegreeFor(5));
        Assert.Equal(20, Valid().DegreeFor(1_000));
    }
}
