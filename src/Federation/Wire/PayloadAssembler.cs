using System.Security.Cryptography;

namespace FedBioMed.Federation.Wire;

/// <summary>
/// Reassembles one chunked payload: chunks must arrive in order, stay within the announced size and
/// the configured maximum, and the whole must match the SHA-256 in the last chunk.
/// </summary>
public sealed class PayloadAssembler
{
    private readonly long _maxBytes;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _buffer;
    private long _received;

    public PayloadAssembler(string transferId, long maxBytes)
    {
        TransferId = transferId;
        _maxBytes = maxBytes;
    }

    public string TransferId { get; }

    /// <summary>Adds a chunk; returns the whole payload once the last chunk arrived and its hash matched.</summary>
    public byte[]? Add(PayloadChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (chunk.TransferId != TransferId)
            throw new InvalidDataException($"chunk of transfer '{chunk.TransferId}' given to transfer '{TransferId}'");
        if (chunk.TotalBytes < 0 || chunk.TotalBytes > _maxBytes)
            throw new InvalidDataException($"transfer '{TransferId}' announces {chunk.TotalBytes} bytes; the limit is {_maxBytes}");
        if (chunk.Data.Length > PayloadChunker.MaxChunkBytes)
            throw new InvalidDataException($"chunk of {chunk.Data.Length} bytes in transfer '{TransferId}' exceeds {PayloadChunker.MaxChunkBytes}");
        _buffer ??= new byte[chunk.TotalBytes];
        if (chunk.TotalBytes != _buffer.Length)
            throw new InvalidDataException($"transfer '{TransferId}' changed its size from {_buffer.Length} to {chunk.TotalBytes}");
        if (chunk.Offset != _received || _received + chunk.Data.Length > _buffer.Length)
            throw new InvalidDataException($"chunk at byte {chunk.Offset} of transfer '{TransferId}' is out of order (expected {_received})");
        chunk.Data.Span.CopyTo(_buffer.AsSpan((int)_received));
        _hash.AppendData(chunk.Data.Span);
        _received += chunk.Data.Length;
        if (!chunk.Last) return null;
        if (_received != _buffer.Length)
            throw new InvalidDataException($"transfer '{TransferId}' ended after {_received} of {_buffer.Length} bytes");
        if (!CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), chunk.Sha256.Span))
            throw new InvalidDataException($"transfer '{TransferId}' does not match its SHA-256");
        return _buffer;
    }
}
