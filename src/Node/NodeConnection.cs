using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Audit;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tasks;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node;

/// <summary>
/// One session of the node with the researcher: connect out, prove the node's identity, wait to be admitted for a
/// run (opening that run's audit trail), then serve the tasks that arrive on the stream (training requests, SecAgg+
/// stages) until the stream or the node stops.
/// </summary>
public sealed class NodeConnection(
    NodeOptions options, NodeIdentity identity, Roster roster, IRoundReplayGuard replayGuard,
    LocalDataCatalog data, TrainingTaskHandler trainer, ILogger<NodeConnection> logger, NodeAuditTrails? auditTrails = null)
{
    /// <summary>The recorder of the admitted run's trail; null when auditing is off (no digest is computed then).</summary>
    private AuditRecorder? _audit;
    private readonly Dictionary<string, PayloadAssembler> _transfers = new(StringComparer.Ordinal);
    /// <summary>Whole global models by transfer id, with the SHA-256 their last chunk carried and the assembler checked.</summary>
    private readonly Dictionary<string, (byte[] Bytes, ByteString Sha256)> _models = new(StringComparer.Ordinal);
    private SecAggClient? _secAgg;
    private (string Experiment, long Round) _secAggRound;
    private AuditDpParameters? _secAggDp;
    private string _secAggTask = AuditTasks.Train;
    private (string Experiment, long Round, string? Session)? _auditedRound; // the last round this node sent its input to (session: SecAgg's, null without)

    /// <summary>Raised when the researcher has admitted the node and its trail is open (for tests and the demo).</summary>
    public event Action? Ready;

    /// <summary>Runs one connection until the researcher closes it or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(options.ResearcherUrl, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 4 << 20,
            MaxSendMessageSize = 4 << 20,
        });
        var client = new FederationService.FederationServiceClient(channel);
        using var call = client.Connect(cancellationToken: cancellationToken);
        try
        {
            await HandshakeAsync(call, cancellationToken).ConfigureAwait(false);
            var runId = await AdmitAsync(call, cancellationToken).ConfigureAwait(false);
            NodeLog.Connected(logger, identity.Id, options.ResearcherUrl, runId);
            Ready?.Invoke();
            while (await call.ResponseStream.MoveNextCountedAsync(cancellationToken).ConfigureAwait(false))
                await HandleAsync(call.RequestStream, call.ResponseStream.Current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happens, a round this node was in ends here and its secrets are wiped.
            _secAgg?.Dispose();
            _secAgg = null;
        }
    }

    private async Task HandshakeAsync(AsyncDuplexStreamingCall<NodeEnvelope, ResearcherEnvelope> call, CancellationToken cancellationToken)
    {
        if (!await call.ResponseStream.MoveNextCountedAsync(cancellationToken).ConfigureAwait(false) || call.ResponseStream.Current.BodyCase != ResearcherEnvelope.BodyOneofCase.Welcome)
            throw new InvalidDataException("the researcher did not open the stream with a challenge");
        var welcome = call.ResponseStream.Current.Welcome;
        if (!string.Equals(welcome.ResearcherId, options.ResearcherId, StringComparison.Ordinal))
            throw new InvalidDataException($"the server calls itself '{welcome.ResearcherId}', this node serves '{options.ResearcherId}'");
        var hello = new NodeHello
        {
            NodeId = identity.Id,
            Signature = ByteString.CopyFrom(identity.Sign(HelloSignature.Message(welcome.ResearcherId, identity.Id, welcome.Challenge.Span))),
        };
        foreach (var d in data.Describe())
        {
            hello.Datasets.Add(new DatasetInfo
            {
                DatasetId = d.Id, Tags = { d.Tags }, FeatureShape = { d.FeatureShape }, SampleCount = d.SampleCount, ClassCount = d.ClassCount,
            });
        }
        await call.RequestStream.WriteCountedAsync(new NodeEnvelope { Hello = hello }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the researcher's answer to the hello, which must be <see cref="Admitted"/>, and opens the trail of its run.
    /// A run id this node must not take (not the pinned <see cref="NodeOptions.AuditRunId"/>, or unfit to name a trail)
    /// is refused: a <see cref="Refusal"/> of no experiment, then the connection ends.
    /// </summary>
    private async Task<string> AdmitAsync(AsyncDuplexStreamingCall<NodeEnvelope, ResearcherEnvelope> call, CancellationToken cancellationToken)
    {
        if (!await call.ResponseStream.MoveNextCountedAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidDataException("the researcher ended the stream without admitting this node");
        var answer = call.ResponseStream.Current;
        if (answer.BodyCase != ResearcherEnvelope.BodyOneofCase.Admitted)
            throw new InvalidDataException($"the researcher answered the hello with '{answer.BodyCase}', not 'Admitted'");
        var admitted = answer.Admitted;
        if (!string.Equals(admitted.ResearcherId, options.ResearcherId, StringComparison.Ordinal))
            throw new InvalidDataException($"the server admitted this node as '{admitted.ResearcherId}', this node serves '{options.ResearcherId}'");
        var runId = admitted.RunId;
        (string Code, string Message)? refusal = null;
        if ((auditTrails is { Enabled: true } || options.AuditRunId is not null) && !AuditTrails.IsValidRunId(runId))
            refusal = ("run-id-invalid", AuditTrails.InvalidRunIdMessage(runId));
        else if (options.AuditRunId is { } pinned && !string.Equals(runId, pinned, StringComparison.Ordinal))
            refusal = ("run-id-mismatch", $"the researcher's run is '{runId}', this node takes part in run '{pinned}' only (Node:AuditRunId)");
        if (refusal is { } refused)
        {
            NodeLog.RunRefused(logger, options.ResearcherUrl, refused.Message);
            await call.RequestStream.WriteCountedAsync(new NodeEnvelope { Refusal = new Refusal { ReasonCode = refused.Code, Message = refused.Message } }, cancellationToken)
                .ConfigureAwait(false);
            // Half-close and let the researcher end the call, so the refusal is read before the stream is torn down.
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                while (await call.ResponseStream.MoveNextCountedAsync(linger.Token).ConfigureAwait(false))
                {
                    // Whatever the researcher had queued is not for this node.
                }
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException)
            {
                // It did not end the call in time: disposing the call resets the stream.
            }
            throw new InvalidDataException(refused.Message);
        }
        if (auditTrails is not null && await auditTrails.OpenAsync(runId, cancellationToken).ConfigureAwait(false) is { } sink)
            _audit = new AuditRecorder(sink);
        return runId;
    }

    private async Task HandleAsync(IClientStreamWriter<NodeEnvelope> output, ResearcherEnvelope envelope, CancellationToken cancellationToken)
    {
        switch (envelope.BodyCase)
        {
            case ResearcherEnvelope.BodyOneofCase.Chunk:
                ReceiveChunk(envelope.Chunk);
                break;
            case ResearcherEnvelope.BodyOneofCase.TrainingRequest:
                await TrainAsync(output, envelope.TrainingRequest, cancellationToken).ConfigureAwait(false);
                break;
            case ResearcherEnvelope.BodyOneofCase.RoundOutcome:
                var outcome = envelope.RoundOutcome;
                NodeLog.RoundEnded(logger, outcome.ExperimentId, outcome.Round, outcome.Completed, outcome.GlobalModelSha256);
                // The rounds metric counts training rounds, like the researcher's: round 0 is the feature-statistics round.
                if (outcome.Round > 0)
                {
                    if (!outcome.Completed) FederationTelemetry.RoundAborted(AuditRoles.Node, nodeId: identity.Id);
                    else if (outcome.Survivors.Contains(identity.Id)) FederationTelemetry.RoundCompleted(AuditRoles.Node, identity.Id);
                }
                if (_audit is not null && outcome.Completed && _auditedRound is { } audited && (audited.Experiment, audited.Round) == (outcome.ExperimentId, outcome.Round)
                    && outcome.Survivors.Contains(identity.Id))
                {
                    // What the researcher told this node the round produced (the GlobalModel message): its model hash and survivors.
                    _audit.RoundResult(outcome.ExperimentId, outcome.Round, audited.Session, outcome.GlobalModelSha256, [.. outcome.Survivors], from: options.ResearcherId);
                }
                if (_secAgg is not null && _secAggRound == (outcome.ExperimentId, outcome.Round))
                {
                    _secAgg.Dispose();
                    _secAgg = null;
                }
                break;
            default:
                if (SecAggWireMapper.FromWire(envelope) is { } message)
                    await SecAggStepAsync(output, message, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private void ReceiveChunk(PayloadChunk chunk)
    {
        if (chunk.Kind != PayloadKind.GlobalModel) return;
        if (!_transfers.TryGetValue(chunk.TransferId, out var assembler))
            _transfers[chunk.TransferId] = assembler = new PayloadAssembler(chunk.TransferId, options.MaxPayloadBytes);
        if (assembler.Add(chunk) is { } model)
        {
            _transfers.Remove(chunk.TransferId);
            _models.Clear(); // only the latest global model is kept
            _models[chunk.TransferId] = (model, chunk.Sha256);
        }
    }

    private async Task TrainAsync(IClientStreamWriter<NodeEnvelope> output, TrainingRequest request, CancellationToken cancellationToken)
    {
        var haveModel = _models.Remove(request.ModelTransferId, out var model);
        // The request with the model it names, as received: the researcher's trail records the same digest sent. The
        // model's SHA-256 is the one its transfer was verified against (AuditDigest.Bytes of the same bytes), not hashed again.
        var requestSha256 = _audit is null ? "" : AuditDigest.TrainingRequest(request, haveModel ? Convert.ToHexStringLower(model.Sha256.Span) : "");
        _audit?.Received(request.ExperimentId, request.Round, null, AuditMessageTypes.TrainingRequest, requestSha256, options.ResearcherId);
        var task = request.StatisticsOnly ? AuditTasks.Statistics : AuditTasks.Train;
        try
        {
            if (!haveModel)
                throw new TaskRefusedException("no-model", $"the global model '{request.ModelTransferId}' did not arrive whole");
            var global = TrainingTaskHandler.ReadModel(model.Bytes);
            using var taskSpan = FederationTelemetry.StartNodeTask(identity.Id, request.EvaluateOnly ? "evaluate" : request.StatisticsOnly ? "statistics" : "train",
                request.ExperimentId, request.Round, payloadBytes: model.Bytes.Length);
            var outcome = await Task.Run(() => trainer.Handle(request, global), cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
            // Without secure aggregation the node takes part once it accepts the request: the round's parameters are the request.
            if (!request.SecureAggregation && outcome.EncodedUpdate is not null)
                _audit?.RoundStart(request.ExperimentId, request.Round, task, requestSha256, request.WordBits, dp: outcome.Dp);
            if (outcome.Reply.EpsilonSpent > 0)
            {
                _audit?.DpSpent(request.ExperimentId, request.Round, outcome.Reply.EpsilonSpent, options.Privacy.Delta);
                FederationTelemetry.EpsilonSpent(request.ExperimentId, outcome.Reply.EpsilonSpent);
            }
            if (outcome.EncodedUpdate is { } update)
            {
                NodeLog.Trained(logger, request.ExperimentId, request.Round, outcome.Reply.Weight, outcome.Reply.TrainLoss);
                if (request.SecureAggregation)
                {
                    _secAgg?.Dispose();
                    _secAgg = new SecAggClient(identity, roster, update, replayGuard,
                        new SecAggClientPolicy { MinimumThreshold = outcome.MinimumThreshold, AssumedColludingNodes = options.AssumedColludingNodes });
                    _secAggRound = (request.ExperimentId, request.Round);
                    _secAggDp = outcome.Dp;
                    _secAggTask = task;
                }
                else
                {
                    outcome.Reply.ModelTransferId = $"{request.ExperimentId}/{request.Round}/{identity.Id}/update";
                }
            }
            // Recorded before it leaves: once the researcher has it, it may end the run and stop this node at once.
            _audit?.Sent(request.ExperimentId, request.Round, null, AuditMessageTypes.TrainingReply, AuditDigest.TrainingReply(outcome.Reply), options.ResearcherId);
            await output.WriteCountedAsync(new NodeEnvelope { TrainingReply = outcome.Reply }, cancellationToken).ConfigureAwait(false);
            if (!request.SecureAggregation && outcome.EncodedUpdate is { } plain)
            {
                foreach (var chunk in PayloadChunker.Split(outcome.Reply.ModelTransferId, PayloadKind.PlainUpdate, plain))
                {
                    // As for a masked input: the last chunk carries the payload's SHA-256, which the researcher checks.
                    if (chunk.Last)
                    {
                        _audit?.Sent(request.ExperimentId, request.Round, null, AuditMessageTypes.PlainUpdate,
                            AuditDigest.PlainUpdate(request.ExperimentId, request.Round, identity.Id, chunk.Sha256.Span), options.ResearcherId, chunk.TotalBytes);
                    }
                    await output.WriteCountedAsync(new NodeEnvelope { Chunk = chunk }, cancellationToken).ConfigureAwait(false);
                }
                _auditedRound = (request.ExperimentId, request.Round, null);
            }
        }
        catch (TaskRefusedException refused)
        {
            _audit?.Refused(request.ExperimentId, request.Round, null, refused.Code, refused.Message);
            await RefuseAsync(output, request.ExperimentId, request.Round, refused.Code, refused.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or InvalidDataException or ArithmeticException)
        {
            _audit?.Refused(request.ExperimentId, request.Round, null, "training-failed", ex.Message);
            await RefuseAsync(output, request.ExperimentId, request.Round, "training-failed", ex.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SecAggStepAsync(IClientStreamWriter<NodeEnvelope> output, ServerMessage message, CancellationToken cancellationToken)
    {
        if (_secAgg is null || _secAggRound != (message.Header.ExperimentId, message.Header.Round))
        {
            await RefuseAsync(output, message.Header.ExperimentId, message.Header.Round, nameof(RefusalReason.UnexpectedStage),
                "this node has no update waiting for that round", cancellationToken).ConfigureAwait(false);
            return;
        }
        // The message and the reply it causes are one record, written before the reply leaves (AuditStep); a round start, survivor
        // set or unmask request is recorded as that stage (round.start with the DP this node applies).
        using var step = _audit?.Step(message, options.ResearcherId, dp: _secAggDp, task: _secAggTask);
        if (_audit is not null && message is RoundStart) _auditedRound = (message.Header.ExperimentId, message.Header.Round, AuditRecorder.Session(message.Header));
        ClientMessage reply;
        try
        {
            reply = _secAgg.Handle(message);
        }
        catch (SecAggRefusedException refused)
        {
            step?.Refused(message.Header, refused);
            _secAgg.Dispose();
            _secAgg = null;
            await RefuseAsync(output, message.Header.ExperimentId, message.Header.Round, refused.Reason.ToString(), refused.Message, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (reply is MaskedInput masked)
        {
            var header = SecAggWireMapper.ToWire(masked.Header);
            foreach (var chunk in PayloadChunker.Split($"{masked.Header.ExperimentId}/{masked.Header.Round}/{identity.Id}/masked", PayloadKind.MaskedInput, masked.Payload, header))
            {
                // The last chunk carries the payload's SHA-256: the digest both sides compute without hashing twice.
                if (chunk.Last)
                {
                    step?.Sent(masked.Header.ExperimentId, masked.Header.Round, AuditRecorder.Session(masked.Header), nameof(MaskedInput),
                        AuditDigest.MaskedInput(masked.Header, masked.Sender, chunk.Sha256.Span), options.ResearcherId, chunk.TotalBytes);
                }
                await output.WriteCountedAsync(new NodeEnvelope { Chunk = chunk }, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var wire = SecAggWireMapper.ToWire(reply);
            // Recorded before it leaves (what the node reveals is on its record first), as every message this node sends;
            // its advertisement, consistency signature and unmask response are recorded as those stages.
            step?.Sent(reply, options.ResearcherId);
            await output.WriteCountedAsync(wire, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefuseAsync(IClientStreamWriter<NodeEnvelope> output, string experimentId, long round, string code, string message, CancellationToken cancellationToken)
    {
        NodeLog.Refused(logger, experimentId, round, message);
        await output.WriteCountedAsync(new NodeEnvelope
        {
            Refusal = new Refusal { ExperimentId = experimentId, Round = round, ReasonCode = code, Message = message },
        }, cancellationToken).ConfigureAwait(false);
    }
}
