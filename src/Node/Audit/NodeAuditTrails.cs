using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;

namespace FedBioMed.Node.Audit;

/// <summary>
/// The node's signed audit trails, one per run (<see cref="AuditTrails.FileName(string, string)"/>: <c>NODE.RUN.audit.jsonl</c>
/// in <see cref="NodeOptions.AuditDirectory"/>). A trail is opened when the researcher admits the node for a run, continued
/// when it admits it again for the same run (the writer resumes a file whose chain verifies), and closed when another run
/// begins or the node stops. Every new trail starts with the node's policy. The trail is fed from the node's spans: the
/// sink handed out emits each audit event as a span (<see cref="ActivityAuditSink"/>), and the audit-trail processor in
/// the node's OpenTelemetry pipeline passes it to the open trail registered in <see cref="AuditTrails"/>.
/// </summary>
public sealed class NodeAuditTrails(NodeOptions options, NodeIdentity identity, TimeProvider time, AuditTrails registry) : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ActivityAuditSink? _open;
    private bool _disposed;

    /// <summary>Whether the node keeps trails (<see cref="NodeOptions.AuditDirectory"/> is set).</summary>
    public bool Enabled => options.AuditDirectory is not null;

    /// <summary>Where the trail of run <paramref name="runId"/> is kept.</summary>
    /// <exception cref="InvalidOperationException">Auditing is off.</exception>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id (it could name a path elsewhere).</exception>
    public string PathOf(string runId) => Path.Combine(
        options.AuditDirectory ?? throw new InvalidOperationException("Node:AuditDirectory is not set"), AuditTrails.FileName(identity.Id, runId));

    /// <summary>
    /// The sink of run <paramref name="runId"/>'s trail, opened or continued now: events become spans, and the trail seals
    /// and writes them off the protocol's path (<see cref="BackgroundAuditSink"/>); null when auditing is off. Closes the
    /// trail of any other run.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id.</exception>
    /// <exception cref="InvalidDataException">The run's existing trail does not verify, or belongs to another key, node or run.</exception>
    public async Task<IAuditSink?> OpenAsync(string runId, CancellationToken cancellationToken)
    {
        if (options.AuditDirectory is not { } directory) return null;
        var path = PathOf(runId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open is { } open && open.RunId == runId) return open;
            await CloseCoreAsync().ConfigureAwait(false);
            Directory.CreateDirectory(directory);
            var writer = new AuditTrailWriter(path, identity.Id, identity.Sign, identity.PublicKey, runId, time, new AuditTrailOptions { Role = AuditRoles.Node });
            // Only a trail that holds nothing but its header is new: it gets the policy before anything else.
            if (writer.NextSeq == 1) new AuditRecorder(writer).Policy(PolicyOf(options));
            registry.Add(new BackgroundAuditSink(writer, timeProvider: time));
            var sink = new ActivityAuditSink(identity.Id, runId);
            _open = sink;
            return sink;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drains and closes the open trail, if any (the node is stopping).</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CloseCoreAsync()
    {
        var open = _open;
        _open = null;
        if (open is not null && registry.TryRemove(open.ParticipantId, open.RunId, out var trail) && trail is IAsyncDisposable closing)
            await closing.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// What the node enforces, as the audit trail records it: secure aggregation required or not, DP required or
    /// not, ε cap, noise floor, whether round-0 feature statistics are allowed, and the smallest threshold its collusion assumption allows (2t &gt; k + 1 + c implies t ≥ c + 1; never below 2).
    /// </summary>
    private static AuditPolicy PolicyOf(NodeOptions options) => new(
        MinThreshold: Math.Max(2, options.AssumedColludingNodes + 1),
        MaxEpsilon: options.Privacy.MaxEpsilon,
        MinNoiseMultiplier: options.Privacy.MinNoiseMultiplier > 0 ? options.Privacy.MinNoiseMultiplier : null,
        RequireSecAgg: options.Privacy.RequireSecureAggregation,
        RequireDp: options.Privacy.RequireDifferentialPrivacy,
        AllowFeatureStatistics: options.Privacy.AllowFeatureStatistics);

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            await CloseCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
