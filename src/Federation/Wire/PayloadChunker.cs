using System.Security.Cryptography;
using Google.Protobuf;

namespace FedBioMed.Federation.Wire;

/// <summary>
/// Splits a large payload into chunks of at most <see cref="MaxChunkBytes"/> with the SHA-256 of the
/// whole payload in the last one, so no gRPC message comes near Kestrel's 30 MB request-body limit.
/// </summary>
public static class PayloadChunker
{
    /// <summary>1 MiB: the largest chunk on the wire.</summary>
    public const int MaxChunkBytes = 1 << 20;

    public static IEnumerable<PayloadChunk> Split(string transferId, PayloadKind kind, ReadOnlyMemory<byte> payload,
        RoundHeaderMsg? header = null, int chunkBytes = MaxChunkBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(transferId);
        if (chunkBytes < 1 || chunkBytes > MaxChunkBytes)
            throw new ArgumentOutOfRangeException(nameof(chunkBytes), $"chunk size {chunkBytes} must be between 1 and {MaxChunkBytes}");
        var hash = SHA256.HashData(payload.Span);
        var offset = 0;
        do
        {
            var length = Math.Min(chunkBytes, payload.Length - offset);
            var last = offset + length == payload.Length;
            var chunk = new PayloadChunk
            {
                TransferId = transferId,
                Kind = kind,
                Offset = offset,
                TotalBytes = payload.Length,
                Data = UnsafeByteOperations.UnsafeWrap(payload.Slice(offset, length)),
                Last = last,
            };
            if (header is not null) chunk.Header = header;
            if (last) chunk.Sha256 = ByteString.CopyFrom(hash);
            yield return chunk;
            offset += length;
        }
        while (offset < payload.Length);
    }
}
