using System.Collections.Concurrent;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// The trails this process writes, by participant. One process may host several participants (the
/// in-process demo), so <see cref="AuditTrailProcessor"/> routes each event by its participant tag and
/// ignores events of participants it holds no trail for.
/// </summary>
public sealed class AuditTrails : IDisposable
{
    private readonly ConcurrentDictionary<string, AuditTrailWriter> _writers = new(StringComparer.Ordinal);

    /// <summary>Adds a participant's writer; the registry disposes it.</summary>
    public void Add(AuditTrailWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!_writers.TryAdd(writer.ParticipantId, writer))
            throw new InvalidOperationException($"an audit trail for '{writer.ParticipantId}' is already open");
    }

    public bool TryGet(string participantId, out AuditTrailWriter writer) => _writers.TryGetValue(participantId, out writer!);

    public IReadOnlyCollection<AuditTrailWriter> Writers => [.. _writers.Values];

    /// <summary>The usual file name of a participant's trail: its id with unsafe characters replaced, then <c>.audit.jsonl</c>.</summary>
    public static string FileName(string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        var safe = participantId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return new string(safe) + ".audit.jsonl";
    }

    /// <summary>
    /// The file name of a node's trail for one run: <c>NODE.RUN.audit.jsonl</c> (the node id as in <see cref="FileName(string)"/>).
    /// A node serves many runs over its life, one trail each; a researcher serves one run per process.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id (<see cref="IsValidRunId"/>).</exception>
    public static string FileName(string participantId, string runId)
    {
        if (!IsValidRunId(runId)) throw new ArgumentException(InvalidRunIdMessage(runId), nameof(runId));
        return FileName(participantId)[..^".audit.jsonl".Length] + "." + runId + ".audit.jsonl";
    }

    /// <summary>Longest run id accepted.</summary>
    public const int MaxRunIdLength = 128;

    /// <summary>
    /// Whether <paramref name="runId"/> can name a run: 1 to <see cref="MaxRunIdLength"/> ASCII letters, digits,
    /// '-', '_' and '.', starting with a letter or digit. Such an id is safe inside a file name; a node refuses others.
    /// </summary>
    public static bool IsValidRunId(string? runId) =>
        !string.IsNullOrEmpty(runId) && runId.Length <= MaxRunIdLength && char.IsAsciiLetterOrDigit(runId[0])
        && runId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Why <paramref name="runId"/> is not a valid run id, for error messages.</summary>
    public static string InvalidRunIdMessage(string? runId)
    {
        // The id may come from a hostile peer: print a bounded, printable version of it.
        var shown = runId is null ? "" : new string(runId.Take(MaxRunIdLength).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        if (runId?.Length > MaxRunIdLength) shown += "...";
        return $"run id '{shown}' must be 1 to {MaxRunIdLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit";
    }

    public void Dispose()
    {
        foreach (var writer in _writers.Values) writer.Dispose();
        _writers.Clear();
    }
}
