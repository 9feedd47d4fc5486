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
        if (wordBits == 32) expander.Apply(MemoryMarshal.Cast<byte, uint>(words), 0, terms);
        else expander.Apply(MemoryMarshal.Cast<byte, ulong>(words), 0, terms);
    }

    public static void Add(Span<byte> accumulator, ReadOnlySpan<byte> values, int wordBits)
    {
        if (wordBits == 32) ModularArithmetic.Add(MemoryMarshal.Cast<byte, uint>(accumulator), MemoryMarshal.Cast<byte, uint>(values));
        else ModularArithmetic.Add(MemoryMarshal.Cast<byte, ulong>(accumulator), MemoryMarshal.Cast<byte, ulong>(values));
    }

    public static void Subtract(Span<byte> accumulator, ReadOnlySpan<byte> values, int wordBits)
    {
        if (wordBits == 32) ModularArithmetic.Subtract(MemoryMarshal.Cast<byte, uint>(accumulator), MemoryMarshal.Cast<byte, uint>(values));
        else ModularArithmetic.Subtract(MemoryMarshal.Cast<byte, ulong>(accumulator), MemoryMarshal.Cast<byte, ulong>(values));
    }
}
