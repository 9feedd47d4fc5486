using System.Runtime.InteropServices;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>Adds or removes PRG masks on a little-endian word vector of the configured width.</summary>
internal static class MaskApplier
{
    public static void Apply(Span<byte> words, int wordBits, ReadOnlySpan<MaskTerm> terms)
    {
        if (terms.IsEmpty) return;
        // Scratch no larger than the vector needs: the default 128 KiB chunk allocates 256 KiB of pinned buffers, and for a
        // small model, called per node and round, those allocations alone forced a full blocking GC about 20 times a second
        // (pinned arrays count against the large-object budget).
        using var expander = new MaskExpander(ChunkBytes(words.Length));
        switch (wordBits)
        {
            case 16: expander.Apply(MemoryMarshal.Cast<byte, ushort>(words), 0, terms); break;
            case 32: expander.Apply(MemoryMarshal.Cast<byte, uint>(words), 0, terms); break;
            default: expander.Apply(MemoryMarshal.Cast<byte, ulong>(words), 0, terms); break;
        }
    }

    // Whole AES blocks covering the vector (the mask starts at word 0, so no partial first block), at most the default chunk.
    internal static int ChunkBytes(int vectorBytes) =>
        Math.Clamp((vectorBytes + MaskPrg.BlockSize - 1) / MaskPrg.BlockSize * MaskPrg.BlockSize, MaskPrg.BlockSize, MaskExpander.DefaultChunkBytes);

    public static void Add(Span<byte> accumulator, ReadOnlySpan<byte> values, int wordBits)
    {
        switch (wordBits)
        {
            case 16: ModularArithmetic.Add(MemoryMarshal.Cast<byte, ushort>(accumulator), MemoryMarshal.Cast<byte, ushort>(values)); break;
            case 32: ModularArithmetic.Add(MemoryMarshal.Cast<byte, uint>(accumulator), MemoryMarshal.Cast<byte, uint>(values)); break;
            default: ModularArithmetic.Add(MemoryMarshal.Cast<byte, ulong>(accumulator), MemoryMarshal.Cast<byte, ulong>(values)); break;
        }
    }

    public static void Subtract(Span<byte> accumulator, ReadOnlySpan<byte> values, int wordBits)
    {
        switch (wordBits)
        {
            case 16: ModularArithmetic.Subtract(MemoryMarshal.Cast<byte, ushort>(accumulator), MemoryMarshal.Cast<byte, ushort>(values)); break;
            case 32: ModularArithmetic.Subtract(MemoryMarshal.Cast<byte, uint>(accumulator), MemoryMarshal.Cast<byte, uint>(values)); break;
            default: ModularArithmetic.Subtract(MemoryMarshal.Cast<byte, ulong>(accumulator), MemoryMarshal.Cast<byte, ulong>(values)); break;
        }
    }
}
