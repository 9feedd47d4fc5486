namespace FedBioMed.Federation;

/// <summary>Which catalog model to train, and its size.</summary>
public sealed record ModelSpec
{
    private readonly IReadOnlyList<int> _hiddenSizes = [];

    /// <summary>The catalog entry.</summary>
    public required ModelKind Kind { get; init; }

    /// <summary>Widths of the hidden layers, input side first; only for <see cref="ModelKind.Mlp"/>, empty otherwise.</summary>
    public IReadOnlyList<int> HiddenSizes
    {
        get => _hiddenSizes;
        init => _hiddenSizes = value is null ? [] : [.. value];
    }

    public static ModelSpec LogisticRegression() => new() { Kind = ModelKind.LogisticRegression };

    public static ModelSpec Mlp(params int[] hiddenSizes) => new() { Kind = ModelKind.Mlp, HiddenSizes = hiddenSizes };

    public static ModelSpec Cnn() => new() { Kind = ModelKind.Cnn };

    // Value equality over the hidden sizes, not the list reference: equal specs must build equal models.
    public bool Equals(ModelSpec? other) =>
        other is not null && Kind == other.Kind && HiddenSizes.SequenceEqual(other.HiddenSizes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        foreach (int size in HiddenSizes)
        {
            hash.Add(size);
        }
        return hash.ToHashCode();
    }
}
