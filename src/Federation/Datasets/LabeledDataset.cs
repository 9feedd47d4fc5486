namespace FedBioMed.Federation;

/// <summary>
/// A dataset held in memory in the one shape every loader produces and the trainer consumes:
/// <see cref="Count"/> samples of <see cref="FeatureShape"/> floats each, stored row-major in one array,
/// and one class index per sample.
/// </summary>
/// <remarks>
/// Stays on the node. What leaves the node is a <see cref="DatasetDescriptor"/> (tags, shapes, counts), never rows.
/// </remarks>
public sealed class LabeledDataset
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly int[] _featureShape;
    private readonly string[] _classNames;
    private readonly string[]? _featureNames;

    /// <summary>Wraps the arrays after checking that they agree; the arrays are owned by the dataset from then on.</summary>
    /// <param name="features">Row-major, <c>labels.Length × product(featureShape)</c> values.</param>
    /// <param name="labels">Class index per sample, each in <c>[0, classNames.Count)</c>.</param>
    /// <param name="featureShape">Shape of one sample, e.g. <c>[30]</c> or <c>[1, 28, 28]</c>.</param>
    /// <param name="classNames">Name of each class index, in index order.</param>
    /// <param name="featureNames">Optional name per feature (tabular data), <c>product(featureShape)</c> of them.</param>
    public LabeledDataset(float[] features, int[] labels, IReadOnlyList<int> featureShape, IReadOnlyList<string> classNames, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureShape);
        ArgumentNullException.ThrowIfNull(classNames);
        if (featureShape.Count == 0)
        {
            throw new ArgumentException("featureShape must have at least one dimension", nameof(featureShape));
        }
        long featureLength = 1;
        for (int d = 0; d < featureShape.Count; d++)
        {
            if (featureShape[d] <= 0)
            {
                throw new ArgumentException($"featureShape[{d}] is {featureShape[d]}; every dimension must be > 0", nameof(featureShape));
            }
            featureLength *= featureShape[d];
        }
        if (featureLength > int.MaxValue || featureLength * labels.Length != features.LongLength)
        {
            throw new ArgumentException(
                $"features has {features.LongLength} values but {labels.Length} samples of shape [{string.Join(", ", featureShape)}] need {featureLength * labels.Length}",
                nameof(features));
        }
        if (classNames.Count == 0)
        {
            throw new ArgumentException("classNames must name at least one class", nameof(classNames));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}; it must be in [0, {classNames.Count})", nameof(labels));
            }
        }
        if (featureNames is not null && featureNames.Count != featureLength)
        {
            throw new ArgumentException($"featureNames has {featureNames.Count} names for {featureLength} features", nameof(featureNames));
        }

        _features = features;
        _labels = labels;
        _featureShape = [.. featureShape];
        _classNames = [.. classNames];
        _featureNames = featureNames is null ? null : [.. featureNames];
        FeatureLength = (int)featureLength;
    }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Shape of one sample.</summary>
    public IReadOnlyList<int> FeatureShape => _featureShape;

    /// <summary>Floats per sample: the product of <see cref="FeatureShape"/>.</summary>
    public int FeatureLength { get; }

    /// <summary>Number of classes (labels are in <c>[0, ClassCount)</c>).</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>Name of each class index.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Name of each feature for tabular data; null for images.</summary>
    public IReadOnlyList<string>? FeatureNames => _featureNames;

    /// <summary>All features, row-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>All labels.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int index) => _features.AsSpan(checked(index * FeatureLength), FeatureLength);

    // The trainer hands the backing array to TorchSharp without another copy.
    internal float[] FeatureArray => _features;

    /// <summary>A new dataset holding the given samples, in the given order (indices may repeat).</summary>
    public LabeledDataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[(long)indices.Length * FeatureLength];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"indices[{i}] is {source}; the dataset has {Count} samples");
            }
            GetFeatures(source).CopyTo(features.AsSpan(i * FeatureLength, FeatureLength));
            labels[i] = _labels[source];
        }
        return new LabeledDataset(features, labels, _featureShape, _classNames, _featureNames);
    }

    /// <summary>Number of samples of each class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int label in _labels)
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>What a researcher may see of this dataset: an id, tags, shape and counts.</summary>
    public DatasetDescriptor Describe(string id, IEnumerable<string> tags) =>
        new(id, [.. tags], Count, _featureShape, ClassCount);
}
