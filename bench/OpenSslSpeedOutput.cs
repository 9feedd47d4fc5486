using System.Globalization;

namespace FedBioMed.Bench;

/// <summary>Reads `openssl speed` tables: a row such as "AES-128-CTR   11391483.90k" gives thousands of bytes per second.</summary>
internal static class OpenSslSpeedOutput
{
    /// <summary>Bytes per second in the last column of the row for <paramref name="algorithm"/>, or null.</summary>
    public static double? ParseBytesPerSecond(string output, string algorithm)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2
                && fields[0].Equals(algorithm, StringComparison.OrdinalIgnoreCase)
                && fields[^1].EndsWith('k')
                && double.TryParse(fields[^1][..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double kilobytes))
            {
                return kilobytes * 1000;
            }
        }

        return null;
    }
}
