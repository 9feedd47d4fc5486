using FedBioMed.Federation;

namespace FedBioMed.Bench;

/// <summary>The Fashion-MNIST files of Debian's dataset-fashion-mnist package, shared by the benchmarks that use them.</summary>
internal static class FashionMnistFiles
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    private const string TrainImages = "train-images-idx3-ubyte.gz";
    private const string TrainLabels = "train-labels-idx1-ubyte.gz";
    private const string TestImages = "t10k-images-idx3-ubyte.gz";
    private const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    private static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the official train and test splits; null (after saying what is missing) when the files are absent.</summary>
    public static (LabeledDataset Train, LabeledDataset Test)? TryLoad(string directory)
    {
        var missing = new[] { TrainImages, TrainLabels, TestImages, TestLabels }.Where(f => !File.Exists(Path.Combine(directory, f))).ToArray();
        if (missing.Length > 0)
        {
            Console.Error.WriteLine($"Fashion-MNIST is not installed: {string.Join(", ", missing)} missing under {directory}.");
            Console.Error.WriteLine("Install Debian's package (apt-get install -y dataset-fashion-mnist) or pass --data-dir.");
            return null;
        }
        return (IdxDataset.Load(Path.Combine(directory, TrainImages), Path.Combine(directory, TrainLabels), ClassNames),
            IdxDataset.Load(Path.Combine(directory, TestImages), Path.Combine(directory, TestLabels), ClassNames));
    }
}
