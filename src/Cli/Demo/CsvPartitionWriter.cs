using System.Globalization;
using System.Text;
using FedBioMed.Federation;

namespace FedBioMed.Cli.Demo;

/// <summary>Writes a dataset part as CSV, the way a hospital would hold its own share of the data.</summary>
internal static class CsvPartitionWriter
{
    public static void Write(string path, LabeledDataset data, string targetColumn)
    {
        var names = data.FeatureNames ?? Enumerable.Range(0, data.FeatureLength).Select(i => $"x{i}").ToArray();
        var text = new StringBuilder();
        text.AppendJoin(',', names).Append(',').Append(targetColumn).Append('\n');
        for (var i = 0; i < data.Count; i++)
        {
            foreach (var value in data.GetFeatures(i)) text.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(data.ClassNames[data.Labels[i]]).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }
}
