using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>
/// Every context string, signed message and key derivation of the protocol, in one place so that
/// docs/protocol.md can describe them byte for byte. Each carries experiment, round and session id.
/// </summary>
internal static class SecAggKdf
{
    private static ContextBuilder Context(string purpose, RoundHeader header) =>
        new ContextBuilder(purpose).Add(header.ExperimentId).Add(header.Round).Add(header.SessionId);

    /// <summary>
    /// What a node signs when it advertises its keys. It covers the SHA-256 of the whole round
    /// configuration (<see cref="ConfigDigest"/>, which each participant computes once per round: it
    /// hashes the whole cohort), so a server that shows different nodes different parameters is caught
    /// when the nodes check each other's advertisements.
    /// </summary>
    public static byte[] AdvertisementMessage(RoundHeader header, byte[] configDigest, string sender, byte[] channelKey, byte[] maskingKey) =>
        Context("secagg/advertise-keys", header).Add(sender).Add(channelKey).Add(maskingKey).Add(configDigest).ToArray();

    /// <summary>SHA-256 of every parameter of the round, in a fixed order (a copy; computed once per configuration object).</summary>
    public static byte[] ConfigDigest(SecAggConfig config) => (byte[])ConfigDigests.GetValue(config, ComputeConfigDigest).Clone();

    // Keyed by the object, which is immutable: a node computes D for its advertisement and its audit trail for the round
    // start, the server for every advertisement it checks. A `with` copy is another key, so a changed parameter is hashed anew.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SecAggConfig, byte[]> ConfigDigests = new();

    private static byte[] ComputeConfigDigest(SecAggConfig config)
    {
        var builder = Context("secagg/config", config.Header).Add(config.Cohort.Count);
        foreach (var id in config.Cohort) builder.Add(id);
        builder.Add(config.Threshold).Add(config.NeighbourDegree).Add(config.VectorLength).Add(config.WordBits).Add(unchecked((long)config.MaxAbsInput)).Add(unchecked((long)(config.MaxAbsSum ?? 0)));
        return builder.Sha256();
    }

    public static byte[] ConsistencyMessage(RoundHeader header, IReadOnlyList<string> survivors)
    {
        var builder = Context("secagg/consistency", header).Add(survivors.Count);
        foreach (var id in survivors) builder.Add(id);
        return builder.ToArray();
    }

    /// <summary>Directional AES-256-GCM key for shares sent from <paramref name="sender"/> to <paramref name="receiver"/>.</summary>
    public static byte[] ChannelKey(ReadOnlySpan<byte> agreement, RoundHeader header, string sender, string receiver) =>
        HkdfSha256.DeriveKey(agreement, header.SessionId,
            Context("secagg/share-channel", header).Add(sender).Add(receiver).ToArray(), Aes256Gcm.KeySize);

    public static byte[] ShareAssociatedData(RoundHeader header, string sender, string receiver) =>
        Context("secagg/share-aad", header).Add(sender).Add(receiver).ToArray();

    /// <summary>The pairwise mask seed s_uv; <paramref name="low"/> sorts before <paramref name="high"/>.</summary>
    public static byte[] PairwiseSeed(ReadOnlySpan<byte> agreement, RoundHeader header, string low, string high) =>
        HkdfSha256.DeriveKey(agreement, header.SessionId,
            Context("secagg/pairwise-seed", header).Add(low).Add(high).ToArray(), MaskPrg.SeedSize);

    public static byte[] PairwiseMaskContext(RoundHeader header, string low, string high) =>
        Context("secagg/pairwise-mask", header).Add(low).Add(high).ToArray();

    public static byte[] SelfMaskContext(RoundHeader header, string owner) =>
        Context("secagg/self-mask", header).Add(owner).ToArray();

    public static byte[] NeighbourOrderKey(RoundHeader header, string node) =>
        Context("secagg/neighbour-order", header).Add(node).ToArray();
}
