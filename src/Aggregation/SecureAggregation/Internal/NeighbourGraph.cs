using System.Security.Cryptography;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>
/// The round's neighbour graph, computed identically by every participant from public data. With
/// k = n-1 it is complete (SecAgg); otherwise nodes sit on a ring ordered by SHA-256 of the session
/// context and each is joined to its k/2 predecessors and k/2 successors (a Harary graph, as in
/// SecAgg+, Bell et al. 2020), so each node shares with and masks against k others.
/// </summary>
internal sealed class NeighbourGraph
{
    private readonly Dictionary<string, string[]> _holders = new(StringComparer.Ordinal);

    public NeighbourGraph(SecAggConfig config)
    {
        var cohort = config.Cohort;
        var n = cohort.Count;
        if (config.NeighbourDegree == n - 1)
        {
            var all = cohort.ToArray();
            foreach (var id in cohort) _holders[id] = all;
            return;
        }

        var ring = cohort
            .Select(id => (Id: id, Key: SHA256.HashData(SecAggKdf.NeighbourOrderKey(config.Header, id))))
            .OrderBy(x => x.Key, ByteArrayComparer.Instance)
            .ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => x.Id)
            .ToArray();
        var half = config.NeighbourDegree / 2;
        for (var i = 0; i < n; i++)
        {
            var set = new SortedSet<string>(StringComparer.Ordinal) { ring[i] };
            for (var j = 1; j <= half; j++)
            {
                set.Add(ring[(i + j) % n]);
                set.Add(ring[(i - j + n) % n]);
            }
            _holders[ring[i]] = set.ToArray();
        }
    }

    /// <summary>The node itself and its neighbours, in ordinal order: the holders of its shares.</summary>
    public IReadOnlyList<string> HoldersOf(string node) => _holders[node];

    public bool IsMember(string node) => _holders.ContainsKey(node);

    /// <summary>True when <paramref name="holder"/> is <paramref name="owner"/> itself or one of its neighbours.</summary>
    public bool IsHolder(string owner, string holder) => Array.BinarySearch(_holders[owner], holder, StringComparer.Ordinal) >= 0;

    public bool AreNeighbours(string a, string b) =>
        !string.Equals(a, b, StringComparison.Ordinal) && Array.BinarySearch(_holders[a], b, StringComparer.Ordinal) >= 0;

    /// <summary>The Shamir x-coordinate of <paramref name="holder"/>'s share of <paramref name="owner"/>'s secrets.</summary>
    public int ShareIndex(string owner, string holder)
    {
        var position = Array.BinarySearch(_holders[owner], holder, StringComparer.Ordinal);
        return position >= 0 ? position + 1 : throw new ArgumentException($"'{holder}' holds no share of '{owner}'.");
    }

    private sealed class ByteArrayComparer : IComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
