namespace FedBioMed.Federation.Audit;

/// <summary>Settings of one trail writer and of the background sink that batches its records.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>The participant's role, written in the header. <value>Default <see cref="AuditRoles.Node"/>.</value></summary>
    public string Role { get; init; } = AuditRoles.Node;

    /// <summary>
    /// Also fsync each batch to the disk (survives power loss, costs a disk round trip per batch).
    /// <value>Default false: each batch is flushed to the operating system, which survives a killed process.</value>
    /// </summary>
    public bool FlushToDisk { get; init; }

    /// <summary>
    /// How long <see cref="BackgroundAuditSink"/> gathers events after the first one before it seals and writes them
    /// as one batch. Longer means fewer signatures and writes; it is also how much of the trail a killed process can lose.
    /// <value>Default 200 ms: a signature (about 50 µs) and a write per trail at most five times a second, whatever the
    /// round rate; closing the trail at the end of a run writes what is left at once.</value>
    /// </summary>
    public TimeSpan SealInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most records one signature seals. <value>Default 4,096.</value></summary>
    public int MaxBatch { get; init; } = 4096;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Role)) throw new ArgumentException("the audit trail's Role must not be empty");
        if (SealInterval < TimeSpan.Zero || SealInterval > TimeSpan.FromSeconds(10))
            throw new ArgumentException($"SealInterval {SealInterval} must be between 0 and 10 s");
        if (MaxBatch < 1) throw new ArgumentException($"MaxBatch {MaxBatch} must be at least 1");
    }
}
