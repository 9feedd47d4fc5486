namespace FedBioMed.Node.Storage;

/// <summary>The kinds of data a node operator can register.</summary>
public enum DatasetKind
{
    /// <summary>CSV with a header row and a target column.</summary>
    Csv,
    /// <summary>MNIST-style IDX images and labels (optionally gzipped).</summary>
    Idx,
    /// <summary>A folder with one subfolder of images per class.</summary>
    ImageFolder,
}

/// <summary>A dataset as the operator registered it. Paths stay on the node: researchers see only <see cref="Tags"/> and shapes.</summary>
public sealed record DatasetRegistration(string Id, IReadOnlyList<string> Tags, DatasetKind Kind, string Location, string? LabelsLocation = null, string? TargetColumn = null)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Id)) throw new ArgumentException("dataset id must not be empty");
        if (Tags is null || Tags.Count == 0 || Tags.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException($"dataset '{Id}' needs at least one non-empty tag");
        if (string.IsNullOrWhiteSpace(Location)) throw new ArgumentException($"dataset '{Id}' has no location");
        if (Kind == DatasetKind.Csv && string.IsNullOrWhiteSpace(TargetColumn)) throw new ArgumentException($"CSV dataset '{Id}' needs a target column");
        if (Kind == DatasetKind.Idx && string.IsNullOrWhiteSpace(LabelsLocation)) throw new ArgumentException($"IDX dataset '{Id}' needs a labels file");
    }
}
