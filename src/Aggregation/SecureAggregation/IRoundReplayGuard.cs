namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// Remembers which rounds and sessions a node has taken part in, so that a server cannot replay an old
/// round start. Nodes persist it; <see cref="InMemoryRoundReplayGuard"/> serves tests and simulations.
/// </summary>
public interface IRoundReplayGuard
{
    /// <summary>Records the round; false (with the reason) when it or its session was seen before.</summary>
    bool TryBegin(RoundHeader header, out string reason);
}

/// <summary>A replay guard that lives as long as the process.</summary>
public sealed class InMemoryRoundReplayGuard : IRoundReplayGuard
{
    private readonly Dictionary<string, long> _lastRound = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool TryBegin(RoundHeader header, out string reason)
    {
        ArgumentNullException.ThrowIfNull(header);
        var session = Convert.ToHexString(header.SessionId);
        lock (_lock)
        {
            if (_sessions.Contains(session))
            {
                reason = $"session {session[..8]}… was already used";
                return false;
            }
            if (_lastRound.TryGetValue(header.ExperimentId, out var last) && header.Round <= last)
            {
                reason = $"round {header.Round} of experiment '{header.ExperimentId}' is not after round {last}";
                return false;
            }
            _sessions.Add(session);
            _lastRound[header.ExperimentId] = header.Round;
            reason = "";
            return true;
        }
    }
}
