namespace FedBioMed.Federation;

/// <summary>One named float32 tensor of a safetensors file, row-major.</summary>
public sealed record SafeTensor(string Name, IReadOnlyList<long> Shape, ReadOnlyMemory<float> Data);
