using FedBioMed.Federation;
using FedBioMed.Node.Storage;

namespace FedBioMed.Node.Tasks;

/// <summary>
/// Loads registered datasets (once) and splits each into the node's training and held-out validation
/// parts with a seed derived from the dataset id, so every round sees the same split.
/// </summary>
public sealed class LocalDataCatalog(DatasetStore datasets, NodeOptions options)
{
    private readonly Dictionary<string, (LabeledDataset Train, LabeledDataset Validation)> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>What the researcher may see of each dataset: id, tags, shape, counts.</summary>
    public IReadOnlyList<DatasetDescriptor> Describe() =>
        datasets.List().Select(d =>
        {
            var (train, validation) = Load(d);
            return new DatasetDescriptor(d.Id, d.Tags, train.Count + validation.Count, train.FeatureShape, train.ClassCount);
        }).ToArray();

    /// <summary>The first registered dataset carrying <paramref name="tag"/>, split; null when there is none.</summary>
    public (DatasetRegistration Registration, LabeledDataset Train, LabeledDataset Validation)? FindByTag(string tag)
    {
        var registration = datasets.List().FirstOrDefault(d => d.Tags.Contains(tag, StringComparer.Ordinal));
        if (registration is null) return null;
        var (train, validation) = Load(registration);
        return (registration, train, validation);
    }

    private (LabeledDataset Train, LabeledDataset Validation) Load(DatasetRegistration registration)
    {
        lock (_lock)
        {
            if (_loaded.TryGetValue(registration.Id, out var cached)) return cached;
            var data = registration.Kind switch
            {
                DatasetKind.Csv => TabularDataset.Load(registration.Location, new TabularDatasetOptions { TargetColumn = registration.TargetColumn! }),
                DatasetKind.Idx => IdxDataset.Load(registration.Location, registration.LabelsLocation!),
                DatasetKind.ImageFolder => ImageFolderDataset.Load(registration.Location),
                _ => throw new InvalidDataException($"dataset '{registration.Id}' has unknown kind {registration.Kind}"),
            };
            var seed = SplitSeed(registration.Id);
            var splits = DatasetSplitter.Split(data, options.ValidationFraction, 0, seed);
            return _loaded[registration.Id] = (splits.Train, splits.Validation);
        }
    }

    /// <summary>The seed of a dataset's train/validation split: fixed by its id, so every round sees the same split.</summary>
    public static int SplitSeed(string id)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id));
        return BitConverter.ToInt32(hash, 0);
    }
}
