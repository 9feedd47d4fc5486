using System.Text;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Comma-separated lists of ids in record attributes. Ids are not restricted (protocol §1), so '%', ','
/// and ':' inside an id are percent-escaped; "owner:kind" pairs use the unescaped ':'.
/// </summary>
public static class AuditLists
{
    public static string Join(IEnumerable<string> ids) => string.Join(',', ids.Select(Escape));

    public static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',').Select(Unescape).ToArray();

    /// <summary>"owner:kind" pairs, e.g. <c>node-2:SelfMaskSeed,node-3:MaskingKey</c>.</summary>
    public static string JoinPairs(IEnumerable<(string Owner, string Kind)> pairs) =>
        string.Join(',', pairs.Select(p => $"{Escape(p.Owner)}:{p.Kind}"));

    public static IReadOnlyList<(string Owner, string Kind)> SplitPairs(string? list)
    {
        if (string.IsNullOrEmpty(list)) return [];
        return list.Split(',').Select(item =>
        {
            var colon = item.LastIndexOf(':');
            return colon < 0 ? (Unescape(item), "") : (Unescape(item[..colon]), item[(colon + 1)..]);
        }).ToArray();
    }

    private static string Escape(string id) =>
        id.AsSpan().IndexOfAny("%,:") < 0 ? id : id.Replace("%", "%25", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);

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
