using System.Collections.Concurrent;
using System.Threading.Channels;
using FedBioMed.Federation.Wire;

namespace FedBioMed.Researcher.Transport;

/// <summary>
/// The nodes connected to this researcher, and one inbound queue of their control messages for the
/// experiment that is running. Masked-input chunks bypass the queue and go to the active
/// <see cref="IMaskedInputSink"/>.
/// </summary>
/// <param name="options">The researcher's settings (<see cref="ResearcherOptions.SendTimeout"/>).</param>
public sealed class NodeRegistry(ResearcherOptions options)
{
    private readonly TimeSpan _sendTimeout = (options ?? throw new ArgumentNullException(nameof(options))).SendTimeout;
    private readonly ConcurrentDictionary<string, NodeSession> _sessions = new(StringComparer.Ordinal);
    private readonly Channel<InboundMessage> _inbound = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private IMaskedInputSink? _sink;

    /// <summary>Raised after a node connects (for waiting until a federation is complete).</summary>
    public event Action<NodeSession>? Connected;

    public IReadOnlyCollection<NodeSession> Sessions => _sessions.Values.Where(s => s.IsConnected).ToArray();

    public ChannelReader<InboundMessage> Inbound => _inbound.Reader;

    public NodeSession? Find(string nodeId) => _sessions.TryGetValue(nodeId, out var s) && s.IsConnected ? s : null;

    /// <summary>Waits until <paramref name="count"/> nodes are connected.</summary>
    public async Task WaitForNodesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (Sessions.Count < count)
        {
            try
            {
                await Task.Delay(20, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"only {Sessions.Count} of {count} nodes connected within {timeout.TotalSeconds:F0} s");
            }
        }
    }

    internal IMaskedInputSink? Sink => Volatile.Read(ref _sink);

    /// <summary>Routes masked-input chunks to <paramref name="sink"/> until the returned handle is disposed.</summary>
    public IDisposable UseMaskedInputSink(IMaskedInputSink sink)
    {
        Volatile.Write(ref _sink, sink);
        return new SinkLease(this, sink);
    }

    internal NodeSession Register(string nodeId, IReadOnlyList<DatasetInfo> datasets)
    {
        var session = new NodeSession(nodeId, datasets, _sendTimeout);
        _sessions.AddOrUpdate(nodeId, session, (_, old) =>
        {
            old.Close(); // a reconnecting node replaces its old stream
            return session;
        });
        Connected?.Invoke(session);
        return session;
    }

    internal void Post(InboundMessage message) => _inbound.Writer.TryWrite(message);

    /// <summary>Sees every message any node sends to this researcher (tests check what the researcher can learn).</summary>
    internal Action<string, NodeEnvelope>? Tap { get; set; }

    internal void Unregister(NodeSession session)
    {
        session.Close();
        _sessions.TryRemove(KeyValuePair.Create(session.NodeId, session));
        Sink?.Disconnected(session.NodeId);
        Post(new InboundMessage(session.NodeId, null));
    }

    private sealed class SinkLease(NodeRegistry registry, IMaskedInputSink sink) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref registry._sink, null, sink);
    }
}
