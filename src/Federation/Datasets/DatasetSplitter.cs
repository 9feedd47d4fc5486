using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>Deterministic, stratified train / validation / test splits of one node's data.</summary>
public static class DatasetSplitter
{
    /// <summary>
    /// Splits each class separately so every part keeps the class proportions: of a class's n samples,
    /// round(n × <paramref name="testFraction"/>) go to test, round(n × <paramref name="validationFraction"/>)
    /// to validation, the rest to train (rounding half away from zero).
    /// </summary>
    /// <remarks>Same seed, same data: same split. A seeded RNG is right here: the owner splits their own data and must get the same split on every run.</remarks>
    public static DatasetSplits Split(LabeledDataset data, double validationFraction, double testFraction, int seed)
    {
        var (train, validation, test) = SplitIndices(data, validationFraction, testFraction, seed);
        return new DatasetSplits(data.Subset(train), data.Subset(validation), data.Subset(test));
    }

    /// <summary>The indices of <see cref="Split"/>, each part in ascending order.</summary>
    public static (int[] Train, int[] Validation, int[] Test) SplitIndices(LabeledDataset data, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in [0, 1)");
        }
        if (!(testFraction >= 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in [0, 1)");
        }
        if (validationFraction + testFraction >= 1)
        {
            throw new ArgumentException($"validationFraction + testFraction = {validationFraction + testFraction} leaves nothing to train on; it must be < 1");
        }

        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        foreach (int[] members in IndicesByClass(data))
        {
            SeededSampling.Shuffle(random, members.AsSpan());
            int testCount = (int)Math.Round(members.Length * testFraction, MidpointRounding.AwayFromZero);
            int validationCount = (int)Math.Round(members.Length * validationFraction, MidpointRounding.AwayFromZero);
            validationCount = Math.Min(validationCount, members.Length - testCount);
            test.AddRange(members.AsSpan(0, testCount));
            validation.AddRange(members.AsSpan(testCount, validationCount));
            train.AddRange(members.AsSpan(testCount + validationCount));
        }
        return ([.. train.Order()], [.. validation.Order()], [.. test.Order()]);
    }

    internal static int[][] IndicesByClass(LabeledDataset data)
    {
        var lists = new List<int>[data.ClassCount];
        for (int c = 0; c < lists.Length; c++)
        {
            lists[c] = [];
        }
        var labels = data.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            lists[labels[i]].Add(i);
        }
        return [.. lists.Select(l => l.ToArray())];
    }
}
