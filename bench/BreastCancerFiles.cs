using FedBioMed.Cli.Demo;
using FedBioMed.Federation;

namespace FedBioMed.Bench;

/// <summary>The repository's Breast Cancer Wisconsin table, shared by the benchmarks that use it.</summary>
internal static class BreastCancerFiles
{
    /// <summary>The table's label column.</summary>
    public const string Target = DemoCommand.Target;

    private static readonly string Relative = Path.Combine("data", "breast-cancer-wisconsin", "wdbc.csv");

    /// <summary>The copy the build puts next to the program, else the first found above the working directory; null when there is none.</summary>
    public static string? Find()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, Relative);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Loads the table found by <see cref="Find"/>; null (after saying so) when there is none.</summary>
    public static LabeledDataset? TryLoad()
    {
        if (Find() is { } csv) return TabularDataset.Load(csv, new TabularDatasetOptions { TargetColumn = Target });
        Console.Error.WriteLine("data/breast-cancer-wisconsin/wdbc.csv not found next to the program or above the working directory");
        return null;
    }

    /// <summary>Writes each part as the CSV file of one hospital (hospital-a.csv, hospital-b.csv, …) in <paramref name="directory"/>, as the demo does; returns the paths in order.</summary>
    public static List<string> WriteHospitalFiles(string directory, IReadOnlyList<LabeledDataset> parts)
    {
        var files = new List<string>();
        for (var i = 0; i < parts.Count; i++)
        {
            var path = Path.Combine(directory, $"{HospitalId(i)}.csv");
            CsvPartitionWriter.Write(path, parts[i], Target);
            files.Add(path);
        }
        return files;
    }

    /// <summary>The demo's name for the i-th hospital: hospital-a, hospital-b, …</summary>
    public static string HospitalId(int i) => $"hospital-{(char)('a' + i)}";
}
