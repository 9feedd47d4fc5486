namespace FedBioMed.Aggregation.UpdateEncoding;

/// <summary>Server side: turns the unmasked sum back into the weighted average of the survivors' clipped updates.</summary>
public static class UpdateDecoder
{
    /// <summary>The weighted average and the total weight of the survivors.</summary>
    public static (float[] Average, long TotalWeight) Decode(long[] signedSum, EncodingConfig config)
    {
        ArgumentNullException.ThrowIfNull(signedSum);
        ArgumentNullException.ThrowIfNull(config);
        if (signedSum.Length < 1) throw new ArgumentException("the sum has no weight slot", nameof(signedSum));
        var totalWeight = signedSum[^1];
        if (totalWeight < 1) throw new InvalidOperationException($"the decoded total weight {totalWeight} is not positive; the sum is corrupt");
        var average = new float[signedSum.Length - 1];
        var divisor = config.Scale * totalWeight;
        for (var i = 0; i < average.Length; i++) average[i] = (float)(signedSum[i] / divisor);
        return (average, totalWeight);
    }
}
