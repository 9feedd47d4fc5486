using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// The federation's one <see cref="System.Diagnostics.ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>,
/// both named <see cref="Name"/>, with helpers for the spans and instruments of a run. Spans carry ids,
/// sizes, counts and hashes, never data, updates, keys or shares. Every helper is cheap when nobody listens
/// (a start returns null).
/// </summary>
public static class FederationTelemetry
{
    public const string Name = "FedBioMed.Federation";

    public static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    public static readonly Meter Meter = new(Name, "1.0.0");

    private static readonly Counter<long> RoundsCompletedCounter = Meter.CreateCounter<long>("fedbiomed.rounds.completed", "{round}", "Rounds that produced a global model.");
    private static readonly Counter<long> RoundsAbortedCounter = Meter.CreateCounter<long>("fedbiomed.rounds.aborted", "{round}", "Rounds that ended without a result.");
    private static readonly Histogram<double> StageDurationHistogram = Meter.CreateHistogram<double>("fedbiomed.stage.duration", "s", "Time spent in one protocol stage.");
    private static readonly Counter<long> BytesCounter = Meter.CreateCounter<long>("fedbiomed.transferred", "By", "Bytes sent and received, by direction and message kind.");
    private static readonly Counter<long> DropoutsCounter = Meter.CreateCounter<long>("fedbiomed.dropouts", "{node}", "Cohort nodes that did not survive a round.");
    private static readonly Histogram<double> EpsilonHistogram = Meter.CreateHistogram<double>("fedbiomed.privacy.epsilon", "1", "Privacy spent (ε, cumulative per experiment) after each round.");

    private static readonly AsyncLocal<string?> CurrentParticipant = new();

    /// <summary>
    /// Names the participant (researcher or node id) whose work runs in the calling async flow from here on: its spans
    /// carry it (<see cref="TelemetryTags.Participant"/>), so that a process hosting several participants (the demo)
    /// exports each span once, from its own participant's pipeline.
    /// </summary>
    public static void RunAs(string participant) => CurrentParticipant.Value = participant;

