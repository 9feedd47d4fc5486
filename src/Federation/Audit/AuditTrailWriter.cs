using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using FedBioMed.Crypto;
using FedBioMed.Federation.Audit.Internal;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Audit.Verification.Internal;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Appends hash-chained records to one participant's JSON-lines trail, in batches sealed by one Ed25519
/// signature each (see <see cref="AuditRecord"/>). Thread-safe; a batch is written in one write and flushed,
/// so a killed process leaves whole sealed batches, plus at most one torn batch that the verifier reports. An
/// existing file is continued only if its whole chain verifies under the given public key and it belongs to
/// the same participant and run.
/// </summary>
public sealed class AuditTrailWriter : IAuditSink, IDisposable
{
    /// <summary>Format name written in every header.</summary>
    public const string Format = "fedbiomed-audit/4";

    private readonly Lock _gate = new();
    private readonly Func<ReadOnlySpan<byte>, byte[]> _sign;
    private readonly TimeProvider _time;
    private readonly bool _flushToDisk;
    private readonly FileStream _stream;
    private long _nextSeq;
    private string _prev;
    private IOException? _failure;
    // Reused for every batch (under _gate): the batch's signed bytes and the lines written.
    private readonly ArrayBufferWriter<byte> _signed = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _lines = new(16 * 1024);
    // Hashes each record for the next one's prev (under _gate); reused, since a one-shot hash sets up a native context per call.
    private readonly IncrementalHash _chainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <param name="path">The trail file; created if absent, continued if it verifies.</param>
    /// <param name="participantId">Node id, or the researcher's id.</param>
    /// <param name="sign">Ed25519 signing with the participant's identity key (e.g. <c>NodeIdentity.Sign</c>).</param>
    /// <param name="publicKey">The matching 32-byte public key, written in the header.</param>
    /// <param name="runId">Shared by every trail of one run (the researcher hands it to the nodes).</param>
    /// <param name="timeProvider">Clock for the records' times.</param>
    /// <param name="options">Role and durability.</param>
    /// <exception cref="InvalidDataException">The existing file does not verify, or belongs to another participant, key or run.</exception>
    public AuditTrailWriter(string path, string participantId, Func<ReadOnlySpan<byte>, byte[]> sign, byte[] publicKey, string runId, TimeProvider timeProvider, AuditTrailOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        ArgumentNullException.ThrowIfNull(sign);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (publicKey.Length != Ed25519.PublicKeySize)
            throw new ArgumentException($"the public key must be {Ed25519.PublicKeySize} bytes", nameof(publicKey));
        options ??= new AuditTrailOptions();
        options.Validate();
        Path = path;
        ParticipantId = participantId;
        RunId = runId;
        _sign = sign;
        _time = timeProvider;
        _flushToDisk = options.FlushToDisk;
        _prev = AuditRecord.GenesisPrev;

        var existing = File.Exists(path) && new FileInfo(path).Length > 0;
        if (existing) Resume(publicKey);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (!existing)
        {
            var header = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AuditAttrs.PublicKey] = Convert.ToHexStringLower(publicKey),
                [AuditAttrs.Run] = runId,
                [AuditAttrs.Role] = options.Role,
                [AuditAttrs.Format] = Format,
            };
            var record = Write([new(new AuditEntry(AuditEvents.TrailStart, null, null, null, header), null)], collect: true)![0];
            if (!ChainCheck.SignatureVerifies(publicKey, record))
            {
                _stream.Dispose();
                _chainHash.Dispose();
                File.Delete(path);
                throw new ArgumentException("the signing function does not match the public key", nameof(sign));
            }
        }
    }

    public string Path { get; }

    public string ParticipantId { get; }

    public string RunId { get; }

    /// <summary>The seq the next record will get.</summary>
    public long NextSeq
    {
        get
        {
            lock (_gate) return _nextSeq;
        }
    }

    /// <summary>Appends one record, sealed on its own, and returns it.</summary>
    /// <exception cref="ArgumentException">The event is not in <see cref="AuditEvents"/> (or is the header's).</exception>
    public AuditRecord Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs) =>
        AppendBatch([new AuditEntry(@event, experiment, round, session, attrs)])[0];

    void IAuditSink.Append(AuditEntry entry) => AppendBatch([entry]);

    /// <summary>
    /// Appends the entries as consecutive records sealed by one signature (over the last one's signed bytes),
    /// written with one write, and returns them.
    /// </summary>
    /// <exception cref="ArgumentException">An entry's event is not in <see cref="AuditEvents"/> (or is the header's), or an attribute is null.</exception>
    /// <exception cref="InvalidOperationException">An earlier write failed: the trail's end is unknown, so nothing more is appended.</exception>
    public IReadOnlyList<AuditRecord> AppendBatch(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries) Validate(entry);
        return entries.Count == 0 ? [] : Write(entries.Select(entry => new Stamped(entry, null)).ToArray(), collect: true)!;
    }

    /// <summary>
    /// <see cref="AppendBatch"/> for entries the caller has already checked with <see cref="Validate"/> (the background
    /// sink, at the moment each was queued), without building the records to return.
    /// </summary>
    internal void AppendValidatedBatch(IReadOnlyList<Stamped> entries)
    {
        if (entries.Count > 0) Write(entries, collect: false);
    }

    /// <summary>
    /// An entry with the time it was queued (the background sink stamps it beside the entry rather than copying the entry);
    /// a null time is the entry's own, or the writer's clock.
    /// </summary>
    internal readonly record struct Stamped(AuditEntry Entry, DateTimeOffset? Time);

    /// <summary>Throws unless <paramref name="entry"/> can be appended: a known event other than the header's, no null attribute.</summary>
    /// <exception cref="ArgumentException">The event is not in <see cref="AuditEvents"/> (or is the header's), or an attribute is null.</exception>
    internal static void Validate(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Event);
        ArgumentNullException.ThrowIfNull(entry.Attrs);
        if (!AuditEvents.IsKnown(entry.Event) || entry.Event == AuditEvents.TrailStart)
            throw new ArgumentException($"'{entry.Event}' is not an audit event that can be appended", nameof(entry));
        // Runs for every event: the recorder's attributes refuse null values as they are set; a dictionary is enumerated
        // without the interface's boxed enumerator, and the parameter name is only formatted for a null.
        if (entry.Attrs is AuditAttributes) return;
        if (entry.Attrs is Dictionary<string, string> attrs)
        {
            foreach (var (key, value) in attrs) ThrowIfNullAttr(key, value);
        }
        else
        {
            foreach (var (key, value) in entry.Attrs) ThrowIfNullAttr(key, value);
        }
    }

    private static void ThrowIfNullAttr(string key, string? value)
    {
        if (value is null) throw new ArgumentNullException($"attrs[{key}]");
    }

    private AuditRecord[]? Write(IReadOnlyList<Stamped> entries, bool collect)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(!_stream.CanWrite, this);
            if (_failure is not null) throw new InvalidOperationException($"an earlier write to audit trail '{Path}' failed: {_failure.Message}", _failure);
            var count = entries.Count;
            var seal = _nextSeq + count - 1;
            // For the records returned: each one's prev and time, to build them once the signature is known.
            var fields = collect ? new (string Prev, string Time)[count] : null;
            // The signed bytes of the whole batch go into one reused buffer; each record's prev is the hash of the one before.
            _signed.ResetWrittenCount();
            var ends = new int[count];
            Span<char> prev = stackalloc char[64];
            _prev.AsSpan().CopyTo(prev);
            Span<char> time = stackalloc char[40];
            Span<byte> hash = stackalloc byte[32];
            var start = 0;
            for (var i = 0; i < count; i++)
            {
                var (entry, stamp) = entries[i];
                var timeLength = AuditJson.FormatTime(stamp ?? entry.Time ?? _time.GetUtcNow(), time);
                if (fields is not null) fields[i] = (prev.ToString(), time[..timeLength].ToString());
                start = _signed.WrittenCount;
                AuditJson.WriteSigned(_signed, _nextSeq + i, prev, time[..timeLength], ParticipantId, entry.Event, entry.Experiment, entry.Round, entry.Session, entry.Attrs, seal);
                ends[i] = _signed.WrittenCount;
                _chainHash.AppendData(_signed.WrittenSpan[start..]);
                _chainHash.GetHashAndReset(hash);
                Convert.TryToHexStringLower(hash, prev, out _);
            }
            // One signature over the last record seals the batch: each earlier record is linked to it by prev hashes.
            var sig = Convert.ToHexStringLower(_sign(_signed.WrittenSpan[start..]));
            // Each line is its signed bytes with the closing brace replaced by ,"sig":"…"} and a newline: the same tail for the whole batch.
            var tail = Encoding.ASCII.GetBytes(",\"sig\":\"" + sig + "\"}\n");
            _lines.ResetWrittenCount();
            var from = 0;
            for (var i = 0; i < count; i++)
            {
                _lines.Write(_signed.WrittenSpan[from..(ends[i] - 1)]);
                _lines.Write(tail);
                from = ends[i];
            }
            try
            {
                _stream.Write(_lines.WrittenSpan);
                _stream.Flush(_flushToDisk);
            }
            catch (IOException ex)
            {
                _failure = ex;
                throw;
            }
            var first = _nextSeq;
            _prev = prev.ToString();
            _nextSeq += count;
            return fields?.Select((f, i) =>
            {
                var e = entries[i].Entry;
                return new AuditRecord(first + i, f.Prev, f.Time, ParticipantId, e.Event, e.Experiment, e.Round, e.Session, Sorted(e.Attrs), seal, sig);
            }).ToArray();
        }
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> attrs)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attrs) sorted.Add(key, value);
        return sorted;
    }

    private void Resume(byte[] publicKey)
    {
        var findings = new List<AuditFinding>();
        var trail = ChainCheck.Check(TrailFile.Read(Path), findings);
        if (findings.Count > 0)
            throw new InvalidDataException($"audit trail '{Path}' does not verify, refusing to append: {string.Join("; ", findings.Select(f => f.ToString()))}");
        if (trail.PublicKey is null || !trail.PublicKey.AsSpan().SequenceEqual(publicKey))
            throw new InvalidDataException($"audit trail '{Path}' was written under another key");
        if (!string.Equals(trail.Participant, ParticipantId, StringComparison.Ordinal) || !string.Equals(trail.Run, RunId, StringComparison.Ordinal))
            throw new InvalidDataException($"audit trail '{Path}' belongs to '{trail.Participant}' in run '{trail.Run}', not to '{ParticipantId}' in run '{RunId}'");
        var last = trail.File.Lines[^1];
        _nextSeq = last.Record!.Seq + 1;
        _prev = last.Hash;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream.Dispose();
            _chainHash.Dispose();
        }
    }
}
