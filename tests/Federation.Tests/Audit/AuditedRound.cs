using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>
/// Real SecAgg+ rounds in process (<see cref="SecAggSimulation"/>) with one audit trail per participant,
/// written from what each party sent and received, as the node and researcher code will write them.
/// The simulated server is the researcher; a malicious one (the test's hooks) records in its own trail
/// what it actually delivered, unless <see cref="ResearcherRecordsUntampered"/> makes it lie.
/// </summary>
internal sealed class AuditedRound : IDisposable
{
    public const string ResearcherId = "researcher";

    private readonly TempDirectory? _ownDirectory;
    private readonly Dictionary<string, AuditTrailWriter> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuditRecorder> _recorders = new(StringComparer.Ordinal);

    public AuditedRound(int nodes, string runId = "run-1", string? directory = null, AuditPolicy? policy = null)
    {
        if (directory is null) _ownDirectory = new TempDirectory();
        Directory = directory ?? _ownDirectory!.Path;
        System.IO.Directory.CreateDirectory(Directory);
        Sim = new SecAggSimulation(nodes);
        Researcher = NodeIdentity.Generate(ResearcherId);
        Open(ResearcherId, Researcher, runId, AuditRoles.Researcher);
        foreach (var id in Sim.NodeIds)
        {
            Open(id, Sim.Identity(id), runId, AuditRoles.Node);
            if (policy is not null) _recorders[id].Policy(policy);
        }
    }

    public SecAggSimulation Sim { get; }

    public NodeIdentity Researcher { get; }

    public string Directory { get; }

    /// <summary>The researcher's trail records the messages it meant to send, not the tampered ones it delivered.</summary>
    public bool ResearcherRecordsUntampered { get; set; }

    /// <summary>
    /// Nodes record each message with the reply it causes as one step record (<see cref="AuditStep"/>), as <c>NodeConnection</c>
    /// does; false: a record for each (what <c>Received</c> and <c>Sent</c> write, and format 3 trails before step records).
    /// </summary>
    public bool NodeSteps { get; set; } = true;

    // Each node's step still waiting for its reply.
    private readonly Dictionary<string, AuditStep> _steps = new(StringComparer.Ordinal);

    /// <summary>The global model (its hash) each node is told after the round; default: the real one.</summary>
    public Func<string, string, string>? ModelShownTo { get; set; }

    public string TrailOf(string participant) => System.IO.Path.Combine(Directory, AuditTrails.FileName(participant));

    public IReadOnlyList<string> Trails => [TrailOf(ResearcherId), .. Sim.NodeIds.Select(TrailOf)];

    public AuditRecorder Recorder(string participant) => _recorders[participant];

    public SecAggConfig Config(long round = 1, int? threshold = null, int? degree = null, int vectorLength = 8)
    {
        var n = Sim.NodeIds.Count;
        var k = degree ?? n - 1;
        return Sim.CreateConfig("exp", round, threshold ?? (k + 1) / 2 + 1, k, vectorLength, 32, 1000);
    }

    public SimulationOutcome Run(SecAggConfig config, SimulationOptions? faults = null)
    {
        faults ??= new SimulationOptions();
        var researcher = _recorders[ResearcherId];
        // As RemoteSecAggRound records: a stage's messages once sent (a broadcast as one record), then what came back.
        var sent = new List<(SecAggMessage Message, string To)>();
        var received = new List<(SecAggMessage Message, string From)>();
        void Flush()
        {
            researcher.Sent(sent);
            researcher.Received(received);
            sent.Clear();
            received.Clear();
        }
        var options = faults with
        {
            TamperStageMessages = (stage, messages) =>
            {
                Flush();
                var outgoing = faults.TamperStageMessages?.Invoke(stage, messages) ?? messages;
                return outgoing;
            },
            TamperServerMessage = (to, message) =>
            {
                var delivered = faults.TamperServerMessage?.Invoke(to, message) ?? message;
                sent.Add((ResearcherRecordsUntampered ? message : delivered, to));
                EndStep(to);
                if (NodeSteps) _steps[to] = _recorders[to].Step(delivered, ResearcherId);
                else _recorders[to].Received(delivered, ResearcherId);
                return delivered;
            },
            ObserveClientMessage = reply =>
            {
                faults.ObserveClientMessage?.Invoke(reply);
                if (_steps.Remove(reply.Sender, out var step)) step.Sent(reply, ResearcherId);
                else _recorders[reply.Sender].Sent(reply, ResearcherId);
                received.Add((reply, reply.Sender));
            },
        };
        var inputs = Sim.NodeIds.ToDictionary(id => id, _ => new byte[config.VectorBytes], StringComparer.Ordinal);
        var outcome = Sim.Run(config, id => inputs[id], options);
        Flush();
        Finish(config, outcome, faults);
        return outcome;
    }

    private void Finish(SecAggConfig config, SimulationOutcome outcome, SimulationOptions faults)
    {
        var header = config.Header;
        var session = AuditRecorder.Session(header);
        foreach (var (node, refusal) in outcome.Refusals)
        {
            if (_steps.Remove(node, out var step)) step.Refused(header, refusal);
            else _recorders[node].Refused(header, refusal);
        }
        // A node that got a message and sent nothing back (it dropped): the message alone.
        foreach (var node in _steps.Keys.ToArray()) EndStep(node);
        var researcher = _recorders[ResearcherId];
        if (outcome.Result is not { } result)
        {
            researcher.RoundAborted(header.ExperimentId, header.Round, session, outcome.AbortReason ?? "aborted");
            return;
        }
        var model = AuditDigest.Bytes(result.Sum);
        var told = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var node in config.Cohort)
        {
            if (outcome.Refusals.ContainsKey(node) || faults.DropAt.ContainsKey(node)) continue;
            var shown = ModelShownTo?.Invoke(node, model) ?? model;
            if (!told.TryGetValue(shown, out var nodes)) told[shown] = nodes = [];
            nodes.Add(node);
            _recorders[node].RoundResult(header.ExperimentId, header.Round, session, shown, result.Survivors, from: ResearcherId);
        }
        // As the researcher records it: the result once told, with the nodes told (one record per model shown).
        if (told.Count == 0) researcher.RoundResult(header.ExperimentId, header.Round, session, model, result.Survivors, result.Dropped);
        foreach (var (shown, nodes) in told) researcher.RoundResult(header.ExperimentId, header.Round, session, shown, result.Survivors, result.Dropped, to: nodes);
    }

    private void EndStep(string node)
    {
        if (_steps.Remove(node, out var step)) step.Dispose();
    }

    private void Open(string id, NodeIdentity identity, string runId, string role)
    {
        var writer = new AuditTrailWriter(TrailOf(id), id, identity.Sign, identity.PublicKey, runId, new StepClock(), new AuditTrailOptions { Role = role });
        _writers[id] = writer;
        _recorders[id] = new AuditRecorder(writer);
    }

    /// <summary>Closes the trails (they stay on disk until the directory goes).</summary>
    public void CloseTrails()
    {
        foreach (var writer in _writers.Values) writer.Dispose();
    }

    public void Dispose()
    {
        CloseTrails();
        Sim.Dispose();
        Researcher.Dispose();
        _ownDirectory?.Dispose();
    }
}

/// <summary>A clock that starts at a fixed time and moves 1 ms per reading.</summary>
internal sealed class StepClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
