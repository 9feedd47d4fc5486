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

    public void Dispose()
    {
        foreach (var writer in _writers.Values) writer.Dispose();
        _writers.Clear();
    }
}
