namespace FedBioMed.Federation;

/// <summary>Node-side settings for <see cref="LocalTrainer"/>; the plan cannot change these.</summary>
public sealed record LocalTrainerOptions
{
    /// <value><see cref="DeviceOption.Auto"/> by default.</value>
    public DeviceOption Device { get; init; } = DeviceOption.Auto;

    /// <summary>libtorch intra-op threads. The setting is process-wide in libtorch, so the last trainer created wins.</summary>
    /// <value>
    /// Null (the default): min(processor count, 4). The catalog models are small, so more threads mostly add
    /// synchronization, and simulated nodes in one process share the same cores.
    /// </value>
    public int? IntraOpThreads { get; init; }
}
