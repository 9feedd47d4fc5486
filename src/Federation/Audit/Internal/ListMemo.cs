namespace FedBioMed.Federation.Audit.Internal;

/// <summary>
/// A value computed from a list of ids, remembered for the last list by content: a round digests and joins the same few
/// lists (cohort, survivors, a broadcast's recipients) again and again, on every side, and comparing the ids costs less
/// than hashing or joining them. The value is computed from a copy, and the pair is swapped whole, so concurrent callers
/// and lists changed in place are safe.
/// </summary>
internal sealed class ListMemo(Func<IReadOnlyList<string>, string> compute)
{
    private Entry? _last;

    private sealed record Entry(string[] Ids, string Value);

    public string Get(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (_last is { } last && Same(last.Ids, ids)) return last.Value;
        string[] copy = [.. ids];
        var value = compute(copy);
        _last = new Entry(copy, value);
        return value;
    }

    private static bool Same(string[] known, IReadOnlyList<string> ids)
    {
        if (known.Length != ids.Count) return false;
        for (var i = 0; i < known.Length; i++)
        {
            if (!string.Equals(known[i], ids[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
