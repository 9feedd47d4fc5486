using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation.Tests.Infrastructure;

/// <summary>Small generated datasets with known structure.</summary>
internal static class SyntheticData
{
    /// <summary>Two well-separated Gaussian blobs in <paramref name="dimensions"/> dimensions: linearly separable.</summary>
    public static LabeledDataset Blobs(int perClass, int dimensions, int seed)
    {
        var random = new Random(seed);
        var features = new float[2 * perClass * dimensions];
        var labels = new int[2 * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 2;
            for (int d = 0; d < dimensions; d++)
            {
                double centre = labels[i] == 0 ? -3 : 3;
                features[i * dimensions + d] = (float)(centre + SeededSampling.StandardNormal(random));
            }
        }
        return new LabeledDataset(features, labels, [dimensions], ["a", "b"]);
    }

    /// <summary>1×28×28 images: class c has a bright 10×10 square in quadrant c, over uniform noise.</summary>
    public static LabeledDataset Quadrants(int perClass, int seed)
    {
        const int Side = 28;
        var random = new Random(seed);
        int count = 4 * perClass;
        var features = new float[count * Side * Side];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[i] = label;
            var image = features.AsSpan(i * Side * Side, Side * Side);
            for (int p = 0; p < image.Length; p++)
            {
                image[p] = (float)(random.NextDouble() * 0.5);
            }
            int top = label / 2 * 14 + 2, left = label % 2 * 14 + 2;
            for (int r = top; r < top + 10; r++)
            {
                for (int c = left; c < left + 10; c++)
                {
                    image[r * Side + c] += 0.5f;
                }
            }
        }
        return new LabeledDataset(features, labels, [1, Side, Side], ["0", "1", "2", "3"]);
    }

    /// <summary>A dataset with <paramref name="classes"/> classes of <paramref name="perClass"/> samples each; feature = sample index.</summary>
    public static LabeledDataset Balanced(int classes, int perClass)
    {
        int count = classes * perClass;
        var features = new float[count];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            features[i] = i;
            labels[i] = i % classes;
        }
        return new LabeledDataset(features, labels, [1], [.. Enumerable.Range(0, classes).Select(c => $"c{c}")]);
    }
}
