namespace FedBioMed.Bench;

/// <summary>The repository's Breast Cancer Wisconsin table, shared by the benchmarks that use it.</summary>
internal static class BreastCancerFiles
{
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
}
