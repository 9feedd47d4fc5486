namespace FedBioMed.Federation.Internal;

internal sealed class NumericColumnEncoder(int column, string name, string source) : ColumnEncoder
{
    public override int Width => 1;

    public override IEnumerable<string> Names => [name];

    public override void Encode((string[] Fields, long Line) row, Span<float> destination)
    {
        string text = row.Fields[column];
        if (text.Length == 0)
        {
            throw new DatasetFormatException(source, row.Line, name, "the value is empty; missing values are not supported");
        }
        if (!NumberParsing.TryParseDouble(text, out double value))
        {
            throw new DatasetFormatException(source, row.Line, name, $"'{text}' is not a number");
        }
        float single = (float)value;
        if (!float.IsFinite(single))
        {
            throw new DatasetFormatException(source, row.Line, name, $"'{text}' is not a finite 32-bit float");
        }
        destination[0] = single;
    }
}
