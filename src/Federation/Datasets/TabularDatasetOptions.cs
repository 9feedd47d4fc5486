namespace FedBioMed.Federation;

/// <summary>How <see cref="TabularDataset"/> reads a CSV file.</summary>
public sealed record TabularDatasetOptions
{
    /// <summary>The column holding the class label. Required.</summary>
    public required string TargetColumn { get; init; }

    /// <summary>Feature columns in the order they enter the feature vector.</summary>
    /// <value>Null (the default): every column except the target, in file order.</value>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>Declared kinds by column name; an undeclared column is inferred from its first data row.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, ColumnKind> ColumnKinds { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>Field separator.</summary>
    /// <value>',' by default.</value>
    public char Delimiter { get; init; } = ',';
}
