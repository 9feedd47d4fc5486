namespace FedBioMed.Federation.Internal;

/// <summary>
/// Sampling for data splits. These use a seeded <see cref="Random"/> on purpose: a split must be the same on
/// every run with the same seed, and it is made by the data owner over their own data, so nobody gains from
/// predicting it. Never use these for anything secret (masks, DP noise, keys).
/// </summary>
internal static class SeededSampling
{
    /// <summary>Fisher–Yates, written out so the order for a seed does not depend on the runtime's Shuffle.</summary>
    public static void Shuffle<T>(Random random, Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A draw from Dirichlet(alpha, ..., alpha) of the given dimension: normalized Gamma(alpha) draws.</summary>
    public static double[] Dirichlet(Random random, int dimension, double alpha)
    {
        var draws = new double[dimension];
        double sum = 0;
        for (int i = 0; i < dimension; i++)
        {
            draws[i] = Gamma(random, alpha);
            sum += draws[i];
        }
        if (sum <= 0)
        {
            // Every draw underflowed (tiny alpha): all mass on one component, chosen uniformly, is the limit.
            draws[random.Next(dimension)] = 1;
            return draws;
        }
        for (int i = 0; i < dimension; i++)
        {
            draws[i] /= sum;
        }
        return draws;
    }

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang (2000), with the U^(1/shape) boost for shape &lt; 1.</summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            double u = 1 - random.NextDouble();
            return Gamma(random, shape + 1) * Math.Pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>N(0, 1) by the Box–Muller transform.</summary>
    public static double StandardNormal(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
