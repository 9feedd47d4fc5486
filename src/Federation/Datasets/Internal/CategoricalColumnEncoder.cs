namespace FedBioMed.Federation.Internal;

internal sealed class CategoricalColumnEncoder : ColumnEncoder
{
    private readonly int _column;
    private readonly string _name;
    private readonly string _source;
    private readonly Dictionary<string, int> _categories;
    private readonly string[] _ordered;

    private CategoricalColumnEncoder(int column, string name, string source, string[] ordered)
    {
        _column = column;
        _name = name;
        _source = source;
        _ordered = ordered;
        _categories = ordered.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    public static CategoricalColumnEncoder Create(int column, string name, IReadOnlyList<(string[] Fields, long Line)> rows, string source)
    {
        foreach (var (fields, line) in rows)
        {
            if (fields[column].Length == 0)
            {
                throw new DatasetFormatException(source, line, name, "the value is empty; missing values are not supported");
            }
        }
        // Ordinal order keeps the one-hot layout independent of culture and of row order.
        string[] ordered = [.. rows.Select(r => r.Fields[column]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new CategoricalColumnEncoder(column, name, source, ordered);
    }

    public override int Width => _ordered.Length;

    public override IEnumerable<string> Names => _ordered.Select(c => $"{_name}={c}");

    public override void Encode((string[] Fields, long Line) row, Span<float> destination)
    {
        destination.Clear();
        if (!_categories.TryGetValue(row.Fields[_column], out int index))
        {
            throw new DatasetFormatException(_source, row.Line, _name, $"'{row.Fields[_column]}' is not a known category");
        }
        destination[index] = 1f;
    }
}
