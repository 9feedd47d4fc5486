using System.Security.Cryptography;
using System.Text;

namespace FedBioMed.Federation.Audit.Internal;

/// <summary>
/// One line of a trail file as read: the record it parses to (if any) with its signed bytes, and
/// <c>Hash</c>, the SHA-256 of those signed bytes that the next record's <c>prev</c> must carry (empty when the line does not parse).
/// </summary>
internal sealed record TrailLine(int LineNumber, string Hash, AuditRecord? Record, string? Error, byte[]? SignedBytes = null);

/// <summary>A trail file split into lines; a last line without its newline is kept apart as torn.</summary>
internal sealed class TrailFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private TrailFile(string path, IReadOnlyList<TrailLine> lines, int? tornLineNumber)
    {
        Path = path;
        Lines = lines;
        TornLineNumber = tornLineNumber;
    }

    public string Path { get; }

    public IReadOnlyList<TrailLine> Lines { get; }

    /// <summary>The line number (1-based) of an incomplete last line, or null when the file ends with a newline.</summary>
    public int? TornLineNumber { get; }

    public static TrailFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<TrailLine>();
        var start = 0;
        var number = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) return new TrailFile(path, lines, number + 1);
            number++;
            lines.Add(ParseLine(number, bytes.AsSpan(start, end - start)));
            start = end + 1;
        }
        return new TrailFile(path, lines, null);
    }

    private static string HashHex(ReadOnlySpan<byte> line) => Convert.ToHexStringLower(SHA256.HashData(line));

    private static TrailLine ParseLine(int number, ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return new TrailLine(number, "", null, "not valid UTF-8");
        }
        var record = AuditJson.TryParse(text, out var error, out var signedBytes);
        return new TrailLine(number, signedBytes is null ? "" : HashHex(signedBytes), record, error, signedBytes);
    }
}
