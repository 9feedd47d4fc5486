namespace FedBioMed.Federation.Internal;

/// <summary>
/// Deterministic initial weights from the plan seed, with PyTorch's default scale for linear and convolution
/// layers: weight and bias ~ U(−1/√fan_in, 1/√fan_in), fan_in being the weight's elements per output unit.
/// </summary>
/// <remarks>
/// This draws from a seeded <see cref="Random"/> instead of torch.manual_seed because torch's generator is
/// process-wide: trainers running side by side (simulated nodes, parallel tests) would consume each other's
/// draws. Initial weights are public to every participant anyway, so predictability costs nothing.
/// </remarks>
internal static class ParameterInitializer
{
    public static void Fill(IReadOnlyList<ParameterEntry> layout, Span<float> parameters, long seed)
    {
        var random = new Random(Seeds.ForInitialization(seed));
        long fanIn = 1;
        foreach (var entry in layout)
        {
            // A weight [out, in, ...] sets the fan-in for itself and the bias registered right after it.
            if (entry.Shape.Count >= 2)
            {
                fanIn = entry.Length / entry.Shape[0];
            }
            float bound = (float)(1 / Math.Sqrt(fanIn));
            var slice = parameters.Slice(entry.Offset, entry.Length);
            for (int i = 0; i < slice.Length; i++)
            {
                slice[i] = (float)((2 * random.NextDouble() - 1) * bound);
            }
        }
    }
}
