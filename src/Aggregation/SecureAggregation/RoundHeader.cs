namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// Binds a message to one round: experiment id, round number and the 32-byte session id the server
/// drew for the round. Every signature, KDF and mask of the round includes all three.
/// </summary>
public sealed record RoundHeader(string ExperimentId, long Round, byte[] SessionId)
{
    public const int SessionIdSize = 32;

    public bool Matches(RoundHeader other) =>
        other is not null
        && string.Equals(ExperimentId, other.ExperimentId, StringComparison.Ordinal)
        && Round == other.Round
        && SessionId.AsSpan().SequenceEqual(other.SessionId);

    public override string ToString() => $"{ExperimentId}/round {Round}/session {Convert.ToHexString(SessionId.AsSpan(0, Math.Min(4, SessionId.Length)))}…";
}
