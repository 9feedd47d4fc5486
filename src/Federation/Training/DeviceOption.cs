namespace FedBioMed.Federation;

/// <summary>Where a node lets training run.</summary>
public enum DeviceOption
{
    /// <summary>CUDA when this process's libtorch can see a GPU, otherwise the CPU.</summary>
    Auto,

    /// <summary>The CPU, even when a GPU is present.</summary>
    Cpu,

    /// <summary>The first CUDA device; an error, not a fallback, when none is available.</summary>
    Cuda,
}
