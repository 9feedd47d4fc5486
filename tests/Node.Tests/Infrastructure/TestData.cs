namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>The real data the node tests register: copied next to the test binaries by the project file.</summary>
internal static class TestData
{
    public const string BreastCancerTarget = "diagnosis";

    public static string BreastCancerCsv { get; } = Path.Combine(AppContext.BaseDirectory, "data", "breast-cancer-wisconsin", "wdbc.csv");
}
