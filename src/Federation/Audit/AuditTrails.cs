using System.Collections.Concurrent;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// The trails this process writes, by participant and run. One process may host several participants (the
/// in-process demo, or tests running federations side by side), and a node serves one run after another, so
/// <see cref="AuditTrailProcessor"/> routes each event by its participant and run tags and ignores events it
/// holds no trail for.
/// </summary>
public sealed class AuditTrails : IDisposable
{
    private readonly ConcurrentDictionary<(string Participant, string Run), IAuditSink> _sinks = new();

    /// <summary>Adds a trail written in batches off the caller's thread (the usual choice); the registry disposes it.</summary>
    public void Add(BackgroundAuditSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Add(sink.Writer.ParticipantId, sink.Writer.RunId, sink);
    }

    /// <summary>Adds a trail written synchronously, one sealed record per event; the registry disposes it.</summary>
    public void Add(AuditTrailWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Add(writer.ParticipantId, writer.RunId, writer);
    }

    private void Add(string participant, string run, IAuditSink sink)
    {
        if (!_sinks.TryAdd((participant, run), sink))
            throw new InvalidOperationException($"an audit trail for '{participant}' in run '{run}' is already open");
    }

    /// <summary>Takes the trail of <paramref name="participantId"/> in <paramref name="runId"/> out of the registry (the caller closes it).</summary>
    public bool TryRemove(string participantId, string runId, out IAuditSink sink) => _sinks.TryRemove((participantId, runId), out sink!);

    /// <summary>The trail of <paramref name="participantId"/> in <paramref name="runId"/>, if this process writes it.</summary>
    public bool TryGet(string participantId, string runId, out IAuditSink sink) => _sinks.TryGetValue((participantId, runId), out sink!);

    /// <summary>The usual file name of a participant's trail: its id with unsafe characters replaced, then <c>.audit.jsonl</c>.</summary>
    public static string FileName(string participantId) => SafeId(participantId) + Suffix;

    private const string Suffix = ".audit.jsonl";

    private static string SafeId(string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        return new string(participantId.Select(c => IsSafe(c) ? c : '_').ToArray());
    }

    // The characters a trail's file name keeps from an id (others become '_'), and all a run id may hold.
    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>
    /// The file name of a node's trail for one run: <c>NODE.RUN.audit.jsonl</c> (the node id as in <see cref="FileName(string)"/>).
    /// A node serves many runs over its life, one trail each; a researcher serves one run per process.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id (<see cref="IsValidRunId"/>).</exception>
    public static string FileName(string participantId, string runId)
    {
        if (!IsValidRunId(runId)) throw new ArgumentException(InvalidRunIdMessage(runId), nameof(runId));
        return SafeId(participantId) + "." + runId + Suffix;
    }

    /// <summary>Longest run id accepted.</summary>
    public const int MaxRunIdLength = 128;

    /// <summary>
    /// Whether <paramref name="runId"/> can name a run: 1 to <see cref="MaxRunIdLength"/> ASCII letters, digits,
    /// '-', '_' and '.', starting with a letter or digit. Such an id is safe inside a file name; a node refuses others.
    /// </summary>
    public static bool IsValidRunId(string? runId) =>
        !string.IsNullOrEmpty(runId) && runId.Length <= MaxRunIdLength && char.IsAsciiLetterOrDigit(runId[0])
        && runId.All(IsSafe);

    /// <summary>Why <paramref name="runId"/> is not a valid run id, for error messages.</summary>
    public static string InvalidRunIdMessage(string? runId)
    {
        // The id may come from a hostile peer: print a bounded, printable version of it.
        var shown = runId is null ? "" : new string(runId.Take(MaxRunIdLength).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        if (runId?.Length > MaxRunIdLength) shown += "...";
        return $"run id '{shown}' must be 1 to {MaxRunIdLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit";
    }

    /// <summary>Closes every trail (a background trail first writes what it still holds).</summary>
    public void Dispose()
    {
        foreach (var key in _sinks.Keys)
        {
            if (_sinks.TryRemove(key, out var sink) && sink is IDisposable disposable) disposable.Dispose();
        }
    }
}
