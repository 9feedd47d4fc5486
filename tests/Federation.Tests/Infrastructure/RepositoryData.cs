namespace FedBioMed.Federation.Tests.Infrastructure;

/// <summary>Files under the repository's data/ folder, found by walking up from the test binaries.</summary>
internal static class RepositoryData
{
    public static string BreastCancerCsv => Find(Path.Combine("data", "breast-cancer-wisconsin", "wdbc.csv"));

    public static LabeledDataset LoadBreastCancer() =>
        TabularDataset.Load(BreastCancerCsv, new TabularDatasetOptions { TargetColumn = "diagnosis" });

    private static string Find(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        // The test project may be built outside the checkout; fall back to the known checkout location.
        string fallback = Path.Combine("/work/main", relative);
        return File.Exists(fallback)
            ? fallback
            : throw new FileNotFoundException($"'{relative}' not found above {AppContext.BaseDirectory}");
    }
}
