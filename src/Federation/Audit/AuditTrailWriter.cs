using System.Text;
using FedBioMed.Crypto;
using FedBioMed.Federation.Audit.Internal;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Audit.Verification.Internal;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Appends signed, hash-chained records to one participant's JSON-lines trail. Thread-safe; each record is
/// written with its newline in one write and flushed, so a killed process leaves a valid prefix. An
/// existing file is continued only if its whole chain verifies under the given public key and it
/// belongs to the same participant and run.
/// </summary>
public sealed class AuditTrailWriter : IAuditSink, IDisposable
{
    /// <summary>Format name written in every header.</summary>
    public const string Format = "fedbiomed-audit/1";

    private readonly Lock _gate = new();
    private readonly Func<ReadOnlySpan<byte>, byte[]> _sign;
    private readonly TimeProvider _time;
    private readonly bool _flushToDisk;
    private readonly FileStream _stream;
    private long _nextSeq;
    private string _prev;

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
            var record = Write(AuditEvents.TrailStart, null, null, null, header);
            if (!ChainCheck.SignatureVerifies(publicKey, record))
            {
                _stream.Dispose();
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

    /// <summary>Signs and appends one record, and returns it.</summary>
    /// <exception cref="ArgumentException">The event is not in <see cref="AuditEvents"/> (or is the header's).</exception>
    public AuditRecord Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(attrs);
        if (!AuditEvents.IsKnown(@event) || @event == AuditEvents.TrailStart)
            throw new ArgumentException($"'{@event}' is not an audit event that can be appended", nameof(@event));
        return Write(@event, experiment, round, session, attrs);
    }

    void IAuditSink.Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs) =>
        Append(@event, experiment, round, session, attrs);

    private AuditRecord Write(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attrs)
        {
            ArgumentNullException.ThrowIfNull(value, $"attrs[{key}]");
            sorted[key] = value;
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(!_stream.CanWrite, this);
            var unsigned = new AuditRecord(_nextSeq, _prev, AuditJson.FormatTime(_time.GetUtcNow()), ParticipantId, @event, experiment, round, session, sorted, "");
            var signedBytes = AuditJson.SignedBytes(unsigned);
            var record = unsigned with { Sig = Convert.ToHexStringLower(_sign(signedBytes)) };
            var line = Encoding.UTF8.GetBytes(AuditJson.Line(signedBytes, record.Sig));
            var withNewline = new byte[line.Length + 1];
            line.CopyTo(withNewline, 0);
            withNewline[^1] = (byte)'\n';
            _stream.Write(withNewline);
            _stream.Flush(_flushToDisk);
            _prev = TrailFile.HashHex(line);
            _nextSeq++;
            return record;
        }
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
        lock (_gate) _stream.Dispose();
    }
}
