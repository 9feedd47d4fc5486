namespace FedBioMed.Federation.Internal;

/// <summary>Turns one CSV feature column into floats: one for a numeric column, one-hot for a categorical one.</summary>
internal abstract class ColumnEncoder
{
    public abstract int Width { get; }

    public abstract IEnumerable<string> Names { get; }

    public abstract void Encode((string[] Fields, long Line) row, Span<float> destination);

    public static ColumnEncoder Create(int column, string name, ColumnKind kind, IReadOnlyList<(string[] Fields, long Line)> rows, string source) =>
        kind switch
        {
            ColumnKind.Numeric => new NumericColumnEncoder(column, name, source),
            ColumnKind.Categorical => CategoricalColumnEncoder.Create(column, name, rows, source),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown column kind for column '{name}'"),
        };
}
