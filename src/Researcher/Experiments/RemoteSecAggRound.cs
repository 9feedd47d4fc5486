using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Transport;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Researcher.Experiments;

/// <summary>
/// Runs the SecAgg+ server state machine over the nodes' gRPC streams: sends each stage's messages,
/// collects replies until every expected node answered or the stage deadline passed, and feeds
/// masked-input chunks into the running sum as they arrive (at most
/// <see cref="SecAggServerOptions.MaxConcurrentUploads"/> at once; the others wait on HTTP/2 flow control).
/// </summary>
internal sealed class RemoteSecAggRound : IMaskedInputSink, IDisposable
{
    private readonly SecAggServer _server;
    private readonly NodeRegistry _registry;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _uploadSlots;
    private readonly CancellationTokenSource _uploadsClosed = new();
    private readonly Dictionary<string, IncrementalHash> _uploads = new(StringComparer.Ordinal);

    public RemoteSecAggRound(SecAggConfig config, Roster roster, NodeRegistry registry, ILogger logger, SecAggServerOptions? options = null)
    {
        options ??= new SecAggServerOptions();
        _server = new SecAggServer(config, roster, options);
        _registry = registry;
        _logger = logger;
        _uploadSlots = new SemaphoreSlim(options.MaxConcurrentUploads);
    }

    /// <summary>The researcher's audit recorder; null when auditing is off.</summary>
    public AuditRecorder? Audit { get; init; }

    /// <summary>What the round aggregates, as its round.start records it (<see cref="AuditTasks"/>). <value>Default training.</value></summary>
    public string AuditTask { get; init; } = AuditTasks.Train;

    /// <summary>Refusals the nodes sent, by node.</summary>
    public Dictionary<string, string> Refusals { get; } = new(StringComparer.Ordinal);

