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
            WriteSigned(json, record.Seq, record.Prev, record.Time, record.Participant, record.Event, record.Experiment, record.Round, record.Session, record.Attrs, record.Seal);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A JSON writer with the canonical options, for <see cref="WriteSigned"/> (reset it onto each buffer).</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);

    /// <summary>
    /// Writes the signed bytes of one record (the canonical JSON without <c>sig</c>): the one encoder of the format,
    /// used by the trail writer and, through <see cref="SignedBytes"/>, by the verifier. Attributes are written in
    /// ordinal key order.
    /// </summary>
    public static void WriteSigned(Utf8JsonWriter json, long seq, ReadOnlySpan<char> prev, ReadOnlySpan<char> time, string participant, string @event,
        string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs, long seal)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", seq);
        json.WriteString("prev", prev);
        json.WriteString("time", time);
        json.WriteString("participant", participant);
        json.WriteString("event", @event);
        WriteNullable(json, "experiment", experiment);
        if (round is { } r) json.WriteNumber("round", r);
        else json.WriteNull("round");
        WriteNullable(json, "session", session);
        json.WriteStartObject("attrs");
        if (attrs is SortedDictionary<string, string> sorted && ReferenceEquals(sorted.Comparer, StringComparer.Ordinal))
        {
            foreach (var (key, value) in sorted) json.WriteString(key, value);
        }
        else
        {
            var keys = attrs.Keys.ToArray();
            Array.Sort(keys, StringComparer.Ordinal);
            foreach (var key in keys) json.WriteString(key, attrs[key]);
        }
        json.WriteEndObject();
        json.WriteNumber("seal", seal);
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Writes <paramref name="time"/> as a record's time (ISO-8601 UTC, 100 ns digits, 'Z') into <paramref name="destination"/>; returns the length.</summary>
    public static int FormatTime(DateTimeOffset time, Span<char> destination)
    {
        // "O" of a UTC DateTime is yyyy-MM-ddTHH:mm:ss.fffffffZ, the format's time, and .NET formats it without parsing a pattern.
        if (!time.UtcDateTime.TryFormat(destination, out var written, "O", CultureInfo.InvariantCulture))
            throw new ArgumentException("the destination is too short for a time", nameof(destination));
        return written;
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

    public static string FormatTime(DateTimeOffset time)
    {
        Span<char> text = stackalloc char[40];
        return new string(text[..FormatTime(time, text)]);
    }

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
