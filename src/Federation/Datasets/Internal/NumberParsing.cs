using System.Globalization;

namespace FedBioMed.Federation.Internal;

/// <summary>The one number syntax dataset files use: invariant culture, so a node's locale cannot change what a file means.</summary>
internal static class NumberParsing
{
    public static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
