using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// A record's attributes as the recorder builds them: string keys and values held in ordinal key order in one array, which
/// is the order the trail writes them in. A dictionary per record cost three allocations and a hash per key on the
/// protocol's threads, and the writer then copied and sorted its pairs again; these are written as they are.
/// Values are never null (setting one throws, as the trail would refuse it).
/// </summary>
public sealed class AuditAttributes : IReadOnlyDictionary<string, string>
{
    private KeyValuePair<string, string>[] _pairs;
    private int _count;

    /// <param name="capacity">How many attributes the record will have (the array grows past it if needed).</param>
    public AuditAttributes(int capacity = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _pairs = capacity == 0 ? [] : new KeyValuePair<string, string>[capacity];
    }

    /// <summary>The attribute named <paramref name="key"/>; setting one adds it, or replaces its value.</summary>
    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no attribute '{key}'");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (value is null) throw new ArgumentNullException($"attrs[{key}]");
            var at = IndexOf(key);
            if (at >= 0)
            {
                _pairs[at] = new(key, value);
                return;
            }
            at = ~at;
            if (_count == _pairs.Length) Array.Resize(ref _pairs, Math.Max(4, _count * 2));
            Array.Copy(_pairs, at, _pairs, at + 1, _count - at);
            _pairs[at] = new(key, value);
            _count++;
        }
    }

    public int Count => _count;

    /// <summary>
    /// Adds <paramref name="source"/>'s attributes, each under <paramref name="prefix"/> + its key (<paramref name="prefixed"/>
    /// gives that key), and <paramref name="extraKey"/> (a key under the prefix that <paramref name="source"/> lacks) =
    /// <paramref name="extraValue"/>, with one shift of the attributes after them: a node's step record takes its received
    /// message this way, and inserting them one by one cost more than the record they save.
    /// </summary>
    /// <exception cref="ArgumentException">This already has a key starting with <paramref name="prefix"/>, or <paramref name="source"/> has <paramref name="extraKey"/>.</exception>
    internal void AddPrefixed(string prefix, AuditAttributes source, string extraKey, string extraValue, Func<string, string> prefixed)
    {
        ArgumentNullException.ThrowIfNull(extraValue);
        var at = ~IndexOf(prefix);
        if (at < 0 || (at < _count && _pairs[at].Key.StartsWith(prefix, StringComparison.Ordinal)))
            throw new ArgumentException($"the attributes already hold keys under '{prefix}'", nameof(prefix));
        var added = source._count + 1;
        if (_count + added > _pairs.Length) Array.Resize(ref _pairs, _count + added);
        Array.Copy(_pairs, at, _pairs, at + added, _count - at);
        // Both lists are in key order, and a common prefix keeps that order: merge the extra key into the source's keys.
        var unprefixedExtra = extraKey[prefix.Length..];
        var extraPlaced = false;
        var to = at;
        for (var i = 0; i < source._count; i++)
        {
            var (key, value) = source._pairs[i];
            var order = string.CompareOrdinal(unprefixedExtra, key);
            if (order == 0) throw new ArgumentException($"the source already holds '{key}'", nameof(source));
            if (!extraPlaced && order < 0)
            {
                _pairs[to++] = new(extraKey, extraValue);
                extraPlaced = true;
            }
            _pairs[to++] = new(prefixed(key), value);
        }
        if (!extraPlaced) _pairs[to] = new(extraKey, extraValue);
        _count += added;
    }

    /// <summary>The attributes in ordinal key order, as the trail writes them.</summary>
    internal ReadOnlySpan<KeyValuePair<string, string>> InKeyOrder => _pairs.AsSpan(0, _count);

    public IEnumerable<string> Keys => _pairs.Take(_count).Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Take(_count).Select(p => p.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = IndexOf(key);
        value = at >= 0 ? _pairs[at].Value : null;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return _pairs[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Binary search by ordinal key: the index, or the complement of where it would go.
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int low = 0, high = _count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = string.CompareOrdinal(_pairs[mid].Key, key);
            if (order == 0) return mid;
            if (order < 0) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }
}
