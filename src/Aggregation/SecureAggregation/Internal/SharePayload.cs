using System.Buffers.Binary;
using System.Text;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>
/// The plaintext inside one encrypted share: owner and holder ids (so a relayed ciphertext cannot be
/// re-addressed), then the holder's shares of the owner's self-mask seed and masking key.
/// Layout: LE32 len ‖ owner ‖ LE32 len ‖ holder ‖ LE32 index ‖ 48-byte b-share ‖ LE32 index ‖ 48-byte s-share.
/// </summary>
internal sealed record SharePayload(string Owner, string Holder, ShamirShare SelfMaskSeedShare, ShamirShare MaskingKeyShare)
{
    public byte[] Encode()
    {
        var owner = Encoding.UTF8.GetBytes(Owner);
        var holder = Encoding.UTF8.GetBytes(Holder);
        var buffer = new byte[4 + owner.Length + 4 + holder.Length + 2 * (4 + Shamir.ShareSize)];
        var span = buffer.AsSpan();
        var offset = 0;
        WriteField(span, ref offset, owner);
        WriteField(span, ref offset, holder);
        WriteShare(span, ref offset, SelfMaskSeedShare);
        WriteShare(span, ref offset, MaskingKeyShare);
        return buffer;
    }

    /// <summary>Parses a decrypted payload; null when it is malformed.</summary>
    public static SharePayload? TryDecode(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        if (!TryReadField(data, ref offset, out var owner) || !TryReadField(data, ref offset, out var holder)
            || !TryReadShare(data, ref offset, out var b) || !TryReadShare(data, ref offset, out var s)
            || offset != data.Length)
        {
            return null;
        }
        return new SharePayload(owner, holder, b, s);
    }

    private static void WriteField(Span<byte> span, ref int offset, byte[] field)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], field.Length);
        field.CopyTo(span[(offset + 4)..]);
        offset += 4 + field.Length;
    }

    private static void WriteShare(Span<byte> span, ref int offset, ShamirShare share)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], share.Index);
        share.Value.CopyTo(span[(offset + 4)..]);
        offset += 4 + Shamir.ShareSize;
    }

    private static bool TryReadField(ReadOnlySpan<byte> data, ref int offset, out string value)
    {
        value = "";
        if (data.Length - offset < 4) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        if (length < 0 || length > data.Length - offset - 4) return false;
        value = Encoding.UTF8.GetString(data.Slice(offset + 4, length));
        offset += 4 + length;
        return true;
    }

    private static bool TryReadShare(ReadOnlySpan<byte> data, ref int offset, out ShamirShare share)
    {
        share = default;
        if (data.Length - offset < 4 + Shamir.ShareSize) return false;
        var index = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        share = new ShamirShare(index, data.Slice(offset + 4, Shamir.ShareSize).ToArray());
        offset += 4 + Shamir.ShareSize;
        return true;
    }
}
