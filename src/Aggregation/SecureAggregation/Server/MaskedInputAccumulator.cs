using FedBioMed.Aggregation.SecureAggregation.Internal;

namespace FedBioMed.Aggregation.SecureAggregation.Server;

/// <summary>
/// Adds masked inputs into one running sum chunk by chunk as they arrive, so server memory stays
/// O(vector size) whatever the cohort size. Each in-flight upload also keeps a copy of its chunks so far:
/// an upload that is cut off is subtracted back out and never pollutes the sum. At most
/// <c>maxConcurrent</c> uploads stream at once; their buffers are reused.
/// </summary>
internal sealed class MaskedInputAccumulator(int vectorBytes, int wordBits, int maxConcurrent)
{
    private readonly int _wordBytes = wordBits / 8;
    private readonly Dictionary<string, Upload> _inFlight = new(StringComparer.Ordinal);
    private readonly Stack<byte[]> _freeBuffers = new();
    private readonly HashSet<string> _completed = new(StringComparer.Ordinal);
    private byte[]? _sum;

    /// <summary>The running sum of completed (and in-flight) uploads.</summary>
    public byte[] Sum => _sum ??= new byte[vectorBytes];

    /// <summary>Senders whose uploads arrived whole, in no particular order.</summary>
    public IReadOnlyCollection<string> Completed => _completed;

    public bool IsCompleted(string sender) => _completed.Contains(sender);

    /// <summary>Starts an upload; false when <c>maxConcurrent</c> uploads are already streaming.</summary>
    public bool TryBegin(string sender)
    {
        if (_inFlight.ContainsKey(sender) || IsCompleted(sender))
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"'{sender}' already sent a masked input");
        if (_inFlight.Count >= maxConcurrent) return false;
        _ = Sum;
        _inFlight[sender] = new Upload(_freeBuffers.Count > 0 ? _freeBuffers.Pop() : new byte[vectorBytes]);
        return true;
    }

    public void Append(string sender, long offset, ReadOnlySpan<byte> chunk)
    {
        if (!_inFlight.TryGetValue(sender, out var upload))
            throw new SecAggRefusedException(RefusalReason.UnexpectedStage, $"no masked-input upload from '{sender}' is in progress");
        if (offset != upload.Received)
            throw new SecAggRefusedException(RefusalReason.MalformedMessage, $"chunk from '{sender}' starts at byte {offset}, expected {upload.Received}");
        if (chunk.Length % _wordBytes != 0 || upload.Received + chunk.Length > vectorBytes)
            throw new SecAggRefusedException(RefusalReason.MalformedMessage,
                $"chunk of {chunk.Length} bytes from '{sender}' is not whole words or overruns the {vectorBytes}-byte vector");
        var at = (int)offset;
        MaskApplier.Add(Sum.AsSpan(at, chunk.Length), chunk, wordBits);
        chunk.CopyTo(upload.Buffer.AsSpan(at));
        upload.Received += chunk.Length;
    }

    public void Complete(string sender)
    {
        if (!_inFlight.TryGetValue(sender, out var upload))
            throw new SecAggRefusedException(RefusalReason.UnexpectedStage, $"no masked-input upload from '{sender}' is in progress");
        if (upload.Received != vectorBytes)
        {
            Cancel(sender);
            throw new SecAggRefusedException(RefusalReason.MalformedMessage,
                $"masked input from '{sender}' has {upload.Received} bytes, expected {vectorBytes}; it was taken back out of the sum");
        }
        _inFlight.Remove(sender);
        _freeBuffers.Push(upload.Buffer);
        _completed.Add(sender);
    }

    /// <summary>Takes an unfinished upload back out of the sum.</summary>
    public void Cancel(string sender)
    {
        if (!_inFlight.Remove(sender, out var upload)) return;
        MaskApplier.Subtract(Sum.AsSpan(0, upload.Received), upload.Buffer.AsSpan(0, upload.Received), wordBits);
        _freeBuffers.Push(upload.Buffer);
    }

    /// <summary>Cancels every unfinished upload and releases the spare buffers.</summary>
    public void Seal()
    {
        foreach (var sender in _inFlight.Keys.ToArray()) Cancel(sender);
        _freeBuffers.Clear();
    }

    private sealed class Upload(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;
        public int Received { get; set; }
    }
}
