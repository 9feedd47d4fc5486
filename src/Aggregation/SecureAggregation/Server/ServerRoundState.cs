using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>What the server has collected so far in one round. It never holds a single node's unmasked input.</summary>
internal sealed class ServerRoundState(SecAggConfig config, Roster roster, SecAggServerOptions options)
{
    public SecAggConfig Config { get; } = config;
    public RoundHeader Header => Config.Header;
    public Roster Roster { get; } = roster;
    public NeighbourGraph Graph { get; } = new(config);

    /// <summary>The digest every advertisement is signed over, computed once: it hashes the whole cohort.</summary>
    public byte[] ConfigDigest { get; } = SecAggKdf.ConfigDigest(config);
    public SecAggStage Stage { get; set; } = SecAggStage.AdvertiseKeys;

    /// <summary>U1: verified advertisements.</summary>
    public SortedDictionary<string, KeyAdvertisement> Advertisements { get; } = new(StringComparer.Ordinal);

    /// <summary>U2: each sender's encrypted shares, by receiver.</summary>
    public SortedDictionary<string, Dictionary<string, EncryptedShare>> Shares { get; } = new(StringComparer.Ordinal);

    /// <summary>For each node of U2, the senders whose shares it was given (and who were given its own): its mask partners.</summary>
    public Dictionary<string, SortedSet<string>> Partners { get; } = new(StringComparer.Ordinal);

    public MaskedInputAccumulator Inputs { get; } = new(config.VectorBytes, config.WordBits, options.MaxConcurrentUploads);

    /// <summary>U3: nodes whose masked inputs arrived whole, in ordinal order.</summary>
    public IReadOnlyList<string> Survivors { get; set; } = [];

    /// <summary><see cref="Survivors"/> as a set.</summary>
    public HashSet<string> SurvivorSet { get; set; } = new(StringComparer.Ordinal);

    /// <summary>U4: consistency signatures over <see cref="Survivors"/>.</summary>
    public SortedDictionary<string, ConsistencySignature> Signatures { get; } = new(StringComparer.Ordinal);

    /// <summary>The shares asked of each node of U4.</summary>
    public Dictionary<string, IReadOnlyList<ShareRequest>> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>U5: revealed shares by responder.</summary>
    public Dictionary<string, UnmaskResponse> Responses { get; } = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="node"/>'s share holders (itself included) sent, in their ordinal order.</summary>
    public T[] FromHoldersOf<T>(string node, IReadOnlyDictionary<string, T> received)
    {
        var result = new List<T>();
        foreach (var holder in Graph.HoldersOf(node))
        {
            if (received.TryGetValue(holder, out var message)) result.Add(message);
        }
        return [.. result];
    }

    public void RequireFrom(ClientMessage message, Func<string, bool> isExpectedSender)
    {
        if (!Header.Matches(message.Header))
            throw new SecAggRefusedException(RefusalReason.WrongSession, $"{message.GetType().Name} from '{message.Sender}' is for {message.Header}, this round is {Header}");
        if (!isExpectedSender(message.Sender))
            throw new SecAggRefusedException(RefusalReason.UnknownParticipant, $"'{message.Sender}' is not expected to send {message.GetType().Name} now");
    }
}
