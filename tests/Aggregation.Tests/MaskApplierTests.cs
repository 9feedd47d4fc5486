using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.Tests;

public class MaskApplierTests
{
    // The scratch a mask application allocates follows the vector, up to the default chunk: a small model's masking once
    // allocated 256 KiB of pinned buffers per call, which forced a full GC about 20 times a second in the demo.
    [Theory]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(252, 256)]
    [InlineData(MaskExpander.DefaultChunkBytes - 1, MaskExpander.DefaultChunkBytes)]
    [InlineData(100_000_000, MaskExpander.DefaultChunkBytes)]
    public void ChunkBytes_CoversTheVectorInWholeBlocks_UpToTheDefaultChunk(int vectorBytes, int expected) =>
        Assert.Equal(expected, MaskApplier.ChunkBytes(vectorBytes));

    [Fact]
    public void Apply_WithAChunkSizedToTheVector_MatchesTheDefaultChunk()
    {
        var seed = new byte[MaskPrg.SeedSize];
        seed[0] = 7;
        using var prg = new MaskPrg(seed, "mask-applier-test"u8);
        MaskTerm[] terms = [new(prg, Subtract: false)];
        var words = new byte[63 * 4];
        for (var i = 0; i < words.Length; i++) words[i] = (byte)i;
        var expected = words.ToArray();
        using (var expander = new MaskExpander())
        {
            expander.Apply(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(expected.AsSpan()), 0, terms);
        }
        MaskApplier.Apply(words, 32, terms);
        Assert.Equal(expected, words);
        Assert.NotEqual(Enumerable.Range(0, words.Length).Select(i => (byte)i).ToArray(), words);
    }
}
