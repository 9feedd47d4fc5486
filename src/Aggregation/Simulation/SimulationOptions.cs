using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.Simulation;

/// <summary>Faults to inject into an in-process round.</summary>
public sealed record SimulationOptions
{
    /// <summary>Nodes that go silent from the given stage on (they send nothing in it or after).</summary>
    public IReadOnlyDictionary<string, SecAggStage> DropAt { get; init; } = new Dictionary<string, SecAggStage>();

    /// <summary>
    /// A malicious server: sees every message the server sends (recipient, message) and returns what is
    /// delivered instead. Null delivers messages unchanged.
    /// </summary>
    public Func<string, ServerMessage, ServerMessage>? TamperServerMessage { get; init; }

    /// <summary>
    /// A malicious server that rewrites a whole stage's outgoing messages at once (it may add messages
    /// for nodes the honest server would not ask). Called with the stage the messages belong to.
    /// </summary>
    public Func<SecAggStage, IReadOnlyDictionary<string, ServerMessage>, IReadOnlyDictionary<string, ServerMessage>>? TamperStageMessages { get; init; }

    /// <summary>Bytes per masked-input chunk on the way to the server. <value>Default 1 MiB.</value></summary>
    public int ChunkBytes { get; init; } = 1 << 20;

    /// <summary>Options of the server side.</summary>
    public SecAggServerOptions ServerOptions { get; init; } = new();

    /// <summary>When set, collects the time and allocations of the server's own calls.</summary>
    public ServerCost? ServerCost { get; init; }

    /// <summary>Sees every message a node sends to the server (for tests that inspect what the server receives).</summary>
    public Action<ClientMessage>? ObserveClientMessage { get; init; }
}
