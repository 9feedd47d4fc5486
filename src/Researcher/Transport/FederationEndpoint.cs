using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Wire;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Researcher.Transport;

/// <summary>
/// The researcher's gRPC endpoint. Every node keeps one Connect stream open: the researcher sends a
/// challenge, the node answers with a hello signed by its roster identity key, the researcher admits it
/// (naming the run), then tasks flow down the stream and replies flow up. Streams end when the researcher stops, so its shutdown does not wait on
/// nodes that would otherwise stay connected for good.
/// </summary>
internal sealed class FederationEndpoint(NodeRegistry registry, Roster roster, ResearcherOptions options, IHostApplicationLifetime lifetime, ILogger<FederationEndpoint> logger)
    : Federation.Wire.FederationService.FederationServiceBase
{
    public override async Task Connect(IAsyncStreamReader<NodeEnvelope> requestStream, IServerStreamWriter<ResearcherEnvelope> responseStream, ServerCallContext context)
    {
        // What this stream's handler measures and traces (masked-input chunks, for one) is the researcher's, not every
        // participant's of the process: the stream's flow does not descend from the experiment's.
        FederationTelemetry.RunAs(options.ResearcherId);
        var challenge = RandomNumberGenerator.GetBytes(32);
        await responseStream.WriteCountedAsync(new ResearcherEnvelope { Welcome = new Welcome { ResearcherId = options.ResearcherId, Challenge = Google.Protobuf.ByteString.CopyFrom(challenge) } },
            context.CancellationToken).ConfigureAwait(false);
        if (!await requestStream.MoveNextCountedAsync(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.BodyCase != NodeEnvelope.BodyOneofCase.Hello)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message on a stream must be a NodeHello"));
        var hello = requestStream.Current.Hello;
        if (!roster.Contains(hello.NodeId))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"node '{hello.NodeId}' is not in the federation roster"));
        if (!roster.Verify(hello.NodeId, HelloSignature.Message(options.ResearcherId, hello.NodeId, challenge), hello.Signature.Span))
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"the hello of '{hello.NodeId}' is not signed by its identity key"));

        // Admitted goes out before the session exists, so it is the node's second message whatever the runner queues.
        await responseStream.WriteCountedAsync(new ResearcherEnvelope
        {
            Admitted = new Admitted { ResearcherId = options.ResearcherId, RunId = options.AuditRunId },
        }, context.CancellationToken).ConfigureAwait(false);
        var session = registry.Register(hello.NodeId, hello.Datasets.ToArray());
        ResearcherLog.NodeConnected(logger, hello.NodeId, hello.Datasets.Count);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.Closed, lifetime.ApplicationStopping);
        var writer = PumpOutboundAsync(session, responseStream, linked.Token);
        try
        {
            while (await requestStream.MoveNextCountedAsync(linked.Token).ConfigureAwait(false))
            {
                var envelope = requestStream.Current;
                registry.Tap?.Invoke(session.NodeId, envelope);
                if (envelope.BodyCase == NodeEnvelope.BodyOneofCase.Refusal && envelope.Refusal.ExperimentId.Length == 0)
                {
                    // A refusal of no experiment refuses the session itself (for example the run id): the node leaves.
                    ResearcherLog.NodeRefusedSession(logger, session.NodeId, envelope.Refusal.ReasonCode, envelope.Refusal.Message);
                    break;
                }
                if (envelope.BodyCase == NodeEnvelope.BodyOneofCase.Chunk && envelope.Chunk.Kind == PayloadKind.MaskedInput)
                {
                    // Between rounds no round takes masked inputs: a late upload (its round closed without it) is dropped, and the
                    // node stays connected for the next round rather than losing its stream over it.
                    if (registry.Sink is { } sink) await sink.AcceptAsync(session.NodeId, envelope.Chunk, linked.Token).ConfigureAwait(false);
                    else ResearcherLog.Ignored(logger, session.NodeId, "MaskedInput chunk");
                }
                else
                {
                    registry.Post(new InboundMessage(session.NodeId, envelope));
                }
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The node went away, a newer stream of the same node replaced this one, or the researcher is stopping.
        }
        catch (IOException ex)
        {
            ResearcherLog.StreamFailed(logger, session.NodeId, ex.Message);
        }
        finally
        {
            registry.Unregister(session);
            if (session.TimedOut) ResearcherLog.NodeSendTimedOut(logger, session.NodeId, options.SendTimeout.TotalSeconds);
            ResearcherLog.NodeDisconnected(logger, session.NodeId);
            await linked.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                // The response stream is gone with the call.
            }
        }
    }

    private static async Task PumpOutboundAsync(NodeSession session, IServerStreamWriter<ResearcherEnvelope> responseStream, CancellationToken cancellationToken)
    {
        await foreach (var envelope in session.Outbound.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await responseStream.WriteCountedAsync(envelope, cancellationToken).ConfigureAwait(false);
    }
}
