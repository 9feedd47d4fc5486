namespace FedBioMed.Federation.Internal;

/// <summary>
/// Derives the seeds of the trainer's seeded generators from the plan seed. Each use gets its own stream,
/// so that, say, round 3's batch order is unrelated to the initial weights.
/// </summary>
internal static class Seeds
{
    public static int ForInitialization(long planSeed) => Fold(Mix(planSeed));

    public static int ForBatchOrder(long planSeed, long round) => Fold(Mix(unchecked((long)Mix(planSeed) ^ (long)Mix(~round))));

    /// <summary>SplitMix64's finalizer (Steele et al., 2014): spreads a 64-bit value over all bits.</summary>
    private static ulong Mix(long value)
    {
        ulong z = unchecked((ulong)value + 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static int Fold(ulong value) => unchecked((int)(value ^ (value >> 32)));
}
