using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.SecureAggregation.Server;

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// The server's side of one SecAgg+ round, as a transport-free state machine. Feed it the nodes'
/// messages with <see cref="Receive"/> (or stream masked inputs chunk by chunk), and call
/// <see cref="CloseStage"/> when every expected message arrived or the stage's deadline passed: it
/// returns what to send next, or the result, or why the round was aborted. A bad message from one
/// node is refused (the exception names it) without harming the round.
/// </summary>
public sealed class SecAggServer
{
    private readonly ServerRoundState _state;

    public SecAggServer(SecAggConfig config, Roster roster, SecAggServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(roster);
        config.Validate();
        foreach (var member in config.Cohort)
        {
            if (!roster.Contains(member)) throw new ArgumentException($"cohort member '{member}' is not in the roster", nameof(config));
        }
        options ??= new SecAggServerOptions();
        if (options.MaxConcurrentUploads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxConcurrentUploads {options.MaxConcurrentUploads} must be at least 1");
        _state = new ServerRoundState(config, roster, options);
    }

    public SecAggConfig Config => _state.Config;

    public SecAggStage Stage => _state.Stage;

    /// <summary>Nodes the server currently expects a message from.</summary>
    public IReadOnlyCollection<string> Expected => _state.Stage switch
    {
        SecAggStage.AdvertiseKeys => _state.Config.Cohort.Except(_state.Advertisements.Keys).ToArray(),
        SecAggStage.ShareKeys => _state.Advertisements.Keys.Except(_state.Shares.Keys).ToArray(),
        SecAggStage.MaskedInput => _state.Shares.Keys.Where(id => !_state.Inputs.IsCompleted(id)).ToArray(),
        SecAggStage.ConsistencyCheck => _state.Survivors.Except(_state.Signatures.Keys).ToArray(),
        SecAggStage.Unmask => _state.Signatures.Keys.Except(_state.Responses.Keys).ToArray(),
        _ => [],
    };

    /// <summary>The message that opens the round, for every cohort member.</summary>
    public RoundStart Start() => new(_state.Config);

    /// <summary>Takes one node message of the current stage; throws <see cref="SecAggRefusedException"/> if it is refused.</summary>
    public void Receive(ClientMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (_state.Stage, message)
        {
            case (SecAggStage.AdvertiseKeys, KeyAdvertisement m): AdvertiseKeysCollector.Accept(_state, m); break;
            case (SecAggStage.ShareKeys, EncryptedShares m): ShareKeysRelay.Accept(_state, m); break;
            case (SecAggStage.MaskedInput, MaskedInput m):
                if (!TryBeginMaskedInput(m.Sender, m.Header))
                    throw new InvalidOperationException("the server's upload slots are full; retry later");
                try
                {
                    AcceptMaskedInputChunk(m.Sender, 0, m.Payload ?? []);
                    CompleteMaskedInput(m.Sender);
                }
                catch (SecAggRefusedException)
                {
                    CancelMaskedInput(m.Sender); // a refused payload must not hold an upload slot
                    throw;
                }
                break;
            case (SecAggStage.ConsistencyCheck, ConsistencySignature m): ConsistencyCheckCollector.Accept(_state, m); break;
            case (SecAggStage.Unmask, UnmaskResponse m): Unmasker.Accept(_state, m); break;
            default:
                throw new SecAggRefusedException(RefusalReason.UnexpectedStage,
                    $"{message.GetType().Name} from '{message.Sender}' arrived while the server is in stage {_state.Stage}");
        }
    }

    /// <summary>Starts streaming a node's masked input; false when too many uploads are in flight (retry later).</summary>
    public bool TryBeginMaskedInput(string sender, RoundHeader header)
    {
        RequireStage(SecAggStage.MaskedInput);
        if (!_state.Header.Matches(header))
            throw new SecAggRefusedException(RefusalReason.WrongSession, $"masked input from '{sender}' is for {header}, this round is {_state.Header}");
        if (!_state.Shares.ContainsKey(sender))
            throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"'{sender}' did not share keys and may not send a masked input");
        return _state.Inputs.TryBegin(sender);
    }

    /// <summary>Adds one chunk (whole words, in order) of a node's masked input to the running sum.</summary>
    public void AcceptMaskedInputChunk(string sender, long offset, ReadOnlySpan<byte> chunk)
    {
        RequireStage(SecAggStage.MaskedInput);
        _state.Inputs.Append(sender, offset, chunk);
    }

    /// <summary>Marks a node's masked input complete; an incomplete one is taken back out of the sum and refused.</summary>
    public void CompleteMaskedInput(string sender)
    {
        RequireStage(SecAggStage.MaskedInput);
        _state.Inputs.Complete(sender);
    }

    /// <summary>Takes a cut-off upload back out of the sum (the node counts as dropped unless it starts again).</summary>
    public void CancelMaskedInput(string sender)
    {
        RequireStage(SecAggStage.MaskedInput);
        _state.Inputs.Cancel(sender);
    }

    /// <summary>Ends the current stage with whatever has arrived.</summary>
    public ServerStep CloseStage()
    {
        var step = _state.Stage switch
        {
            SecAggStage.AdvertiseKeys => AdvertiseKeysCollector.Close(_state),
            SecAggStage.ShareKeys => ShareKeysRelay.Close(_state),
            SecAggStage.MaskedInput => ConsistencyCheckCollector.CloseMaskedInput(_state),
            SecAggStage.ConsistencyCheck => ConsistencyCheckCollector.Close(_state),
            SecAggStage.Unmask => Unmasker.Close(_state),
            _ => throw new InvalidOperationException($"the round is {_state.Stage}; there is no stage to close"),
        };
        if (step.AbortReason is not null)
        {
            _state.Stage = SecAggStage.Aborted;
            _state.Inputs.Seal();
        }
        return step;
    }

    private void RequireStage(SecAggStage stage)
    {
        if (_state.Stage != stage)
            throw new SecAggRefusedException(RefusalReason.UnexpectedStage, $"the server is in stage {_state.Stage}, not {stage}");
    }
}
