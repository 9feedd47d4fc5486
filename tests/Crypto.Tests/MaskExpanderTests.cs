using System.Numerics;
using System.Runtime.CompilerServices;
using CsCheck;

namespace FedBioMed.Crypto.Tests;

public sealed class MaskExpanderTests
{
    private static readonly byte[] Context = new ContextBuilder("mask").Add("expander-test").ToArray();
    private static readonly byte[][] Seeds = Enumerable.Range(1, 4).Select(i => Enumerable.Repeat((byte)i, 32).ToArray()).ToArray();

    // Chunks down to a single block, so short vectors still cross several chunk boundaries.
    private static readonly Gen<int> ChunkBytes = Gen.OneOfConst(16, 32, 48, 64, 256, 4096, MaskExpander.DefaultChunkBytes);

    [Fact]
    public void Apply_Uint32_AtRandomOffsetsAndLengths_EqualsNaiveComputation()
    {
        Gen.Select(ChunkBytes, Gen.Long[0, 1_000_003], Gen.UInt.Array[0, 3000], Gen.Bool.Array[0, 4])
            .Sample((chunkBytes, firstWord, initial, subtract) =>
                AssertEqualsNaiveComputation(chunkBytes, firstWord, initial, subtract, (expander, target, terms) => expander.Apply(target, firstWord, terms)),
                iter: 300);
    }

    [Fact]
    public void Apply_Uint64_AtRandomOffsetsAndLengths_EqualsNaiveComputation()
    {
        Gen.Select(ChunkBytes, Gen.Long[0, 1_000_003], Gen.ULong.Array[0, 2000], Gen.Bool.Array[0, 4])
            .Sample((chunkBytes, firstWord, initial, subtract) =>
                AssertEqualsNaiveComputation(chunkBytes, firstWord, initial, subtract, (expander, target, terms) => expander.Apply(target, firstWord, terms)),
                iter: 300);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(3, 2)]
    [InlineData(5, 40_000)]
    public void Apply_AddThenSubtractSamePrg_RestoresTheVector(long firstWord, int length)
    {
        var original = Enumerable.Range(0, length).Select(i => (uint)(i * 2654435761u)).ToArray();
        var target = (uint[])original.Clone();
        using var prg = new MaskPrg(Seeds[0], Context);
        using var expander = new MaskExpander(1024);

        expander.Apply(target, firstWord, [new MaskTerm(prg, false)]);
        Assert.NotEqual(original, target);
        expander.Apply(target, firstWord, [new MaskTerm(prg, true)]);
        Assert.Equal(original, target);
    }

    [Fact]
    public void Apply_PairwiseMasksOfTwoParties_CancelInTheSum()
    {
        // Party u adds PRG(s_uv), party v subtracts it: the sum of the masked vectors is the sum of the inputs.
        var x = Enumerable.Range(0, 10_000).Select(i => (ulong)i).ToArray();
        var y = Enumerable.Range(0, 10_000).Select(i => (ulong)(3 * i)).ToArray();
        using var shared = new MaskPrg(Seeds[1], Context);
        using var selfU = new MaskPrg(Seeds[2], Context);
        using var expander = new MaskExpander();
        var maskedX = (ulong[])x.Clone();
        var maskedY = (ulong[])y.Clone();
        expander.Apply(maskedX, 0, [new MaskTerm(selfU, false), new MaskTerm(shared, false)]);
        expander.Apply(maskedY, 0, [new MaskTerm(shared, true)]);

        ModularArithmetic.Add(maskedX, maskedY);
        expander.Apply(maskedX, 0, [new MaskTerm(selfU, true)]);
        Assert.Equal(x.Zip(y, (a, b) => a + b), maskedX);
    }

    [Fact]
    public void Apply_InSteadyState_DoesNotAllocate()
    {
        var target = new uint[300_000];
        var terms = Terms([false, true, false]);
        using var expander = new MaskExpander(16 * 1024);
        try
        {
            expander.Apply(target, 3, terms);
            long before = GC.GetAllocatedBytesForCurrentThread();
            expander.Apply(target, 3, terms);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
        finally
        {
            Dispose(terms);
        }
    }

    [Fact]
    public void Apply_WithNoTermsOrEmptyTarget_ChangesNothing()
    {
        var target = new uint[] { 1, 2, 3 };
        using var prg = new MaskPrg(Seeds[0], Context);
        using var expander = new MaskExpander();
        expander.Apply(target, 0, []);
        expander.Apply(Span<uint>.Empty, 0, [new MaskTerm(prg, false)]);
        Assert.Equal([1u, 2u, 3u], target);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(100)]
    [InlineData(-16)]
    public void Constructor_WithBadChunkSize_Throws(int chunkBytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaskExpander(chunkBytes));
    }

    [Fact]
    public void Apply_WithNegativeFirstWordOrMissingPrg_Throws()
    {
        using var prg = new MaskPrg(Seeds[0], Context);
        using var expander = new MaskExpander();
        Assert.Throws<ArgumentOutOfRangeException>(() => expander.Apply(new uint[4], -1, [new MaskTerm(prg, false)]));
        Assert.Throws<ArgumentException>(() => expander.Apply(new uint[4], 0, [new MaskTerm(null!, false)]));
    }

    /// <summary>Applies the terms with <paramref name="apply"/> and compares with word-by-word sums of <see cref="ReferenceCtr"/>'s words.</summary>
    private static void AssertEqualsNaiveComputation<T>(int chunkBytes, long firstWord, T[] initial, bool[] subtract, Action<MaskExpander, T[], MaskTerm[]> apply)
        where T : unmanaged, IBinaryInteger<T>
    {
        var target = (T[])initial.Clone();
        using var expander = new MaskExpander(chunkBytes);
        var terms = Terms(subtract);
        try
        {
            apply(expander, target, terms);
        }
        finally
        {
            Dispose(terms);
        }

        var expected = (T[])initial.Clone();
        for (int t = 0; t < subtract.Length; t++)
        {
            var words = ReferenceCtr.Words(Seeds[t], Context, firstWord, initial.Length, Unsafe.SizeOf<T>());
            for (int i = 0; i < expected.Length; i++)
            {
                var word = T.CreateTruncating(words[i]);
                expected[i] = subtract[t] ? expected[i] - word : expected[i] + word;
            }
        }

        Assert.Equal(expected, target);
    }

    private static MaskTerm[] Terms(bool[] subtract) =>
        subtract.Select((s, i) => new MaskTerm(new MaskPrg(Seeds[i], Context), s)).ToArray();

    private static void Dispose(MaskTerm[] terms)
    {
        foreach (var term in terms)
        {
            term.Prg.Dispose();
        }
    }
}
