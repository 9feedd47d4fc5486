namespace FedBioMed.Federation.Internal;

/// <summary>
/// Per-feature mean and standard deviation (population, as scikit-learn's StandardScaler) of a node's own
/// training split. They stay on the node: they describe its patients.
/// </summary>
internal sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _inverseStd;

    private Standardizer(float[] mean, float[] inverseStd)
    {
        _mean = mean;
        _inverseStd = inverseStd;
    }

    public static Standardizer Fit(LabeledDataset data)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException("Cannot fit standardization on an empty training split", nameof(data));
        }
        int width = data.FeatureLength;
        var sum = new double[width];
        var features = data.Features;
        for (int row = 0; row < data.Count; row++)
        {
            var sample = features.Slice(row * width, width);
            for (int f = 0; f < width; f++)
            {
                sum[f] += sample[f];
            }
        }
        var mean = new double[width];
        for (int f = 0; f < width; f++)
        {
            mean[f] = sum[f] / data.Count;
        }
        // Two passes: the one-pass E[x²] − E[x]² loses precision when |mean| ≫ std, as with areas in the hundreds.
        var squares = new double[width];
        for (int row = 0; row < data.Count; row++)
        {
            var sample = features.Slice(row * width, width);
            for (int f = 0; f < width; f++)
            {
                double d = sample[f] - mean[f];
                squares[f] += d * d;
            }
        }
        var inverseStd = new float[width];
        for (int f = 0; f < width; f++)
        {
            double std = Math.Sqrt(squares[f] / data.Count);
            // A constant feature is only centred; dividing by ~0 would blow it up.
            inverseStd[f] = std > 1e-12 ? (float)(1 / std) : 1f;
        }
        return new Standardizer([.. mean.Select(m => (float)m)], inverseStd);
    }

    /// <summary>
    /// Standardization with statistics computed elsewhere: in a federation, the mean and standard
    /// deviation of all nodes' training data, obtained through secure aggregation.
    /// </summary>
    public static Standardizer FromStatistics(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length != std.Length) throw new ArgumentException($"{mean.Length} means but {std.Length} standard deviations");
        var inverseStd = new float[std.Length];
        for (int f = 0; f < std.Length; f++)
        {
            if (!float.IsFinite(mean[f]) || !float.IsFinite(std[f]) || std[f] < 0)
                throw new ArgumentException($"feature {f}: mean {mean[f]} and standard deviation {std[f]} must be finite, the deviation non-negative");
            inverseStd[f] = std[f] > 1e-12 ? 1 / std[f] : 1f;
        }
        return new Standardizer(mean.ToArray(), inverseStd);
    }

    /// <summary>A standardized copy of the dataset's features.</summary>
    public float[] Apply(LabeledDataset data)
    {
        int width = _mean.Length;
        if (data.FeatureLength != width)
        {
            throw new ArgumentException($"Standardization was fitted on {width} features, the data has {data.FeatureLength}", nameof(data));
        }
        var output = data.Features.ToArray();
        for (int row = 0; row < data.Count; row++)
        {
            var sample = output.AsSpan(row * width, width);
            for (int f = 0; f < width; f++)
            {
                sample[f] = (sample[f] - _mean[f]) * _inverseStd[f];
            }
        }
        return output;
    }
}
