namespace FedBioMed.Federation;

/// <summary>
/// One named tensor in the flat parameter vector: it occupies <see cref="Length"/> floats from
/// <see cref="Offset"/>, row-major (C order) in <see cref="Shape"/>.
/// </summary>
public sealed record ParameterEntry(string Name, IReadOnlyList<long> Shape, int Offset, int Length);
