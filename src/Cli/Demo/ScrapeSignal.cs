namespace FedBioMed.Cli.Demo;

/// <summary>Signals each finished scrape of the Prometheus endpoint, so a run can stay up until its final metrics were read.</summary>
public sealed class ScrapeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void Scraped()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.SetResult();
    }

    /// <summary>Completes at the next finished scrape; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForNextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task next;
        lock (_gate) next = _next.Task;
        try
        {
            await next.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
