using FedBioMed.Aggregation.SecureAggregation.Client;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// One node's side of one SecAgg+ round, as a transport-free state machine: each server message in,
/// exactly one reply out. On any refusal it wipes its secrets, moves to <see cref="SecAggStage.Aborted"/>,
/// throws <see cref="SecAggRefusedException"/> and answers nothing more.
/// </summary>
public sealed class SecAggClient : IDisposable
{
    private readonly ClientRoundState _state;

    /// <param name="identity">The node's long-term identity.</param>
    /// <param name="roster">Identity keys of the federation.</param>
    /// <param name="encodedInput">The node's encoded input x_u: little-endian words of the round's width.</param>
    /// <param name="replayGuard">Rounds and sessions this node has taken part in.</param>
    /// <param name="policy">What the node requires of any round.</param>
    public SecAggClient(NodeIdentity identity, Roster roster, ReadOnlyMemory<byte> encodedInput,
        IRoundReplayGuard replayGuard, SecAggClientPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(replayGuard);
        if (!roster.Contains(identity.Id))
            throw new ArgumentException($"'{identity.Id}' is not in the roster.", nameof(identity));
        _state = new ClientRoundState(identity, roster, policy ?? new SecAggClientPolicy(), replayGuard, encodedInput);
    }

    public string Id => _state.Id;

    public SecAggStage Stage => _state.Stage;

    /// <summary>Handles one server message and returns the reply to send.</summary>
    public ClientMessage Handle(ServerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return (_state.Stage, message) switch
            {
                (SecAggStage.AdvertiseKeys, RoundStart m) => AdvertiseKeysStage.Run(_state, m),
                (SecAggStage.ShareKeys, AdvertisedKeys m) => ShareKeysStage.Run(_state, m),
                (SecAggStage.MaskedInput, ForwardedShares m) => MaskedInputStage.Run(_state, m),
                (SecAggStage.ConsistencyCheck, SurvivorSet m) => ConsistencyCheckStage.Run(_state, m),
                (SecAggStage.Unmask, UnmaskRequest m) => UnmaskStage.Run(_state, m),
                _ => throw new SecAggRefusedException(RefusalReason.UnexpectedStage,
                    $"{message.GetType().Name} arrived while the node is in stage {_state.Stage}"),
            };
        }
        catch (Exception) when (_state.Stage != SecAggStage.Completed)
        {
            Abort();
            throw;
        }
    }

    /// <summary>Stops the round and wipes its secrets (for example when the node shuts down).</summary>
    public void Abort()
    {
        _state.Stage = SecAggStage.Aborted;
        _state.WipeSecrets();
    }

    public void Dispose()
    {
        if (_state.Stage != SecAggStage.Completed) Abort();
    }
}
