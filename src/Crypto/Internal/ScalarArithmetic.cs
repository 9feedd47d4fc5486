using System.Buffers.Binary;

namespace FedBioMed.Crypto.Internal;

/// <summary>The plain one-element-at-a-time reference that the vector code is tested against.</summary>
internal static class ScalarArithmetic
{
    public static void Add(Span<uint> accumulator, ReadOnlySpan<uint> values)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] + values[i]);
        }
    }

    public static void Subtract(Span<uint> accumulator, ReadOnlySpan<uint> values)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] - values[i]);
        }
    }

    public static void Add(Span<ulong> accumulator, ReadOnlySpan<ulong> values)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] + values[i]);
        }
    }

    public static void Subtract(Span<ulong> accumulator, ReadOnlySpan<ulong> values)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] - values[i]);
        }
    }

    public static void AddBytesAsWords(Span<uint> accumulator, ReadOnlySpan<byte> littleEndianWords, bool subtract)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            uint word = BinaryPrimitives.ReadUInt32LittleEndian(littleEndianWords.Slice(4 * i, 4));
            accumulator[i] = subtract ? unchecked(accumulator[i] - word) : unchecked(accumulator[i] + word);
        }
    }

    public static void AddBytesAsWords(Span<ulong> accumulator, ReadOnlySpan<byte> littleEndianWords, bool subtract)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(littleEndianWords.Slice(8 * i, 8));
            accumulator[i] = subtract ? unchecked(accumulator[i] - word) : unchecked(accumulator[i] + word);
        }
    }
}
