namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// A participant refused to continue a round. The participant has wiped its round secrets and will
/// not answer any further message of that round.
/// </summary>
public sealed class SecAggRefusedException : Exception
{
    public SecAggRefusedException(RefusalReason reason, string message)
        : base($"{reason}: {message}")
    {
        Reason = reason;
    }

    /// <summary>The machine-readable reason.</summary>
    public RefusalReason Reason { get; }
}