    public async Task<ServerStep> RunAsync(TimeSpan stageTimeout, CancellationToken cancellationToken)
    {
        using var lease = _registry.UseMaskedInputSink(this);
        var header = _server.Config.Header;
        using var roundSpan = FederationTelemetry.StartRound(header.ExperimentId, header.Round, _server.Config.Cohort.Count, _server.Config.Threshold, header.SessionId);
        var start = _server.Start();
        var outgoing = _server.Config.Cohort.ToDictionary(id => id, Aggregation.SecureAggregation.Messages.ServerMessage (_) => start, StringComparer.Ordinal);
        while (true)
        {
            using var stageSpan = FederationTelemetry.Stage(_server.Stage, header);
            var delivered = Audit is null ? null : new List<(SecAggMessage, string)>(outgoing.Count);
            foreach (var (nodeId, message) in outgoing)
            {
                if (_registry.Find(nodeId) is not { } session) continue;
                var wire = SecAggWireMapper.ToWire(message);
                if (!await session.SendAsync(wire, cancellationToken).ConfigureAwait(false)) continue;
                delivered?.Add((message, nodeId));
            }
            // Recorded once sent, before any reply is read: a message sent alike to several nodes (round start, relayed keys, survivor
            // set) is one record naming them, and its stage too. A round start that reached no node still starts the round.
            if (Audit is not null && delivered!.Count == 0 && ReferenceEquals(outgoing.Values.FirstOrDefault(), start)) Audit.RoundStart(_server.Config, task: AuditTask);
            else Audit?.Sent(delivered!, AuditTask);
            try
            {
                await CollectAsync(stageTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RecordReceipts();
            }
            ServerStep step;
            lock (_lock)
            {
                if (_server.Stage == SecAggStage.MaskedInput) _uploadsClosed.Cancel();
                step = _server.CloseStage();
            }
            if (step.AbortReason is not null) FederationTelemetry.RoundAborted(AuditRoles.Researcher, _server.Stage);
            if (step.AbortReason is not null || step.Result is not null) return step;
            outgoing = step.Messages.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        }
    }

    private async Task CollectAsync(TimeSpan stageTimeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(stageTimeout);
        while (StillWaiting())
        {
            InboundMessage inbound;
            try
            {
                inbound = await _registry.Inbound.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return; // stage deadline: close with whatever arrived
            }
            if (inbound.IsDisconnect) continue;
            var envelope = inbound.Envelope!;
            if (envelope.BodyCase == NodeEnvelope.BodyOneofCase.Refusal)
            {
                Refusals[inbound.NodeId] = $"{envelope.Refusal.ReasonCode}: {envelope.Refusal.Message}";
                ResearcherLog.NodeRefused(_logger, inbound.NodeId, envelope.Refusal.Round, envelope.Refusal.Message);
                continue;
            }
            ClientMessage? message;
            try
            {
                message = SecAggWireMapper.FromWire(envelope);
            }
            catch (InvalidDataException malformed)
            {
                ResearcherLog.NodeRefused(_logger, inbound.NodeId, _server.Config.Header.Round, "malformed message: " + malformed.Message);
                continue;
            }
            if (message is null || message.Sender != inbound.NodeId)
            {
                ResearcherLog.Ignored(_logger, inbound.NodeId, envelope.BodyCase.ToString());
                continue;
            }
            lock (_lock)
            {
                if (Audit is not null) _received.Add((message, inbound.NodeId));
                try
                {
                    _server.Receive(message);
                }
                catch (SecAggRefusedException refused)
                {
                    ResearcherLog.NodeRefused(_logger, inbound.NodeId, message.Header.Round, "researcher refused its message: " + refused.Message);
                }
            }
        }
    }

    // What arrived in the current stage, recorded when it closes: one record per message type (AuditRecorder.Received).
    private readonly List<(SecAggMessage Message, string From)> _received = [];
    private readonly List<(string From, string Sha256, long? Bytes)> _maskedInputs = [];

    private void RecordReceipts()
    {
        if (Audit is null) return;
        lock (_lock)
        {
            Audit.Received(_received); // an unmask response is its node's unmask.revealed record
            var header = _server.Config.Header;
            Audit.Received(header.ExperimentId, header.Round, AuditRecorder.Session(header), nameof(MaskedInput), _maskedInputs);
            _received.Clear();
            _maskedInputs.Clear();
        }
    }

    private bool StillWaiting()
    {
        lock (_lock)
        {
            return _server.Expected.Any(id => _registry.Find(id) is not null && !Refusals.ContainsKey(id));
        }
    }

    public async ValueTask AcceptAsync(string nodeId, PayloadChunk chunk, CancellationToken cancellationToken)
    {
        if (chunk.Offset == 0)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _uploadsClosed.Token);
            try
            {
                await _uploadSlots.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return; // the stage closed while this node waited: it counts as dropped
            }
            lock (_lock)
            {
                try
                {
                    if (!_server.TryBeginMaskedInput(nodeId, SecAggWireMapper.FromWire(chunk.Header)))
                        throw new InvalidOperationException("upload slots and the server's accumulator disagree");
                    _uploads[nodeId] = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                }
                catch (Exception ex) when (ex is SecAggRefusedException or InvalidDataException)
                {
                    _uploadSlots.Release();
                    ResearcherLog.NodeRefused(_logger, nodeId, chunk.Header?.Round ?? -1, "masked input refused: " + ex.Message);
                    return;
                }
            }
        }
        lock (_lock)
        {
            if (!_uploads.TryGetValue(nodeId, out var hash)) return; // refused earlier or stage closed
            try
            {
                if (chunk.Data.Length > PayloadChunker.MaxChunkBytes)
                    throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"chunk of {chunk.Data.Length} bytes exceeds {PayloadChunker.MaxChunkBytes}");
                _server.AcceptMaskedInputChunk(nodeId, chunk.Offset, chunk.Data.Span);
                hash.AppendData(chunk.Data.Span);
                if (!chunk.Last) return;
                if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), chunk.Sha256.Span))
                    throw new SecAggRefusedException(RefusalReason.MalformedMessage, "the masked input does not match its SHA-256");
                if (Audit is not null) _maskedInputs.Add((nodeId, AuditDigest.MaskedInput(_server.Config.Header, nodeId, chunk.Sha256.Span), chunk.TotalBytes));
                _server.CompleteMaskedInput(nodeId);
                EndUpload(nodeId, cancel: false);
            }
            catch (SecAggRefusedException refused)
            {
                EndUpload(nodeId, cancel: true);
                ResearcherLog.NodeRefused(_logger, nodeId, chunk.Header?.Round ?? -1, "masked input refused: " + refused.Message);
            }
        }
        // Wake the stage loop so it notices the finished upload.
        _registry.Post(new InboundMessage(nodeId, new NodeEnvelope { Chunk = new PayloadChunk { TransferId = chunk.TransferId, Last = true } }));
    }

    public void Disconnected(string nodeId)
    {
        lock (_lock)
        {
            if (_uploads.ContainsKey(nodeId)) EndUpload(nodeId, cancel: true);
        }
    }

    private void EndUpload(string nodeId, bool cancel)
    {
        if (!_uploads.Remove(nodeId, out var hash)) return;
        hash.Dispose();
        if (cancel && _server.Stage == SecAggStage.MaskedInput) _server.CancelMaskedInput(nodeId);
        _uploadSlots.Release();
    }

    public void Dispose()
    {
        foreach (var hash in _uploads.Values) hash.Dispose();
        _uploadSlots.Dispose();
        _uploadsClosed.Dispose();
    }
}
