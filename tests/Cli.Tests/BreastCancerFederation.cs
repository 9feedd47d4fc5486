using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Node.Tasks;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// The Breast Cancer Wisconsin data as the end-to-end tests use it: a stratified 80/20 split with a
/// fixed seed, the 80% split non-IID across three hospitals as CSV files, and the exact training splits
/// the nodes will derive from those files.
/// </summary>
internal sealed class BreastCancerFederation : IDisposable
{
    public BreastCancerFederation(int nodes = 3, int seed = 42)
    {
        var csv = Path.Combine(AppContext.BaseDirectory, "data", "breast-cancer-wisconsin", "wdbc.csv");
        var data = TabularDataset.Load(csv, new TabularDatasetOptions { TargetColumn = DemoCommand.Target });
        var splits = DatasetSplitter.Split(data, 0, 0.2, seed);
        Test = splits.Test;
        var parts = NodePartitioner.Dirichlet(splits.Train, nodes, alpha: 1.0, seed: seed, minSamplesPerNode: 40);
        Folder = Directory.CreateTempSubdirectory("fedbiomed-e2e-").FullName;
        var trainParts = new List<LabeledDataset>();
        for (var i = 0; i < parts.Length; i++)
        {
            var id = $"hospital-{(char)('a' + i)}";
            var path = Path.Combine(Folder, id + ".csv");
            CsvPartitionWriter.Write(path, parts[i], DemoCommand.Target);
            Files.Add(path);
            // The node loads this very file and keeps a validation split seeded by its dataset id.
            var reloaded = TabularDataset.Load(path, new TabularDatasetOptions { TargetColumn = DemoCommand.Target });
            trainParts.Add(DatasetSplitter.Split(reloaded, 0.2, 0, LocalDataCatalog.SplitSeed(id + "-data")).Train);
        }
        PooledTrain = Concatenate(trainParts);
    }

    public string Folder { get; }

    public List<string> Files { get; } = [];

    /// <summary>Held-out patients no node trains on.</summary>
    public LabeledDataset Test { get; }

    /// <summary>Exactly the patients the nodes train on, pooled: the centralized baseline's data.</summary>
    public LabeledDataset PooledTrain { get; }

    /// <summary>An in-process federation of one node per CSV part, each registering its part under the demo's tag.</summary>
    public Task<InProcessFederation> StartFederationAsync(TrainingPlan plan, Action<Node.NodeOptions>? configureNode = null, FederationObservability? observability = null) =>
        InProcessFederation.StartAsync(Files, DemoCommand.Target, DemoCommand.Tag, plan, configureNode: configureNode, observability: observability);

    private static LabeledDataset Concatenate(IReadOnlyList<LabeledDataset> parts)
    {
        var features = parts.SelectMany(p => p.Features.ToArray()).ToArray();
        var labels = parts.SelectMany(p => p.Labels.ToArray()).ToArray();
        return new LabeledDataset(features, labels, parts[0].FeatureShape, parts[0].ClassNames, parts[0].FeatureNames);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
