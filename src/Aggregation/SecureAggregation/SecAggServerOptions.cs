namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>Resource limits of the server side of a round.</summary>
public sealed record SecAggServerOptions
{
    /// <summary>
    /// Masked inputs that may stream in at once. Each in-flight upload keeps a copy of what it has
    /// sent so far, so that an upload cut off midway can be taken back out of the sum; server memory is
    /// (1 + this) × vector size. <value>Default 2.</value>
    /// </summary>
    public int MaxConcurrentUploads { get; init; } = 2;
}
