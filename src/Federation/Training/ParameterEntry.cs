namespace FedBioMed.Federation;

/// <summary>
/// One named tensor in the flat parameter vector: it occupies <see cref="Length"/> floats from
/// <see cref="Offset"/>, row-major (C order) in <see cref="Shape"/>.
/// </summary>
public sealed record ParameterEntry(string Name, IReadOnlyList<long> Shape, int Offset, int Length)
{
    // Value equality over the shape's contents, so two layouts compare equal exactly when they describe the same model.
    public bool Equals(ParameterEntry? other) =>
        other is not null && Name == other.Name && Offset == other.Offset && Length == other.Length && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Offset);
        hash.Add(Length);
        foreach (long d in Shape)
        {
            hash.Add(d);
        }
        return hash.ToHashCode();
    }
}
