using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.Simulation;

/// <summary>
/// Runs one SecAgg+ round with n in-process nodes and the server, through the very state machines a
/// deployment uses; for tests, benchmarks and the demo. Masked inputs stream to the server in chunks
/// one node at a time, so the server side holds O(vector size) whatever n is.
/// </summary>
public sealed class SecAggSimulation : IDisposable
{
    private readonly Dictionary<string, NodeIdentity> _identities = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="nodeCount"/> identities named node-0000, node-0001, ...</summary>
    public SecAggSimulation(int nodeCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 2);
        for (var i = 0; i < nodeCount; i++)
        {
            var id = $"node-{i:D4}";
            _identities[id] = NodeIdentity.Generate(id);
        }
        Roster = new Roster(_identities.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.PublicKey)));
        ReplayGuards = _identities.Keys.ToDictionary(id => id, IRoundReplayGuard (_) => new InMemoryRoundReplayGuard(), StringComparer.Ordinal);
    }

    public Roster Roster { get; }

    public IReadOnlyList<string> NodeIds => _identities.Keys.Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyDictionary<string, IRoundReplayGuard> ReplayGuards { get; }

    public NodeIdentity Identity(string id) => _identities[id];

    /// <summary>A configuration for a round over every node with a fresh random session id.</summary>
    public SecAggConfig CreateConfig(string experimentId, long round, int threshold, int neighbourDegree, int vectorLength, int wordBits, ulong maxAbsInput) =>
        new()
        {
            Header = new RoundHeader(experimentId, round, RandomNumberGenerator.GetBytes(RoundHeader.SessionIdSize)),
            Cohort = NodeIds,
            Threshold = threshold,
            NeighbourDegree = neighbourDegree,
            VectorLength = vectorLength,
            WordBits = wordBits,
            MaxAbsInput = maxAbsInput,
        };

    /// <summary>Runs one round; <paramref name="inputs"/> maps each cohort node to its encoded input.</summary>
    public SimulationOutcome Run(SecAggConfig config, Func<string, ReadOnlyMemory<byte>> inputs, SimulationOptions? options = null)
    {
        options ??= new SimulationOptions();
        var cost = options.ServerCost ?? new ServerCost();
        var server = cost.Measure(SecAggStage.AdvertiseKeys, () => new SecAggServer(config, Roster, options.ServerOptions));
        var refusals = new Dictionary<string, SecAggRefusedException>(StringComparer.Ordinal);
        var clients = config.Cohort.ToDictionary(id => id, id => new SecAggClient(_identities[id], Roster, inputs(id), ReplayGuards[id]), StringComparer.Ordinal);
        try
        {
            var start = server.Start();
            IReadOnlyDictionary<string, ServerMessage> outgoing = config.Cohort.ToDictionary(id => id, ServerMessage (_) => start, StringComparer.Ordinal);
            while (true)
            {
                var stage = server.Stage;
                if (options.TamperStageMessages is not null) outgoing = options.TamperStageMessages(stage, outgoing);
                foreach (var (recipient, message) in outgoing)
                {
                    if (options.DropAt.TryGetValue(recipient, out var dropStage) && dropStage <= stage) continue;
                    var delivered = options.TamperServerMessage?.Invoke(recipient, message) ?? message;
                    ClientMessage reply;
                    try
                    {
                        reply = clients[recipient].Handle(delivered);
                    }
                    catch (SecAggRefusedException refusal)
                    {
                        refusals[recipient] = refusal;
                        continue;
                    }
                    options.ObserveClientMessage?.Invoke(reply);
                    cost.Measure(stage, () => Deliver(server, reply, options.ChunkBytes));
                }
                var step = cost.Measure(stage, server.CloseStage);
                if (step.AbortReason is not null) return new SimulationOutcome(null, step.AbortReason, refusals, stage);
                if (step.Result is not null) return new SimulationOutcome(step.Result, null, refusals, SecAggStage.Completed);
                outgoing = step.Messages;
            }
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
    }

    private static bool Deliver(SecAggServer server, ClientMessage reply, int chunkBytes)
    {
        try
        {
            if (reply is MaskedInput masked)
            {
                if (!server.TryBeginMaskedInput(masked.Sender, masked.Header))
                    throw new InvalidOperationException("the simulation streams one upload at a time; the server should never be busy");
                var payload = masked.Payload;
                for (var offset = 0; offset < payload.Length; offset += chunkBytes)
                    server.AcceptMaskedInputChunk(masked.Sender, offset, payload.AsSpan(offset, Math.Min(chunkBytes, payload.Length - offset)));
                server.CompleteMaskedInput(masked.Sender);
            }
            else
            {
                server.Receive(reply);
            }
            return true;
        }
        catch (SecAggRefusedException)
        {
            // The server refuses a bad message from one node; the node then counts as dropped.
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var identity in _identities.Values) identity.Dispose();
    }
}
