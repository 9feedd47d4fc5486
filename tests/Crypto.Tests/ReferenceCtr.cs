using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FedBioMed.Crypto.Tests;

/// <summary>
/// An independent, deliberately plain AES-128-CTR of the mask PRG's specification: HKDF-SHA256 key, 128-bit
/// big-endian counters, ECB over them. Shares no code with MaskPrg.
/// </summary>
internal static class ReferenceCtr
{
    public static byte[] Keystream(byte[] seed, byte[] context, long firstBlock, int blocks)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, 16, "FedBioMed.MaskPrg.v1"u8.ToArray(), context);
        var counters = new byte[blocks * 16];
        for (int i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(counters.AsSpan(i * 16, 16), (UInt128)(firstBlock + i));
        }

        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(counters, PaddingMode.None);
    }

    /// <summary>Little-endian words [firstWord, firstWord + count) of the keystream, of <paramref name="wordSize"/> bytes each.</summary>
    public static ulong[] Words(byte[] seed, byte[] context, long firstWord, int count, int wordSize)
    {
        long firstByte = firstWord * wordSize;
        long firstBlock = firstByte / 16;
        long endByte = (firstWord + count) * wordSize;
        int blocks = (int)(((endByte + 15) / 16) - firstBlock);
        var stream = Keystream(seed, context, firstBlock, Math.Max(blocks, 0));
        var words = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            int at = (int)(firstByte - (firstBlock * 16)) + (i * wordSize);
            words[i] = wordSize == 4
                ? BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(at, 4))
                : BinaryPrimitives.ReadUInt64LittleEndian(stream.AsSpan(at, 8));
        }

        return words;
    }
}
