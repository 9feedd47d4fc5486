using FedBioMed.Federation.Wire;

namespace FedBioMed.Researcher.Transport;

/// <summary>
/// Receives masked-input chunks straight from a node's stream. The stream is not read further while a
/// chunk waits, so HTTP/2 flow control holds the node back when the server's upload slots are full.
/// </summary>
public interface IMaskedInputSink
{
    ValueTask AcceptAsync(string nodeId, PayloadChunk chunk, CancellationToken cancellationToken);

    /// <summary>The node's stream ended: any upload it had started must be taken back out.</summary>
    void Disconnected(string nodeId);
}
