using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Transport;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Researcher.Experiments;

/// <summary>
/// Sends the global model and a training request to each selected node and collects their replies
/// (and, without secure aggregation, their plain updates) until all answered or the deadline passed.
/// With an audit recorder it records the request sent (one record for all nodes), the replies received (one record) and each plain update received.
/// </summary>
internal sealed class TrainingCollector(NodeRegistry registry, ResearcherOptions options, ILogger logger, AuditRecorder? audit = null)
{
    public sealed record Replies(
        Dictionary<string, TrainingReply> Ready,
        Dictionary<string, byte[]> PlainUpdates,
        Dictionary<string, string> Failed);

    /// <summary>
    /// Sends <paramref name="model"/> and <paramref name="request"/> to each of <paramref name="nodes"/> and collects
    /// replies (and plain updates when <paramref name="expectPlainUpdates"/>) for at most <paramref name="timeout"/>
    /// or until <paramref name="cancellationToken"/> fires. <paramref name="requestSha256"/>: the request's audit
    /// digest with its model (<see cref="AuditDigest.TrainingRequest"/>), computed here when auditing and not given.
    /// </summary>
    public async Task<Replies> RunAsync(IReadOnlyList<string> nodes, TrainingRequest request, byte[] model, bool expectPlainUpdates,
        TimeSpan timeout, CancellationToken cancellationToken, string? requestSha256 = null)
    {
        if (audit is not null) requestSha256 ??= AuditDigest.TrainingRequest(request, AuditDigest.Bytes(model));
        var ready = new Dictionary<string, TrainingReply>(StringComparer.Ordinal);
        var plain = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        var assemblers = new Dictionary<string, PayloadAssembler>(StringComparer.Ordinal);
        var requested = new List<string>(nodes.Count);
        foreach (var nodeId in nodes)
        {
            var session = registry.Find(nodeId);
            var sent = session is not null;
            if (sent)
            {
                foreach (var chunk in PayloadChunker.Split(request.ModelTransferId, PayloadKind.GlobalModel, model))
                    sent &= await session!.SendAsync(new ResearcherEnvelope { Chunk = chunk }, cancellationToken).ConfigureAwait(false);
                sent &= await session!.SendAsync(new ResearcherEnvelope { TrainingRequest = request }, cancellationToken).ConfigureAwait(false);
            }
            if (sent) requested.Add(nodeId);
            else failed[nodeId] = "disconnected";
        }
        // One record for the one request every node got (before any reply is read).
        audit?.Sent(request.ExperimentId, request.Round, null, AuditMessageTypes.TrainingRequest, requestSha256!, requested);

        bool Done(string id) => failed.ContainsKey(id) || (ready.ContainsKey(id) && (!expectPlainUpdates || plain.ContainsKey(id)));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // The replies, recorded as one record once collection ends (AuditRecorder.Received).
        var replies = new List<(string From, string Sha256, long? Bytes)>();
        try
        {
            while (!nodes.All(Done))
            {
                InboundMessage inbound;
                try
                {
                    inbound = await registry.Inbound.ReadAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                var id = inbound.NodeId;
                if (!nodes.Contains(id, StringComparer.Ordinal) || Done(id)) continue;
                if (inbound.IsDisconnect)
                {
                    failed[id] = "disconnected during training";
                    continue;
                }
                var envelope = inbound.Envelope!;
                switch (envelope.BodyCase)
                {
                    case NodeEnvelope.BodyOneofCase.TrainingReply when envelope.TrainingReply.ExperimentId == request.ExperimentId && envelope.TrainingReply.Round == request.Round:
                        if (audit is not null) replies.Add((id, AuditDigest.TrainingReply(envelope.TrainingReply), null));
                        if (envelope.TrainingReply.Ready) ready[id] = envelope.TrainingReply;
                        else failed[id] = "not ready";
                        break;
                    case NodeEnvelope.BodyOneofCase.Refusal when envelope.Refusal.Round == request.Round:
                        failed[id] = $"refused: {envelope.Refusal.Message}";
                        ResearcherLog.NodeRefused(logger, id, request.Round, envelope.Refusal.Message);
                        break;
                    case NodeEnvelope.BodyOneofCase.Chunk when envelope.Chunk.Kind == PayloadKind.PlainUpdate && expectPlainUpdates:
                        try
                        {
                            if (!assemblers.TryGetValue(id, out var assembler))
                                assemblers[id] = assembler = new PayloadAssembler(envelope.Chunk.TransferId, options.MaxPayloadBytes);
                            if (assembler.Add(envelope.Chunk) is { } payload)
                            {
                                plain[id] = payload;
                                // The digest of what arrived: the assembler has checked that the last chunk's SHA-256 is the payload's
                                // (the node's trail records what it sent).
                                audit?.Received(request.ExperimentId, request.Round, null, AuditMessageTypes.PlainUpdate,
                                    AuditDigest.PlainUpdate(request.ExperimentId, request.Round, id, envelope.Chunk.Sha256.Span), id, payload.Length);
                            }
                        }
                        catch (InvalidDataException bad)
                        {
                            failed[id] = bad.Message;
                        }
                        break;
                    default:
                        ResearcherLog.Ignored(logger, id, envelope.BodyCase.ToString());
                        break;
                }
            }
        }
        finally
        {
            audit?.Received(request.ExperimentId, request.Round, null, AuditMessageTypes.TrainingReply, replies);
        }
        foreach (var id in nodes.Where(id => !Done(id))) failed[id] = $"no reply within {timeout.TotalSeconds:F0} s";
        foreach (var id in failed.Keys) ready.Remove(id);
        return new Replies(ready, plain, failed);
    }
}
