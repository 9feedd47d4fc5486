// Canonical context strings for KDF info and signed payloads (no RFC: a length-prefixed encoding, so that
// no two different field lists encode to the same bytes).
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FedBioMed.Crypto;

/// <summary>
/// Builds an unambiguous domain-separation context: <c>field("FedBioMed.NET/1") || field(purpose) || field(f1) || ...</c>,
/// where <c>field(x) = LE32(length of x) || x</c>, strings are UTF-8 and integers are 8-byte little-endian fields.
/// </summary>
public sealed class ContextBuilder
{
    /// <summary>The protocol label and version every context starts with.</summary>
    public const string Label = "FedBioMed.NET/1";

    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    /// <summary>Starts a context for <paramref name="purpose"/> (for example "mask" or "share-encryption").</summary>
    public ContextBuilder(string purpose) => Restart(purpose);

    /// <summary>Starts over for another context (the buffer is kept), as a new builder for <paramref name="purpose"/> would.</summary>
    public ContextBuilder Restart(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        _buffer.ResetWrittenCount();
        Add(Label);
        return Add(purpose);
    }

    /// <summary>Appends a byte field.</summary>
    public ContextBuilder Add(ReadOnlySpan<byte> field)
    {
        var destination = _buffer.GetSpan(sizeof(int) + field.Length);
        BinaryPrimitives.WriteInt32LittleEndian(destination, field.Length);
        field.CopyTo(destination[sizeof(int)..]);
        _buffer.Advance(sizeof(int) + field.Length);
        return this;
    }

    /// <summary>Appends a UTF-8 string field.</summary>
    public ContextBuilder Add(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        // One pass: room for the longest encoding, then the length actually written (counting first walked the string twice).
        var destination = _buffer.GetSpan(sizeof(int) + Encoding.UTF8.GetMaxByteCount(field.Length));
        int length = Encoding.UTF8.GetBytes(field, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        _buffer.Advance(sizeof(int) + length);
        return this;
    }

    /// <summary>Appends an integer as an 8-byte little-endian field.</summary>
    public ContextBuilder Add(long value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Add(bytes);
    }

    /// <summary>The encoded context so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>The encoded context so far, without a copy (valid until the builder changes).</summary>
    public ReadOnlySpan<byte> Encoded => _buffer.WrittenSpan;

    /// <summary>SHA-256 of the encoded context.</summary>
    public byte[] Sha256() => System.Security.Cryptography.SHA256.HashData(_buffer.WrittenSpan);

    /// <summary>Writes the SHA-256 of the encoding into <paramref name="destination"/> (32 bytes).</summary>
    public void Sha256(Span<byte> destination) => System.Security.Cryptography.SHA256.HashData(_buffer.WrittenSpan, destination);
}
