using System.Diagnostics;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Aggregation.Simulation;

/// <summary>
/// Time and managed allocations spent inside the server's own calls during a simulated round, per
/// stage, so benchmarks can tell the server's cost apart from the simulated nodes'.
/// </summary>
public sealed class ServerCost
{
    private readonly Dictionary<SecAggStage, (TimeSpan Elapsed, long Allocated)> _byStage = [];

    public IReadOnlyDictionary<SecAggStage, (TimeSpan Elapsed, long Allocated)> ByStage => _byStage;

    public TimeSpan TotalElapsed => _byStage.Values.Aggregate(TimeSpan.Zero, (sum, x) => sum + x.Elapsed);

    /// <summary>Bytes the server allocated in the round: an upper bound of what it ever held.</summary>
    public long TotalAllocated => _byStage.Values.Sum(x => x.Allocated);

    internal T Measure<T>(SecAggStage stage, Func<T> call)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        try
        {
            return call();
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            _byStage[stage] = _byStage.TryGetValue(stage, out var so) ? (so.Elapsed + elapsed, so.Allocated + allocated) : (elapsed, allocated);
        }
    }
}
