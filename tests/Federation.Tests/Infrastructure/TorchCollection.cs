namespace FedBioMed.Federation.Tests.Infrastructure;

/// <summary>
/// Tests that train with libtorch run one at a time: libtorch's thread count is process-wide, and two trainings
/// in parallel on a 2-core machine only slow each other down.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "Torch";
}
