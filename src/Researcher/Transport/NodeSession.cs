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

    internal NodeSession(string nodeId, IReadOnlyList<DatasetInfo> datasets)
    {
        NodeId = nodeId;
        Datasets = datasets;
    }

    public string NodeId { get; }

    public IReadOnlyList<DatasetInfo> Datasets { get; }

    /// <summary>Cancelled when the node's stream ends.</summary>
    public CancellationToken Closed => _closed.Token;

    public bool IsConnected => !_closed.IsCancellationRequested;

    /// <summary>Queues a message for the node; false if the node has gone.</summary>
    public async ValueTask<bool> SendAsync(ResearcherEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!IsConnected) return false;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        try
        {
            await _outbound.Writer.WriteAsync(envelope, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
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
