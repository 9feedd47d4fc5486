namespace FedBioMed.Federation;

/// <summary>
/// The public face of a dataset registered on a node: what a researcher selects by and plans for.
/// Carries no path, no row and no class name, since those can identify patients or sites.
/// </summary>
public sealed record DatasetDescriptor
{
    public DatasetDescriptor(string id, IReadOnlyList<string> tags, int sampleCount, IReadOnlyList<int> featureShape, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(featureShape);
        for (int i = 0; i < tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tags[i]))
            {
                throw new ArgumentException($"tags[{i}] is empty", nameof(tags));
            }
        }
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        if (featureShape.Count == 0 || featureShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"featureShape [{string.Join(", ", featureShape)}] must be non-empty with every dimension > 0", nameof(featureShape));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);

        Id = id;
        Tags = [.. tags];
        SampleCount = sampleCount;
        FeatureShape = [.. featureShape];
        ClassCount = classCount;
    }

    public string Id { get; }

    public IReadOnlyList<string> Tags { get; }

    public int SampleCount { get; }

    public IReadOnlyList<int> FeatureShape { get; }

    public int ClassCount { get; }

    /// <summary>True when the dataset carries every one of <paramref name="wanted"/> (ordinal comparison).</summary>
    public bool HasAllTags(IEnumerable<string> wanted) => wanted.All(t => Tags.Contains(t, StringComparer.Ordinal));

    // Value equality over the lists' contents, not their references, so descriptors compare as data.
    public bool Equals(DatasetDescriptor? other) =>
        other is not null
        && Id == other.Id
        && SampleCount == other.SampleCount
        && ClassCount == other.ClassCount
        && Tags.SequenceEqual(other.Tags)
        && FeatureShape.SequenceEqual(other.FeatureShape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Id);
        hash.Add(SampleCount);
        hash.Add(ClassCount);
        foreach (var tag in Tags)
        {
            hash.Add(tag);
        }
        foreach (var d in FeatureShape)
        {
            hash.Add(d);
        }
        return hash.ToHashCode();
    }
}
