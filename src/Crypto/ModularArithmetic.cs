// Wrapping vector arithmetic mod 2^32 and 2^64 (SecAgg's Z_{2^b}), with Vector512 / Vector256 and a scalar tail.
using FedBioMed.Crypto.Internal;

namespace FedBioMed.Crypto;

/// <summary>Element-wise addition and subtraction modulo 2^32 or 2^64, in place on the accumulator.</summary>
public static class ModularArithmetic
{
    /// <summary>accumulator[i] = accumulator[i] + values[i] mod 2^16 (compact words for noisy, rotated updates).</summary>
    public static void Add(Span<ushort> accumulator, ReadOnlySpan<ushort> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Add(accumulator, values);
    }

    /// <summary>accumulator[i] = accumulator[i] - values[i] mod 2^16.</summary>
    public static void Subtract(Span<ushort> accumulator, ReadOnlySpan<ushort> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Subtract(accumulator, values);
    }

    /// <summary>accumulator[i] = accumulator[i] + values[i] mod 2^32.</summary>
    public static void Add(Span<uint> accumulator, ReadOnlySpan<uint> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Add(accumulator, values);
    }

    /// <summary>accumulator[i] = accumulator[i] - values[i] mod 2^32.</summary>
    public static void Subtract(Span<uint> accumulator, ReadOnlySpan<uint> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Subtract(accumulator, values);
    }

    /// <summary>accumulator[i] = accumulator[i] + values[i] mod 2^64.</summary>
    public static void Add(Span<ulong> accumulator, ReadOnlySpan<ulong> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Add(accumulator, values);
    }

    /// <summary>accumulator[i] = accumulator[i] - values[i] mod 2^64.</summary>
    public static void Subtract(Span<ulong> accumulator, ReadOnlySpan<ulong> values)
    {
        CheckSameLength(accumulator.Length, values.Length, nameof(values));
        VectorArithmetic.Subtract(accumulator, values);
    }

    /// <summary>Adds bytes read as little-endian 32-bit words: accumulator[i] += LE32(bytes[4i..4i+4]) mod 2^32.</summary>
    public static void AddBytesAsWords(Span<uint> accumulator, ReadOnlySpan<byte> littleEndianWords)
    {
        CheckByteLength(accumulator.Length, sizeof(uint), littleEndianWords.Length);
        VectorArithmetic.AddLittleEndian(accumulator, littleEndianWords, subtract: false);
    }

    /// <summary>Subtracts bytes read as little-endian 32-bit words: accumulator[i] -= LE32(bytes[4i..4i+4]) mod 2^32.</summary>
    public static void SubtractBytesAsWords(Span<uint> accumulator, ReadOnlySpan<byte> littleEndianWords)
    {
        CheckByteLength(accumulator.Length, sizeof(uint), littleEndianWords.Length);
        VectorArithmetic.AddLittleEndian(accumulator, littleEndianWords, subtract: true);
    }

    /// <summary>Adds bytes read as little-endian 64-bit words: accumulator[i] += LE64(bytes[8i..8i+8]) mod 2^64.</summary>
    public static void AddBytesAsWords(Span<ulong> accumulator, ReadOnlySpan<byte> littleEndianWords)
    {
        CheckByteLength(accumulator.Length, sizeof(ulong), littleEndianWords.Length);
        VectorArithmetic.AddLittleEndian(accumulator, littleEndianWords, subtract: false);
    }

    /// <summary>Subtracts bytes read as little-endian 64-bit words: accumulator[i] -= LE64(bytes[8i..8i+8]) mod 2^64.</summary>
    public static void SubtractBytesAsWords(Span<ulong> accumulator, ReadOnlySpan<byte> littleEndianWords)
    {
        CheckByteLength(accumulator.Length, sizeof(ulong), littleEndianWords.Length);
        VectorArithmetic.AddLittleEndian(accumulator, littleEndianWords, subtract: true);
    }

    private static void CheckSameLength(int accumulatorLength, int valuesLength, string paramName)
    {
        if (valuesLength != accumulatorLength)
        {
            throw Error.SameLength(paramName, "accumulator", accumulatorLength, valuesLength);
        }
    }

    private static void CheckByteLength(int accumulatorLength, int wordSize, int byteLength)
    {
        if ((long)accumulatorLength * wordSize != byteLength)
        {
            throw new ArgumentException(
                $"Expected {(long)accumulatorLength * wordSize} bytes ({accumulatorLength} words of {wordSize} bytes), got {byteLength}.",
                "littleEndianWords");
        }
    }
}