    private static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = ActivitySource.StartActivity(name, kind);
        if (activity is not null && CurrentParticipant.Value is { } participant) activity.SetTag(TelemetryTags.Participant, participant);
        return activity;
    }

    /// <summary>The span of a whole experiment (researcher side).</summary>
    public static Activity? StartExperiment(string experimentId, int rounds, string? planSha256 = null)
    {
        var activity = Start("experiment");
        activity?.SetTag(TelemetryTags.ExperimentId, experimentId);
        activity?.SetTag(TelemetryTags.Rounds, rounds);
        if (planSha256 is not null) activity?.SetTag(TelemetryTags.PlanSha256, planSha256);
        return activity;
    }

    /// <summary>The span of one round.</summary>
    public static Activity? StartRound(string experimentId, long round, int cohortSize, int? threshold = null, byte[]? sessionId = null)
    {
        var activity = Start("round");
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.ExperimentId, experimentId);
        activity.SetTag(TelemetryTags.Round, round);
        activity.SetTag(TelemetryTags.CohortSize, cohortSize);
        if (threshold is { } t) activity.SetTag(TelemetryTags.Threshold, t);
        if (sessionId is not null) activity.SetTag(TelemetryTags.SessionId, Convert.ToHexStringLower(sessionId));
        return activity;
    }

    /// <summary>
    /// A span for one SecAgg+ stage; disposing the scope ends it and records the stage duration.
    /// <code>using (FederationTelemetry.Stage(SecAggStage.ShareKeys, header)) { ... }</code>
    /// </summary>
    public static StageScope Stage(SecAggStage stage, RoundHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var activity = Start("secagg " + StageName(stage));
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.Stage, StageName(stage));
            activity.SetTag(TelemetryTags.ExperimentId, header.ExperimentId);
            activity.SetTag(TelemetryTags.Round, header.Round);
            activity.SetTag(TelemetryTags.SessionId, Convert.ToHexStringLower(header.SessionId));
        }
        return new StageScope(stage, activity);
    }

    /// <summary>The span of a task a node runs for the researcher (train, evaluate, statistics).</summary>
    public static Activity? StartNodeTask(string nodeId, string task, string experimentId, long round, string? payloadSha256 = null, long? payloadBytes = null)
    {
        var activity = Start("node " + task, ActivityKind.Consumer);
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.NodeId, nodeId);
        activity.SetTag(TelemetryTags.Task, task);
        activity.SetTag(TelemetryTags.ExperimentId, experimentId);
        activity.SetTag(TelemetryTags.Round, round);
        if (payloadSha256 is not null) activity.SetTag(TelemetryTags.PayloadSha256, payloadSha256);
        if (payloadBytes is { } b) activity.SetTag(TelemetryTags.PayloadBytes, b);
        return activity;
    }

    /// <summary>The custom property under which an audit-event span carries its <see cref="Audit.AuditEntry"/>.</summary>
    public const string AuditEntryProperty = "fedbiomed.audit.entry";

    private static readonly ConcurrentDictionary<string, string> AuditSpanNames = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, ActivitySource> AuditSources = new(StringComparer.Ordinal);

    /// <summary>
    /// The ActivitySource of <paramref name="participant"/>'s audit-event spans: <c>FedBioMed.Federation.Audit.PARTICIPANT</c>
    /// (<c>*</c> names them all, for a tracer provider's <c>AddSource</c>). Each participant has its own, so that where one
    /// process hosts several (the demo: a researcher and three nodes, four tracer providers), an audit event is heard only by
    /// the pipeline that writes its trail instead of by all of them; the events are most of a round's spans.
    /// </summary>
    public static string AuditSourceName(string participant)
    {
        ArgumentException.ThrowIfNullOrEmpty(participant);
        return Name + ".Audit." + participant;
    }

    /// <summary>
    /// A zero-length span of <paramref name="participant"/>'s audit source (<see cref="AuditSourceName"/>) carrying one audit
    /// event (<paramref name="entry"/>, as a custom property); <see cref="Audit.AuditTrailProcessor"/> passes it to <paramref name="participant"/>'s trail of run
    /// <paramref name="run"/> when the span ends (here, at once). Only a span that will be exported (recorded) also
    /// gets the event's fields as tags. Null when nobody listens.
    /// </summary>
    public static Activity? RecordAuditEvent(string participant, string run, Audit.AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        KeyValuePair<string, object?>[] tags =
        [
            new(TelemetryTags.AuditEvent, entry.Event),
            new(TelemetryTags.AuditParticipant, participant),
            new(TelemetryTags.AuditRun, run),
        ];
        var source = AuditSources.GetOrAdd(participant, static p => new ActivitySource(AuditSourceName(p), "1.0.0"));
        var name = AuditSpanNames.GetOrAdd(entry.Event, static e => "audit " + e);
        var activity = source.StartActivity(ActivityKind.Internal, parentContext: default, tags, name: name);
        if (activity is null) return null;
        activity.SetCustomProperty(AuditEntryProperty, entry);
        if (activity.Recorded)
        {
            if (entry.Experiment is not null) activity.SetTag(TelemetryTags.ExperimentId, entry.Experiment);
            if (entry.Round is { } r) activity.SetTag(TelemetryTags.Round, r);
            if (entry.Session is not null) activity.SetTag(TelemetryTags.SessionId, entry.Session);
            foreach (var (key, value) in entry.Attrs) activity.SetTag(TelemetryTags.AuditAttrPrefix + key, value);
        }
        activity.Stop();
        return activity;
    }

    public static void RoundCompleted(string role, string? nodeId = null)
    {
        if (nodeId is null) RoundsCompletedCounter.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Role, role));
        else RoundsCompletedCounter.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Role, role), new KeyValuePair<string, object?>(TelemetryTags.NodeId, nodeId));
    }

    /// <summary>Counts a round that ended without a result, by the stage it stopped in when known; a node passes its id.</summary>
    public static void RoundAborted(string role, SecAggStage? stage = null, string? nodeId = null)
    {
        var roleTag = new KeyValuePair<string, object?>(TelemetryTags.Role, role);
        var stageTag = new KeyValuePair<string, object?>(TelemetryTags.Stage, stage is { } s ? StageName(s) : "none");
        if (nodeId is null) RoundsAbortedCounter.Add(1, roleTag, stageTag);
        else RoundsAbortedCounter.Add(1, roleTag, stageTag, new KeyValuePair<string, object?>(TelemetryTags.NodeId, nodeId));
    }

    public static void StageCompleted(SecAggStage stage, TimeSpan duration) =>
        StageDurationHistogram.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TelemetryTags.Stage, StageName(stage)));

    public static void BytesSent(long bytes, string kind) =>
        BytesCounter.Add(bytes, new KeyValuePair<string, object?>(TelemetryTags.Direction, "sent"), new KeyValuePair<string, object?>(TelemetryTags.Kind, kind));

    public static void BytesReceived(long bytes, string kind) =>
        BytesCounter.Add(bytes, new KeyValuePair<string, object?>(TelemetryTags.Direction, "received"), new KeyValuePair<string, object?>(TelemetryTags.Kind, kind));

    public static void Dropouts(int count)
    {
        if (count > 0) DropoutsCounter.Add(count);
    }

    public static void EpsilonSpent(string experimentId, double epsilon) =>
        EpsilonHistogram.Record(epsilon, new KeyValuePair<string, object?>(TelemetryTags.ExperimentId, experimentId));

    /// <summary>snake_case stage names used in span names and the <c>stage</c> tag.</summary>
    public static string StageName(SecAggStage stage) => stage switch
    {
        SecAggStage.AdvertiseKeys => "advertise_keys",
        SecAggStage.ShareKeys => "share_keys",
        SecAggStage.MaskedInput => "masked_input",
        SecAggStage.ConsistencyCheck => "consistency_check",
        SecAggStage.Unmask => "unmask",
        SecAggStage.Completed => "completed",
        SecAggStage.Aborted => "aborted",
        _ => stage.ToString(),
    };
}

/// <summary>Ends a stage span and records its duration when disposed.</summary>
public sealed class StageScope : IDisposable
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly SecAggStage _stage;
    private bool _disposed;

    internal StageScope(SecAggStage stage, Activity? activity)
    {
        _stage = stage;
        Activity = activity;
    }

    public Activity? Activity { get; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        FederationTelemetry.StageCompleted(_stage, Stopwatch.GetElapsedTime(_started));
        Activity?.Dispose();
    }
}
