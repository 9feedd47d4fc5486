using System.Buffers.Binary;

namespace FedBioMed.Federation;

/// <summary>
/// Federated standardization. Each node encodes per-feature Σx and Σx² over its training split and
/// its sample count as fixed-point 64-bit integers; secure aggregation sums them, so the researcher learns
/// only the federation's mean and standard deviation, never one node's.
/// Vector layout: [round(Σx_f·S)] for each feature f, then [round(Σx_f²·S)], then the count.
/// </summary>
public static class FeatureStatistics
{
    /// <summary>Fixed-point scale S = 2^20: about six decimal digits below the unit.</summary>
    public const double Scale = 1 << 20;

    public static int VectorLength(int featureLength) => checked(2 * featureLength + 1);

    /// <summary>The node's encoded sums (little-endian int64 words).</summary>
    public static byte[] Encode(LabeledDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var width = train.FeatureLength;
        var sum = new double[width];
        var squares = new double[width];
        var features = train.Features;
        for (var row = 0; row < train.Count; row++)
        {
            var sample = features.Slice(row * width, width);
            for (var f = 0; f < width; f++)
            {
                sum[f] += sample[f];
                squares[f] += (double)sample[f] * sample[f];
            }
        }
        var output = new byte[VectorLength(width) * 8];
        for (var f = 0; f < width; f++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(8 * f), checked((long)Math.Round(sum[f] * Scale)));
            BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(8 * (width + f)), checked((long)Math.Round(squares[f] * Scale)));
        }
        BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(8 * 2 * width), train.Count);
        return output;
    }

    /// <summary>Mean and population standard deviation from the summed vector.</summary>
    public static (float[] Mean, float[] Std, long Count) Decode(long[] sum)
    {
        ArgumentNullException.ThrowIfNull(sum);
        if (sum.Length < 3 || sum.Length % 2 == 0) throw new ArgumentException($"a statistics vector has odd length ≥ 3, not {sum.Length}");
        var width = (sum.Length - 1) / 2;
        var count = sum[^1];
        if (count < 1) throw new InvalidDataException($"the summed sample count {count} is not positive");
        var mean = new float[width];
        var std = new float[width];
        for (var f = 0; f < width; f++)
        {
            var m = sum[f] / Scale / count;
            var variance = sum[width + f] / Scale / count - m * m;
            mean[f] = (float)m;
            std[f] = (float)Math.Sqrt(Math.Max(variance, 0));
        }
        return (mean, std, count);
    }
}
