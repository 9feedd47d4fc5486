using System.Globalization;
using System.Text;
using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>Loads a classification table from a CSV file with a header row.</summary>
public static class TabularDataset
{
    /// <summary>
    /// Reads <paramref name="path"/> into a <see cref="LabeledDataset"/> of shape <c>[features]</c>.
    /// </summary>
    /// <remarks>
    /// <para>Target: if every value is an integer (or the column is declared numeric) the classes are those integers
    /// in numeric order; otherwise the distinct strings in ordinal order. Class index i is the i-th of that order.</para>
    /// <para>Features: a column not declared in <see cref="TabularDatasetOptions.ColumnKinds"/> is numeric when its
    /// first data value is a number, categorical otherwise. Inferring from the first row only, rather than from
    /// whether every value parses, is deliberate: a stray "abc" in a numeric column must be an error that names the
    /// line, not a silent switch of the whole column to categories.</para>
    /// <para>Empty values are errors: this loader does not impute.</para>
    /// </remarks>
    /// <exception cref="DatasetFormatException">The file does not match the header or the declared kinds.</exception>
    public static LabeledDataset Load(string path, TabularDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Load(reader, path, options);
    }

    /// <summary>Reads CSV text; <paramref name="sourceName"/> names the source in error messages.</summary>
    public static LabeledDataset Load(TextReader reader, string sourceName, TabularDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TargetColumn, "options.TargetColumn");

        var csv = new CsvReader(reader, options.Delimiter, sourceName);
        var header = csv.ReadRecord() ?? throw new DatasetFormatException(sourceName, "the file is empty; a header row is required");
        var columns = ResolveColumns(header.Fields, sourceName, options);

        var rows = new List<(string[] Fields, long Line)>();
        while (csv.ReadRecord() is { } record)
        {
            if (record.Fields.Length != columns.Header.Length)
            {
                throw new DatasetFormatException(sourceName, record.Line,
                    $"{record.Fields.Length} fields, but the header has {columns.Header.Length}");
            }
            for (int f = 0; f < record.Fields.Length; f++)
            {
                record.Fields[f] = record.Fields[f].Trim();
            }
            rows.Add(record);
        }
        if (rows.Count == 0)
        {
            throw new DatasetFormatException(sourceName, "the file has a header but no data rows");
        }

        var (labels, classNames) = ReadTarget(rows, columns, sourceName, options);
        var encoders = columns.Features
            .Select(c => ColumnEncoder.Create(c, columns.Header[c], KindOf(columns.Header[c], rows[0].Fields[c], options), rows, sourceName))
            .ToArray();
        int width = encoders.Sum(e => e.Width);
        var features = new float[(long)rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
        {
            int offset = r * width;
            foreach (var encoder in encoders)
            {
                encoder.Encode(rows[r], features.AsSpan(offset, encoder.Width));
                offset += encoder.Width;
            }
        }
        var featureNames = encoders.SelectMany(e => e.Names).ToArray();
        return new LabeledDataset(features, labels, [width], classNames, featureNames);
    }

    private static ColumnKind KindOf(string column, string firstValue, TabularDatasetOptions options) =>
        options.ColumnKinds.TryGetValue(column, out var declared)
            ? declared
            : NumberParsing.TryParseDouble(firstValue, out _) ? ColumnKind.Numeric : ColumnKind.Categorical;

    private static (int[] Labels, string[] ClassNames) ReadTarget(List<(string[] Fields, long Line)> rows, ResolvedColumns columns, string source, TabularDatasetOptions options)
    {
        int t = columns.Target;
        string name = columns.Header[t];
        bool isDeclared = options.ColumnKinds.TryGetValue(name, out var declared);
        bool declaredCategorical = isDeclared && declared == ColumnKind.Categorical;

        foreach (var (fields, line) in rows)
        {
            if (fields[t].Length == 0)
            {
                throw new DatasetFormatException(source, line, name, "the label is empty");
            }
        }

        // Each label parsed once; nonInteger is the first row whose label is not an integer (-1: none).
        var values = new long[rows.Count];
        int nonInteger = -1;
        for (int r = 0; r < rows.Count && !declaredCategorical && nonInteger < 0; r++)
        {
            if (!long.TryParse(rows[r].Fields[t], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[r]))
            {
                nonInteger = r;
            }
        }
        bool integers = !declaredCategorical && nonInteger < 0;
        if (isDeclared && declared == ColumnKind.Numeric && !integers)
        {
            var (fields, line) = rows[nonInteger];
            throw new DatasetFormatException(source, line, name, $"'{fields[t]}' is not an integer class label");
        }

        string[] classNames;
        if (integers)
        {
            long[] distinct = [.. values.Distinct().Order()];
            classNames = [.. distinct.Select(v => v.ToString(CultureInfo.InvariantCulture))];
            // Map by parsed value so that "01" and "1" are the same class.
            var byValue = distinct.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
            return ([.. values.Select(v => byValue[v])], classNames);
        }
        classNames = [.. rows.Select(r => r.Fields[t]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var index = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return ([.. rows.Select(r => index[r.Fields[t]])], classNames);
    }

    private static ResolvedColumns ResolveColumns(string[] header, string source, TabularDatasetOptions options)
    {
        header = [.. header.Select(h => h.Trim())];
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0)
            {
                throw new DatasetFormatException(source, 1, $"header column {c + 1} has no name");
            }
            if (!positions.TryAdd(header[c], c))
            {
                throw new DatasetFormatException(source, 1, $"column '{header[c]}' appears twice in the header");
            }
        }

        int ColumnOf(string name, string role) => positions.TryGetValue(name, out int c)
            ? c
            : throw new DatasetFormatException(source, 1, $"{role} '{name}' is not in the header (columns: {string.Join(", ", header)})");

        int target = ColumnOf(options.TargetColumn, "target column");
        foreach (var declared in options.ColumnKinds.Keys)
        {
            ColumnOf(declared, "declared column");
        }

        int[] features;
        if (options.FeatureColumns is null)
        {
            features = [.. Enumerable.Range(0, header.Length).Where(c => c != target)];
        }
        else
        {
            features = [.. options.FeatureColumns.Select(f => ColumnOf(f, "feature column"))];
            if (features.Contains(target))
            {
                throw new DatasetFormatException(source, $"column '{options.TargetColumn}' cannot be both the target and a feature");
            }
            var twice = features.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
            {
                throw new DatasetFormatException(source, $"feature column '{header[twice.Key]}' is listed twice");
            }
        }
        if (features.Length == 0)
        {
            throw new DatasetFormatException(source, "no feature columns: the file has only the target column");
        }
        return new ResolvedColumns(header, target, features);
    }

    private sealed record ResolvedColumns(string[] Header, int Target, int[] Features);
}
