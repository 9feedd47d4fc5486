using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace FedBioMed.Federation.Telemetry;

/// <summary>The federation's instruments on one meter (the shared one, or one participant's).</summary>
internal sealed class FederationInstruments
{
    // Bytes are counted for every message and chunk, dozens of times a round: each count is an addition here, and the meter
    // reads the totals only when it collects (an observable counter reports the running total, as a counter's sum would).
    private readonly ConcurrentDictionary<(string Direction, string Kind), StrongBox<long>> _bytes = new();

    public FederationInstruments(Meter meter)
    {
        RoundsCompleted = meter.CreateCounter<long>("fedbiomed.rounds.completed", "{round}", "Rounds that produced a global model.");
        RoundsAborted = meter.CreateCounter<long>("fedbiomed.rounds.aborted", "{round}", "Rounds that ended without a result.");
        StageDuration = meter.CreateHistogram<double>("fedbiomed.stage.duration", "s", "Time spent in one protocol stage.");
        meter.CreateObservableCounter("fedbiomed.transferred", ObserveBytes, "By", "Bytes sent and received, by direction and message kind.");
        Dropouts = meter.CreateCounter<long>("fedbiomed.dropouts", "{node}", "Cohort nodes that did not survive a round.");
        Epsilon = meter.CreateHistogram<double>("fedbiomed.privacy.epsilon", "1", "Privacy spent (ε, cumulative per experiment) after each round.");
    }

    public Counter<long> RoundsCompleted { get; }

    public Counter<long> RoundsAborted { get; }

    public Histogram<double> StageDuration { get; }

    public Counter<long> Dropouts { get; }

    public Histogram<double> Epsilon { get; }

    public void AddBytes(string direction, string kind, long bytes) =>
        Interlocked.Add(ref _bytes.GetOrAdd((direction, kind), static _ => new StrongBox<long>()).Value, bytes);

    private IEnumerable<Measurement<long>> ObserveBytes()
    {
        foreach (var ((direction, kind), total) in _bytes)
        {
            yield return new Measurement<long>(Volatile.Read(ref total.Value),
                new KeyValuePair<string, object?>(TelemetryTags.Direction, direction), new KeyValuePair<string, object?>(TelemetryTags.Kind, kind));
        }
    }
}
