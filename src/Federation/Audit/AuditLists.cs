using System.Text;
using FedBioMed.Federation.Audit.Internal;

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
        return Joined.Get(ids as IReadOnlyList<string> ?? [.. ids]);
    }

    // A round joins the same few lists again and again (cohort, survivors, a broadcast's recipients).
    private static readonly ListMemo Joined = new(static ids =>
    {
        var list = Builder();
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0) list.Append(',');
            AppendEscaped(list, ids[i]);
        }
        return Done(list);
    });

    /// <summary>A list of one id: the id itself unless it holds a character lists escape.</summary>
    public static string Single(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return NeedsEscape(id) ? Join([id]) : id;
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

    private static bool NeedsEscape(string id) => id.AsSpan().IndexOfAny('%', ',', ':') >= 0;

    private static void AppendEscaped(StringBuilder list, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!NeedsEscape(id))
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
