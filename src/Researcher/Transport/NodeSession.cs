using System.Threading.Channels;
using FedBioMed.Federation.Wire;

namespace FedBioMed.Researcher.Transport;

/// <summary>
/// One connected node: its verified id, the datasets it announced (tags, shapes, counts only), and the
/// outbound queue that the node's Connect stream drains.
/// </summary>
public sealed class NodeSession
{
    private readonly Channel<ResearcherEnvelope> _outbound = Channel.CreateBounded<ResearcherEnvelope>(
        new BoundedChannelOptions(64) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeSpan _sendTimeout;
    private volatile bool _timedOut;

    /// <param name="nodeId">The node's verified id.</param>
    /// <param name="datasets">What it announced.</param>
    /// <param name="sendTimeout">How long a message may wait for room in a full queue before the node is dropped (<see cref="ResearcherOptions.SendTimeout"/>).</param>
    internal NodeSession(string nodeId, IReadOnlyList<DatasetInfo> datasets, TimeSpan sendTimeout)
    {
        NodeId = nodeId;
        Datasets = datasets;
        _sendTimeout = sendTimeout;
    }

    public string NodeId { get; }

    public IReadOnlyList<DatasetInfo> Datasets { get; }

    /// <summary>Cancelled when the node's stream ends.</summary>
    public CancellationToken Closed => _closed.Token;

    public bool IsConnected => !_closed.IsCancellationRequested;

    /// <summary>True once the node was dropped because its queue stayed full for the send timeout (it stopped reading).</summary>
    public bool TimedOut => _timedOut;

    /// <summary>
    /// Queues a message for the node; false if the node has gone. A node that stops reading its stream fills its queue:
    /// a message that finds no room within the send timeout drops the node (its stream is closed, and rounds count it as
    /// dropped) rather than stalling every other node's round behind it.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the node is kept).</exception>
    public async ValueTask<bool> SendAsync(ResearcherEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!IsConnected) return false;
        if (_outbound.Writer.TryWrite(envelope)) return true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        linked.CancelAfter(_sendTimeout);
        try
        {
            await _outbound.Writer.WriteAsync(envelope, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (IsConnected)
            {
                _timedOut = true;
                Close();
            }
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    internal ChannelReader<ResearcherEnvelope> Outbound => _outbound.Reader;

    internal void Close()
    {
        _outbound.Writer.TryComplete();
        _closed.Cancel();
    }
}
