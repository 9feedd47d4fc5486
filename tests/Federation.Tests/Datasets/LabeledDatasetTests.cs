namespace FedBioMed.Federation.Tests.Datasets;

public sealed class LabeledDatasetTests
{
    [Fact]
    public void Constructor_FeatureCountNotMatchingShape_SaysBothCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => new LabeledDataset(new float[5], [0, 1], [3], ["a", "b"]));
        Assert.StartsWith("features has 5 values but 2 samples of shape [3] need 6", error.Message);
    }

    [Fact]
    public void Constructor_LabelOutsideClasses_NamesTheSample()
    {
        var error = Assert.Throws<ArgumentException>(() => new LabeledDataset(new float[2], [0, 2], [1], ["a", "b"]));
        Assert.StartsWith("labels[1] is 2; it must be in [0, 2)", error.Message);
    }

    [Fact]
    public void Subset_CopiesSamplesInTheGivenOrder()
    {
        var data = new LabeledDataset([1, 2, 3, 4, 5, 6], [0, 1, 1], [2], ["a", "b"]);

        var subset = data.Subset([2, 0, 2]);

        Assert.Equal([5f, 6, 1, 2, 5, 6], subset.Features.ToArray());
        Assert.Equal([1, 0, 1], subset.Labels.ToArray());
        Assert.Equal(data.ClassNames, subset.ClassNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([3]));
    }

    [Fact]
    public void Describe_CarriesShapesAndCountsOnly()
    {
        var data = new LabeledDataset(new float[8], [0, 1], [1, 2, 2], ["secret-site-name-a", "b"]);

        var descriptor = data.Describe("ds-1", ["mnist", "train"]);

        Assert.Equal(new DatasetDescriptor("ds-1", ["mnist", "train"], 2, [1, 2, 2], 2), descriptor);
        Assert.True(descriptor.HasAllTags(["train"]));
        Assert.False(descriptor.HasAllTags(["train", "test"]));
        Assert.DoesNotContain("secret", descriptor.ToString());
    }

    [Fact]
    public void Descriptor_EmptyTag_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new DatasetDescriptor("id", ["ok", " "], 1, [1], 2));
    }
}
