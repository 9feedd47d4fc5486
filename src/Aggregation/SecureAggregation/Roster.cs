using FedBioMed.Crypto;

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// The federation's long-term Ed25519 identity keys, known to every node out of band. Nodes check every
/// key advertisement and consistency signature against it, so the server cannot substitute keys.
/// </summary>
public sealed class Roster
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public Roster(IEnumerable<KeyValuePair<string, byte[]>> identityKeys)
    {
        ArgumentNullException.ThrowIfNull(identityKeys);
        foreach (var (id, key) in identityKeys)
        {
            ArgumentException.ThrowIfNullOrEmpty(id);
            if (key is null || key.Length != Ed25519.PublicKeySize)
                throw new ArgumentException($"Roster key of '{id}' must be {Ed25519.PublicKeySize} bytes.", nameof(identityKeys));
            if (!_keys.TryAdd(id, (byte[])key.Clone()))
                throw new ArgumentException($"Roster lists '{id}' twice.", nameof(identityKeys));
        }
    }

    /// <summary>Node ids in the roster, in ordinal order.</summary>
    public IEnumerable<string> Members => _keys.Keys.Order(StringComparer.Ordinal);

    public bool Contains(string nodeId) => _keys.ContainsKey(nodeId);

    /// <summary>Verifies an Ed25519 signature by <paramref name="nodeId"/>; false for unknown ids.</summary>
    public bool Verify(string nodeId, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        _keys.TryGetValue(nodeId, out var key) && Ed25519.Verify(key, message, signature);

    public byte[] IdentityKeyOf(string nodeId) =>
        _keys.TryGetValue(nodeId, out var key) ? (byte[])key.Clone()
            : throw new KeyNotFoundException($"'{nodeId}' is not in the roster.");
}
