using CsCheck;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Datasets;

public sealed class DatasetSplitterTests
{
    [Fact]
    public void Split_BreastCancer_KeepsClassProportionsInEveryPart()
    {
        var data = RepositoryData.LoadBreastCancer();

        var split = DatasetSplitter.Split(data, validationFraction: 0.1, testFraction: 0.2, seed: 42);

        // 357 benign, 212 malignant: test gets round(71.4)=71 and round(42.4)=42, validation 36 and 21.
        Assert.Equal([71, 42], split.Test.ClassCounts());
        Assert.Equal([36, 21], split.Validation.ClassCounts());
        Assert.Equal([250, 149], split.Train.ClassCounts());
    }

    [Fact]
    public void SplitIndices_AnySeed_PartitionsEverySampleExactlyOnce()
    {
        var data = SyntheticData.Balanced(classes: 3, perClass: 17);
        Gen.Select(Gen.Int, Gen.Double[0, 0.45], Gen.Double[0, 0.45]).Sample((seed, validation, test) =>
        {
            var (a, b, c) = DatasetSplitter.SplitIndices(data, validation, test, seed);
            Assert.Equal(Enumerable.Range(0, data.Count), a.Concat(b).Concat(c).Order());
        }, iter: 200);
    }

    [Fact]
    public void Split_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        var data = SyntheticData.Balanced(classes: 2, perClass: 50);

        var first = DatasetSplitter.SplitIndices(data, 0.2, 0.2, seed: 7);
        var again = DatasetSplitter.SplitIndices(data, 0.2, 0.2, seed: 7);
        var other = DatasetSplitter.SplitIndices(data, 0.2, 0.2, seed: 8);

        Assert.Equal(first.Test, again.Test);
        Assert.Equal(first.Train, again.Train);
        Assert.NotEqual(first.Test, other.Test);
    }

    [Theory]
    [InlineData(-0.1, 0.2)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.2, double.NaN)]
    public void Split_BadFractions_AreRejected(double validation, double test)
    {
        var data = SyntheticData.Balanced(classes: 2, perClass: 5);
        Assert.ThrowsAny<ArgumentException>(() => DatasetSplitter.Split(data, validation, test, seed: 1));
    }
}
