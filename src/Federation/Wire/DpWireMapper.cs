using FedBioMed.Aggregation.UpdateEncoding;
using Google.Protobuf;

namespace FedBioMed.Federation.Wire;

/// <summary>
/// Translates a round's distributed-DP settings to and from <see cref="DpMsg"/>: the researcher writes them into
/// the training request, the node reads them back, so both sides map the same fields.
/// </summary>
public static class DpWireMapper
{
    /// <summary>
    /// The settings as a training request carries them; <paramref name="minNodes"/> is the cohort the noise
    /// suffices for, <paramref name="maxNodes"/> the cohort the round selected.
    /// </summary>
    public static DpMsg ToWire(DistributedDpConfig config, int minNodes, int maxNodes)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new DpMsg
        {
            ClipNorm = config.ClipNorm, Scale = config.Scale, NoiseVariancePerNode = config.NoiseVariancePerNode, Dimension = config.Dimension,
            RotationSeed = ByteString.CopyFrom(config.RotationSeed ?? []), WordBits = config.WordBits,
            MinNodes = minNodes, MaxNodes = maxNodes,
        };
    }

    /// <summary>The settings a training request carries (not yet validated); an empty rotation seed means no rotation.</summary>
    public static DistributedDpConfig FromWire(DpMsg dp)
    {
        ArgumentNullException.ThrowIfNull(dp);
        return new DistributedDpConfig
        {
            ClipNorm = dp.ClipNorm, Scale = dp.Scale, NoiseVariancePerNode = dp.NoiseVariancePerNode, Dimension = dp.Dimension,
            RotationSeed = dp.RotationSeed.IsEmpty ? null : dp.RotationSeed.ToByteArray(), WordBits = dp.WordBits,
        };
    }
}
