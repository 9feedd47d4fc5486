using System.Threading.Channels;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Takes signing and writing off the protocol's path: <see cref="Append"/> queues the event (its attributes
/// copied) and one background task appends the events to the trail in the order they were queued. Records
/// are stamped when written (microseconds to milliseconds later). Disposing drains the queue, then closes the
/// writer. A write that fails is not lost silently: the next <see cref="Append"/> and the disposal throw it.
/// </summary>
public sealed class BackgroundAuditSink : IAuditSink, IDisposable, IAsyncDisposable
{
    private readonly AuditTrailWriter _writer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _drain;
    private volatile Exception? _failure;
    private int _disposed;

    public BackgroundAuditSink(AuditTrailWriter writer)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _drain = Task.Run(DrainAsync);
    }

    public string ParticipantId => _writer.ParticipantId;

    /// <summary>The trail being written.</summary>
    public AuditTrailWriter Writer => _writer;

    public void Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(attrs);
        if (_failure is { } failure) throw new InvalidOperationException($"the audit trail of '{ParticipantId}' failed: {failure.Message}", failure);
        if (!AuditEvents.IsKnown(@event) || @event == AuditEvents.TrailStart)
            throw new ArgumentException($"'{@event}' is not an audit event that can be appended", nameof(@event));
        var copy = new Dictionary<string, string>(attrs, StringComparer.Ordinal);
        if (!_queue.Writer.TryWrite(new Pending(@event, experiment, round, session, copy)))
            throw new ObjectDisposedException(nameof(BackgroundAuditSink));
    }

    /// <summary>Waits until every event queued so far is in the trail.</summary>
    public async Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(null!, null, null, null, null!, done))) return;
        await done.Task.ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        await foreach (var pending in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (pending.Flushed is { } flushed)
            {
                flushed.TrySetResult();
                continue;
            }
            if (_failure is not null) continue;
            try
            {
                _writer.Append(pending.Event, pending.Experiment, pending.Round, pending.Session, pending.Attrs);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or ObjectDisposedException or UnauthorizedAccessException)
            {
                _failure = ex;
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _drain.ConfigureAwait(false);
        _writer.Dispose();
        if (_failure is { } failure) throw new InvalidOperationException($"the audit trail of '{ParticipantId}' failed: {failure.Message}", failure);
    }

    private sealed record Pending(string Event, string? Experiment, long? Round, string? Session, Dictionary<string, string> Attrs, TaskCompletionSource? Flushed = null);
}
