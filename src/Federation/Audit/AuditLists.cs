using System.Text;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Comma-separated lists of ids in record attributes. Ids are not restricted (protocol §1), so '%', ','
/// and ':' inside an id are percent-escaped; "owner:kind" pairs use the unescaped ':'.
/// </summary>
public static class AuditLists
{
    public static string Join(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids is IReadOnlyList<string> known) return JoinList(known);
        var list = Builder();
        var first = true;
        foreach (var id in ids)
        {
            if (!first) list.Append(',');
            first = false;
            AppendEscaped(list, id);
        }
        return Done(list);
    }

    /// <summary>A list of one id: the id itself unless it holds a character lists escape.</summary>
    public static string Single(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.AsSpan().IndexOfAny('%', ',', ':') < 0 ? id : Join([id]);
    }

    public static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',').Select(Unescape).ToArray();

    /// <summary>"owner:kind" pairs, e.g. <c>node-2:SelfMaskSeed,node-3:MaskingKey</c>.</summary>
    public static string JoinPairs(IEnumerable<(string Owner, string Kind)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var list = Builder();
        var first = true;
        foreach (var (owner, kind) in pairs)
        {
            if (!first) list.Append(',');
            first = false;
            AppendEscaped(list, owner);
            list.Append(':').Append(kind);
        }
        return Done(list);
    }

    // A round joins the same few lists again and again (cohort, survivors, a broadcast's recipients, on every side): the last
    // list joined is remembered by content (comparing ids costs less than building the string). Swapped whole, so concurrent
    // callers are safe.
    private static JoinedList? s_lastJoined;

    private sealed record JoinedList(string[] Ids, string Text);

    private static string JoinList(IReadOnlyList<string> ids)
    {
        if (s_lastJoined is { } last && SameIds(last.Ids, ids)) return last.Text;
        var copy = new string[ids.Count];
        var list = Builder();
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = ids[i] ?? throw new ArgumentNullException(nameof(ids), "a list holds a null id");
            if (i > 0) list.Append(',');
            AppendEscaped(list, copy[i]);
        }
        var text = Done(list);
        s_lastJoined = new JoinedList(copy, text);
        return text;
    }

    /// <summary>Whether <paramref name="ids"/> holds the same ids as <paramref name="known"/>, in the same order (ordinal).</summary>
    internal static bool SameIds(string[] known, IReadOnlyList<string> ids)
    {
        if (known.Length != ids.Count) return false;
        for (var i = 0; i < known.Length; i++)
        {
            if (!string.Equals(known[i], ids[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    // Lists are built for every message record (relayed digests run to hundreds of characters): one builder per thread,
    // so that only the finished string is allocated. Joining never nests.
    [ThreadStatic]
    private static StringBuilder? t_list;

    private static StringBuilder Builder() => (t_list ??= new StringBuilder(256)).Clear();

    private static string Done(StringBuilder list)
    {
        var text = list.ToString();
        if (list.Capacity > 1 << 16) t_list = null; // a huge cohort's list is not kept for the thread's life
        return text;
    }

    private static void AppendEscaped(StringBuilder list, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.AsSpan().IndexOfAny("%,:") < 0)
        {
            list.Append(id);
            return;
        }
        foreach (var c in id)
        {
            _ = c switch
            {
                '%' => list.Append("%25"),
                ',' => list.Append("%2C"),
                ':' => list.Append("%3A"),
                _ => list.Append(c),
            };
        }
    }

    public static IReadOnlyList<(string Owner, string Kind)> SplitPairs(string? list)
    {
        if (string.IsNullOrEmpty(list)) return [];
        return list.Split(',').Select(item =>
        {
            var colon = item.LastIndexOf(':');
            return colon < 0 ? (Unescape(item), "") : (Unescape(item[..colon]), item[(colon + 1)..]);
        }).ToArray();
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal)) return text;
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && int.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        return builder.ToString();
    }
}
