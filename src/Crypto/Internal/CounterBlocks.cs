using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedBioMed.Crypto.Internal;

/// <summary>Writes AES-CTR counter blocks: block i is the 128-bit big-endian integer i.</summary>
internal static class CounterBlocks
{
    public const int BlockSize = 16;

    /// <summary>Writes counters firstBlock, firstBlock + 1, ... into every 16-byte block of <paramref name="destination"/>.</summary>
    public static void Fill(long firstBlock, Span<byte> destination)
    {
        ref byte d = ref MemoryMarshal.GetReference(destination);
        int blocks = destination.Length / BlockSize;
        ulong counter = (ulong)firstBlock;
        for (int i = 0; i < blocks; i++, counter++)
        {
            // The upper 64 bits of a counter whose index is a non-negative long are always zero.
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i * BlockSize), 0UL);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, (i * BlockSize) + 8), BinaryPrimitives.ReverseEndianness(counter));
        }
    }
}
