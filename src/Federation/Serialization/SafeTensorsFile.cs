namespace FedBioMed.Federation;

/// <summary>The contents of a safetensors file: tensors in data order, and the free-form string metadata.</summary>
public sealed record SafeTensorsFile(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
