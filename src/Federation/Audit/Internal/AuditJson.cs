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
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteSigned(buffer, record.Seq, record.Prev, record.Time, record.Participant, record.Event, record.Experiment, record.Round, record.Session, record.Attrs, record.Seal);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Appends the signed bytes of one record (the canonical JSON without <c>sig</c>) to <paramref name="buffer"/>: the one
    /// encoder of the format, used by the trail writer and, through <see cref="SignedBytes"/>, by the verifier. The canonical
    /// form is what <see cref="Utf8JsonWriter"/> writes with relaxed escaping, attributes in ordinal key order. Records whose
    /// strings are all plain ASCII (nearly all: ids, hex digests, times) are written directly, byte for byte the same, at a
    /// fraction of the cost; any other record goes through <see cref="Utf8JsonWriter"/>.
    /// </summary>
    public static void WriteSigned(ArrayBufferWriter<byte> buffer, long seq, ReadOnlySpan<char> prev, ReadOnlySpan<char> time, string participant, string @event,
        string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs, long seal)
    {
        // The recorder's attributes are already in key order, and are written as they are.
        if (attrs is AuditAttributes ordered)
        {
            Write(buffer, seq, prev, time, participant, @event, experiment, round, session, ordered.InKeyOrder, seal);
            return;
        }
        // Others in ordinal key order, sorted once as pairs (no lookups afterwards), in a buffer the thread keeps.
        var pairs = t_pairs is { } kept && kept.Length >= attrs.Count ? kept : t_pairs = new KeyValuePair<string, string>[Math.Max(16, attrs.Count)];
        var n = 0;
        if (attrs is Dictionary<string, string> dictionary)
        {
            foreach (var pair in dictionary) pairs[n++] = pair; // without the interface's boxed enumerator
        }
        else
        {
            foreach (var pair in attrs) pairs[n++] = pair;
        }
        var sorted = pairs.AsSpan(0, n);
        if (!IsSorted(sorted)) sorted.Sort(default(KeyOrder));
        try
        {
            Write(buffer, seq, prev, time, participant, @event, experiment, round, session, sorted, seal);
        }
        finally
        {
            sorted.Clear(); // the buffer outlives the record: it must not keep its strings alive
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, long seq, ReadOnlySpan<char> prev, ReadOnlySpan<char> time, string participant, string @event,
        string? experiment, long? round, string? session, ReadOnlySpan<KeyValuePair<string, string>> sorted, long seal)
    {
        if (!TryWritePlain(buffer, seq, prev, time, participant, @event, experiment, round, session, sorted, seal))
        {
            using var json = new Utf8JsonWriter(buffer, WriterOptions);
            WriteWithJsonWriter(json, seq, prev, time, participant, @event, experiment, round, session, sorted, seal);
        }
    }

    [ThreadStatic]
    private static KeyValuePair<string, string>[]? t_pairs;

    private static bool IsSorted(ReadOnlySpan<KeyValuePair<string, string>> pairs)
    {
        for (var i = 1; i < pairs.Length; i++)
        {
            if (string.CompareOrdinal(pairs[i - 1].Key, pairs[i].Key) > 0) return false;
        }
        return true;
    }

    private readonly struct KeyOrder : IComparer<KeyValuePair<string, string>>
    {
        public int Compare(KeyValuePair<string, string> x, KeyValuePair<string, string> y) => string.CompareOrdinal(x.Key, y.Key);
    }

    /// <summary>The general encoder: <see cref="Utf8JsonWriter"/>, which escapes what the relaxed encoder escapes.</summary>
    private static void WriteWithJsonWriter(Utf8JsonWriter json, long seq, ReadOnlySpan<char> prev, ReadOnlySpan<char> time, string participant, string @event,
        string? experiment, long? round, string? session, ReadOnlySpan<KeyValuePair<string, string>> sortedAttrs, long seal)
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
        foreach (var (key, value) in sortedAttrs) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteNumber("seal", seal);
        json.WriteEndObject();
        json.Flush();
    }

    // The bytes of a plain record: printable ASCII except the backslash. The quote is among them, since the record's own
    // syntax uses it: a quote inside a string shows instead as one quote more than the strings' delimiters.
    private static readonly SearchValues<byte> PlainRecordBytes = SearchValues.Create(
        Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (byte)c).Where(c => c != (byte)'\\').ToArray());

    /// <summary>
    /// The fast encoder: when every string of the record is plain ASCII, writes exactly the bytes <see cref="WriteWithJsonWriter"/>
    /// would (no character needs escaping, numbers in invariant decimal) and returns true; otherwise writes nothing and returns false.
    /// </summary>
    internal static bool TryWritePlain(ArrayBufferWriter<byte> buffer, long seq, ReadOnlySpan<char> prev, ReadOnlySpan<char> time, string participant, string @event,
        string? experiment, long? round, string? session, ReadOnlySpan<KeyValuePair<string, string>> sortedAttrs, long seal)
    {
        // Fixed text and three numbers, then at most one byte per character (a character that is not plain ASCII stops it).
        var size = 192 + prev.Length + time.Length + participant.Length + @event.Length + (experiment?.Length ?? 0) + (session?.Length ?? 0);
        foreach (var (key, value) in sortedAttrs) size += key.Length + value.Length + 6;
        var output = new PlainWriter(buffer.GetSpan(size));
        output.Raw("{\"seq\":"u8);
        output.Number(seq);
        output.Raw(",\"prev\":"u8);
        output.Text(prev);
        output.Raw(",\"time\":"u8);
        output.Text(time);
        output.Raw(",\"participant\":"u8);
        output.Text(participant);
        output.Raw(",\"event\":"u8);
        output.Text(@event);
        output.Raw(",\"experiment\":"u8);
        output.NullableText(experiment);
        output.Raw(",\"round\":"u8);
        if (round is { } r) output.Number(r);
        else output.Raw("null"u8);
        output.Raw(",\"session\":"u8);
        output.NullableText(session);
        output.Raw(",\"attrs\":{"u8);
        for (var i = 0; i < sortedAttrs.Length; i++)
        {
            if (i > 0) output.Raw(","u8);
            output.Text(sortedAttrs[i].Key);
            output.Raw(":"u8);
            output.Text(sortedAttrs[i].Value);
        }
        output.Raw("},\"seal\":"u8);
        output.Number(seal);
        output.Raw("}"u8);
        // Checked once over the whole record rather than string by string: no character outside printable ASCII, no
        // backslash, and no quote but the strings' own delimiters (the keys of the fixed text are written raw, unquoted by Text).
        var written = output.Result;
        if (!output.Plain || written.ContainsAnyExcept(PlainRecordBytes) || written.Count((byte)'"') != FixedQuotes + 2 * output.Strings)
            return false; // nothing was advanced: the general encoder starts from the same place
        buffer.Advance(written.Length);
        return true;
    }

    // The quotes of the fixed text: around each of the eleven property names but "sig", which is not signed (ten names).
    private const int FixedQuotes = 2 * 10;

    /// <summary>Writes ASCII into a span known to be large enough, noting whether every string was plain.</summary>
    private ref struct PlainWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Written { get; private set; }

        /// <summary>False once a string held a character that is not ASCII.</summary>
        public bool Plain { get; private set; } = true;

        /// <summary>How many strings were written (each between two quotes).</summary>
        public int Strings { get; private set; }

        /// <summary>What was written.</summary>
        public readonly ReadOnlySpan<byte> Result => _destination[..Written];

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Written..]);
            Written += bytes.Length;
        }

        public void Number(long value)
        {
            value.TryFormat(_destination[Written..], out var written, default, CultureInfo.InvariantCulture);
            Written += written;
        }

        public void Text(ReadOnlySpan<char> text)
        {
            if (!Plain) return;
            _destination[Written++] = (byte)'"';
            // Narrowed in one vectorized pass that stops at the first character that is not ASCII; the rest is checked on the whole record.
            if (Ascii.FromUtf16(text, _destination[Written..], out var written) != OperationStatus.Done)
            {
                Plain = false;
                return;
            }
            Written += written;
            _destination[Written++] = (byte)'"';
            Strings++;
        }

        public void NullableText(string? text)
        {
            if (text is null) Raw("null"u8);
            else Text(text);
        }
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
