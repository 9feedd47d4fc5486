using System.Threading.Channels;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Takes signing and writing off the protocol's path: <c>Append</c> stamps the event's time and queues
/// it (its attributes copied); one background task gathers what arrives within
/// <see cref="AuditTrailOptions.SealInterval"/> of the first queued event and appends it to the trail as one
/// batch, in queue order, under one signature. A protocol step costs a queue write; a burst of steps costs one
/// signature. Disposing drains the queue, then closes the writer. A write that fails is not lost silently: the
/// next <c>Append</c> and the disposal throw it.
/// </summary>
public sealed class BackgroundAuditSink : IAuditSink, IDisposable, IAsyncDisposable
{
    private readonly AuditTrailWriter _writer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _sealInterval;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    // Released by FlushAsync and disposal to cut the gathering wait short.
    private readonly SemaphoreSlim _urgent = new(0);
    private readonly Task _drain;
    private volatile Exception? _failure;
    private int _disposed;

    /// <param name="writer">The trail; the sink owns it from now on.</param>
    /// <param name="options">Batching (<see cref="AuditTrailOptions.SealInterval"/>, <see cref="AuditTrailOptions.MaxBatch"/>); defaults when null.</param>
    /// <param name="timeProvider">Clock that stamps events as they are queued; the system clock when null.</param>
    public BackgroundAuditSink(AuditTrailWriter writer, AuditTrailOptions? options = null, TimeProvider? timeProvider = null)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        options ??= new AuditTrailOptions();
        options.Validate();
        _sealInterval = options.SealInterval;
        _maxBatch = options.MaxBatch;
        _time = timeProvider ?? TimeProvider.System;
        _drain = Task.Run(DrainAsync);
    }

    public string ParticipantId => _writer.ParticipantId;

    /// <summary>The trail being written.</summary>
    public AuditTrailWriter Writer => _writer;

    /// <summary>Queues an event given whole (stamped now if it has no time); its attributes must not change afterwards.</summary>
    /// <exception cref="ArgumentException">The event cannot be appended (<see cref="AuditTrailWriter.AppendBatch"/>): refused here, on the caller's thread.</exception>
    public void Append(AuditEntry entry)
    {
        ThrowIfFailed();
        AuditTrailWriter.Validate(entry);
        // The time travels beside the entry rather than in a copy of it: a copy per event was a tenth of what the audit allocated.
        if (!_queue.Writer.TryWrite(new Pending(entry, entry.Time ?? _time.GetUtcNow(), null)))
            throw new ObjectDisposedException(nameof(BackgroundAuditSink));
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure) throw new InvalidOperationException($"the audit trail of '{ParticipantId}' failed: {failure.Message}", failure);
    }

    /// <summary>Waits until every event queued so far is in the trail (sealed and flushed).</summary>
    public async Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(null, default, done))) return;
        _urgent.Release();
        await done.Task.ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        var batch = new List<AuditTrailWriter.Stamped>();
        var flushed = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let the burst that woke us finish, so that one signature seals it (skipped when a flush or the disposal is waiting).
            if (_sealInterval > TimeSpan.Zero) await _urgent.WaitAsync(_sealInterval).ConfigureAwait(false);
            while (_urgent.CurrentCount > 0) _urgent.Wait(0);
            while (_queue.Reader.TryRead(out var pending))
            {
                if (pending.Flushed is { } flush) flushed.Add(flush);
                else batch.Add(new(pending.Entry!, pending.Time));
                if (batch.Count >= _maxBatch) Write(batch);
            }
            Write(batch);
            foreach (var flush in flushed) flush.TrySetResult();
            flushed.Clear();
        }
    }

    private void Write(List<AuditTrailWriter.Stamped> batch)
    {
        if (batch.Count == 0) return;
        if (_failure is null)
        {
            try
            {
                _writer.AppendValidatedBatch(batch);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException or InvalidOperationException)
            {
                _failure = ex;
            }
        }
        batch.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        _urgent.Release();
        await _drain.ConfigureAwait(false);
        _writer.Dispose();
        _urgent.Dispose();
        ThrowIfFailed();
    }

    // An event with the time it was queued (or its own), or a flush waiting for the queue.
    private readonly record struct Pending(AuditEntry? Entry, DateTimeOffset Time, TaskCompletionSource? Flushed);
}
