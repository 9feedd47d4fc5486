using System.Threading.Channels;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Transport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedBioMed.Researcher.Tests;

/// <summary>
/// The researcher's end of a node's stream, driven through in-memory stream fakes: a roster node that sends what no round
/// is waiting for keeps its stream.
/// </summary>
public sealed class FederationEndpointTests
{
    [Fact]
    public async Task AMaskedInputBetweenRounds_IsDropped_AndTheNodeStaysConnected()
    {
        var identity = NodeIdentity.Generate("node-a");
        var roster = new Roster([KeyValuePair.Create(identity.Id, identity.PublicKey)]);
        var options = new ResearcherOptions();
        var registry = new NodeRegistry(options);
        var endpoint = new FederationEndpoint(registry, roster, options, new Lifetime(), NullLogger<FederationEndpoint>.Instance);
        var toNode = new Writer();
        var fromNode = Channel.CreateUnbounded<NodeEnvelope>();
        using var call = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connect = endpoint.Connect(new Reader(fromNode.Reader), toNode, new Context(call.Token));

        // The handshake, as a node does it: the challenge, a signed hello, admission.
        var welcome = (await Next(toNode.Sent, connect, call.Token)).Welcome;
        var hello = new NodeHello { NodeId = identity.Id, Signature = ByteString.CopyFrom(identity.Sign(HelloSignature.Message(welcome.ResearcherId, identity.Id, welcome.Challenge.Span))) };
        await fromNode.Writer.WriteAsync(new NodeEnvelope { Hello = hello }, call.Token);
        Assert.Equal(ResearcherEnvelope.BodyOneofCase.Admitted, (await Next(toNode.Sent, connect, call.Token)).BodyCase);
        Assert.NotNull(registry.Find(identity.Id));

        // A masked input when no round takes one (a late upload), then a message the next round would read.
        await fromNode.Writer.WriteAsync(new NodeEnvelope
        {
            Chunk = new PayloadChunk { Kind = PayloadKind.MaskedInput, TransferId = "exp/1/node-a/masked", Data = ByteString.CopyFrom(new byte[16]), Last = true, TotalBytes = 16 },
        }, call.Token);
        await fromNode.Writer.WriteAsync(new NodeEnvelope { TrainingReply = new TrainingReply { ExperimentId = "exp", Round = 2, Ready = true } }, call.Token);

        // The stream went on: the reply after the chunk reached the researcher, and the node is still connected.
        var next = await Next(registry.Inbound, connect, call.Token);
        Assert.Equal(identity.Id, next.NodeId);
        Assert.Equal(NodeEnvelope.BodyOneofCase.TrainingReply, next.Envelope!.BodyCase);
        Assert.False(connect.IsCompleted);
        Assert.NotNull(registry.Find(identity.Id));

        fromNode.Writer.Complete(); // the node ends its stream
        await connect.WaitAsync(call.Token);
        Assert.Null(registry.Find(identity.Id));
    }

    // The next message, or the endpoint's own failure if its call ends first (instead of waiting for the test's deadline).
    private static async Task<T> Next<T>(ChannelReader<T> messages, Task connect, CancellationToken cancellationToken)
    {
        var read = messages.ReadAsync(cancellationToken).AsTask();
        if (await Task.WhenAny(read, connect) == connect && !read.IsCompleted)
        {
            await connect; // throws what ended the call
            Assert.Fail("the endpoint ended the node's stream");
        }
        return await read;
    }

    private sealed class Reader(ChannelReader<NodeEnvelope> messages) : IAsyncStreamReader<NodeEnvelope>
    {
        public NodeEnvelope Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await messages.WaitToReadAsync(cancellationToken)) return false;
            Current = await messages.ReadAsync(cancellationToken);
            return true;
        }
    }

    private sealed class Writer : IServerStreamWriter<ResearcherEnvelope>
    {
        private readonly Channel<ResearcherEnvelope> _sent = Channel.CreateUnbounded<ResearcherEnvelope>();

        public ChannelReader<ResearcherEnvelope> Sent => _sent.Reader;

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(ResearcherEnvelope message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(ResearcherEnvelope message, CancellationToken cancellationToken) => _sent.Writer.WriteAsync(message, cancellationToken).AsTask();
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class Context(CancellationToken cancellationToken) : ServerCallContext
    {
        protected override string MethodCore => "/fedbiomed.FederationService/Connect";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "test";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => cancellationToken;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
