using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FedBioMed.Federation.Audit.Internal;

/// <summary>
/// The canonical JSON form of a record. Writer and verifier both produce it with this code: a parsed
/// line must re-encode to exactly the same bytes, so a signature covers one unambiguous text.
/// </summary>
internal static class AuditJson
{
    private static readonly string[] PropertyOrder =
        ["seq", "prev", "time", "participant", "event", "experiment", "round", "session", "attrs", "seal", "sig"];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Escapes only what JSON requires (quotes, backslash, control characters), not HTML characters.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>UTF-8 JSON of the record without <c>sig</c>: the bytes that are signed.</summary>
    public static byte[] SignedBytes(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", record.Seq);
            json.WriteString("prev", record.Prev);
            json.WriteString("time", record.Time);
            json.WriteString("participant", record.Participant);
            json.WriteString("event", record.Event);
            WriteNullable(json, "experiment", record.Experiment);
            if (record.Round is { } round) json.WriteNumber("round", round);
            else json.WriteNull("round");
            WriteNullable(json, "session", record.Session);
            json.WriteStartObject("attrs");
            foreach (var (key, value) in record.Attrs.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteNumber("seal", record.Seal);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The UTF-8 bytes of <see cref="Line"/> followed by a newline: what the writer appends to the file.</summary>
    public static byte[] LineBytes(byte[] signedBytes, string sigHex)
    {
        // signed bytes end with '}'; the line replaces it by ,"sig":"…"} and adds '\n'.
        ReadOnlySpan<byte> sigPrefix = ",\"sig\":\""u8;
        var line = new byte[signedBytes.Length - 1 + sigPrefix.Length + sigHex.Length + 3];
        signedBytes.AsSpan(0, signedBytes.Length - 1).CopyTo(line);
        var at = signedBytes.Length - 1;
        sigPrefix.CopyTo(line.AsSpan(at));
        at += sigPrefix.Length;
        at += Encoding.ASCII.GetBytes(sigHex, line.AsSpan(at));
        line[at++] = (byte)'"';
        line[at++] = (byte)'}';
        line[at] = (byte)'\n';
        return line;
    }

    /// <summary>The full line (without newline): the signed JSON with <c>"sig"</c> appended as the last property.</summary>
    public static string Line(byte[] signedBytes, string sigHex)
    {
        var text = Encoding.UTF8.GetString(signedBytes);
        return string.Concat(text.AsSpan(0, text.Length - 1), ",\"sig\":\"", sigHex, "\"}");
    }

    /// <summary>Parses one line; null with an explanation when it is not a canonical record.</summary>
    public static AuditRecord? TryParse(string line, out string? error) => TryParse(line, out error, out _);

    /// <summary>Parses one line and also returns the signed bytes it re-encoded to check the canonical form.</summary>
    public static AuditRecord? TryParse(string line, out string? error, out byte[]? signedBytes)
    {
        error = null;
        signedBytes = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("not a JSON object", out error);
            var names = root.EnumerateObject().Select(p => p.Name).ToArray();
            if (!names.SequenceEqual(PropertyOrder, StringComparer.Ordinal))
                return Fail($"properties are [{string.Join(',', names)}], expected [{string.Join(',', PropertyOrder)}]", out error);
            var attrs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var attr in root.GetProperty("attrs").EnumerateObject())
            {
                if (attr.Value.ValueKind != JsonValueKind.String) return Fail($"attribute '{attr.Name}' is not a string", out error);
                if (!attrs.TryAdd(attr.Name, attr.Value.GetString()!)) return Fail($"attribute '{attr.Name}' appears twice", out error);
            }
            var record = new AuditRecord(
                root.GetProperty("seq").GetInt64(),
                root.GetProperty("prev").GetString()!,
                root.GetProperty("time").GetString()!,
                root.GetProperty("participant").GetString()!,
                root.GetProperty("event").GetString()!,
                NullableString(root.GetProperty("experiment")),
                root.GetProperty("round").ValueKind == JsonValueKind.Null ? null : root.GetProperty("round").GetInt64(),
                NullableString(root.GetProperty("session")),
                attrs,
                root.GetProperty("seal").GetInt64(),
                root.GetProperty("sig").GetString()!);
            var signed = SignedBytes(record);
            if (!string.Equals(Line(signed, record.Sig), line, StringComparison.Ordinal))
                return Fail("the line is not in canonical form (spacing, escaping or attribute order differ)", out error);
            signedBytes = signed;
            return record;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentNullException)
        {
            return Fail($"not a valid record: {ex.Message}", out error);
        }
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string? NullableString(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null ? null : element.GetString();

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static AuditRecord? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
