using System.Runtime.InteropServices;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>Adds or removes PRG masks on a little-endian word vector of the configured width.</summary>
internal static class MaskApplier
{
    public static void Apply(Span<byte> words, int wordBits, ReadOnlySpan<MaskTerm> terms)
    {
        if (terms.IsEmpty) return;
        using var expander = new MaskExpander();
        switch (wordBits)
        {
            case 16: expander.Apply(MemoryMarshal.Cast<byte, ushort>(words), 0, terms); break;
            case 32: expander.Apply(MemoryMarshal.Cast<byte, uint>(words), 0, terms); break;
            default: expander.Apply(MemoryMarshal.Cast<byte, ulong>(words), 0, terms); break;
        }
    }

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
