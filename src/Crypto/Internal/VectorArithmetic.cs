using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FedBioMed.Crypto.Internal;

/// <summary>Lane-wise wrapping arithmetic: Vector512, then Vector256, then a scalar tail.</summary>
internal static class VectorArithmetic
{
    public static void Add<T>(Span<T> accumulator, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T> => Apply<T, AddOp<T>>(accumulator, values);

    public static void Subtract<T>(Span<T> accumulator, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T> => Apply<T, SubtractOp<T>>(accumulator, values);

    /// <summary>accumulator[i] ±= the i-th little-endian word of <paramref name="littleEndianWords"/> (lengths already checked).</summary>
    public static void AddLittleEndian<T>(Span<T> accumulator, ReadOnlySpan<byte> littleEndianWords, bool subtract)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, T>(littleEndianWords);
            if (subtract)
            {
                Subtract(accumulator, words);
            }
            else
            {
                Add(accumulator, words);
            }

            return;
        }

        int wordSize = Unsafe.SizeOf<T>();
        for (int i = 0; i < accumulator.Length; i++)
        {
            var word = T.ReadLittleEndian(littleEndianWords.Slice(i * wordSize, wordSize), isUnsigned: true);
            accumulator[i] = subtract ? accumulator[i] - word : accumulator[i] + word;
        }
    }

    private static void Apply<T, TOp>(Span<T> accumulator, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T>
        where TOp : struct, IOp<T>
    {
        ref T a = ref MemoryMarshal.GetReference(accumulator);
        ref T v = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)accumulator.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector512<T>.Count;
            for (; i + (4 * step) <= length; i += 4 * step)
            {
                var a0 = Vector512.LoadUnsafe(ref a, i);
                var a1 = Vector512.LoadUnsafe(ref a, i + step);
                var a2 = Vector512.LoadUnsafe(ref a, i + (2 * step));
                var a3 = Vector512.LoadUnsafe(ref a, i + (3 * step));
                TOp.Apply(a0, Vector512.LoadUnsafe(ref v, i)).StoreUnsafe(ref a, i);
                TOp.Apply(a1, Vector512.LoadUnsafe(ref v, i + step)).StoreUnsafe(ref a, i + step);
                TOp.Apply(a2, Vector512.LoadUnsafe(ref v, i + (2 * step))).StoreUnsafe(ref a, i + (2 * step));
                TOp.Apply(a3, Vector512.LoadUnsafe(ref v, i + (3 * step))).StoreUnsafe(ref a, i + (3 * step));
            }

            for (; i + step <= length; i += step)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref v, i)).StoreUnsafe(ref a, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            nuint step = (nuint)Vector256<T>.Count;
            for (; i + step <= length; i += step)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref v, i)).StoreUnsafe(ref a, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref a, i) = TOp.Apply(Unsafe.Add(ref a, i), Unsafe.Add(ref v, i));
        }
    }

    private interface IOp<T>
        where T : unmanaged, IBinaryInteger<T>
    {
        static abstract T Apply(T a, T b);

        static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);

        static abstract Vector512<T> Apply(Vector512<T> a, Vector512<T> b);
    }

    private readonly struct AddOp<T> : IOp<T>
        where T : unmanaged, IBinaryInteger<T>
    {
        public static T Apply(T a, T b) => unchecked(a + b);

        public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a + b;

        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a + b;
    }

    private readonly struct SubtractOp<T> : IOp<T>
        where T : unmanaged, IBinaryInteger<T>
    {
        public static T Apply(T a, T b) => unchecked(a - b);

        public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a - b;

        public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a - b;
    }
}
