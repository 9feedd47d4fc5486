using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// The federation's one <see cref="System.Diagnostics.ActivitySource"/> and its meter, both named <see cref="Name"/> (one
/// meter instance per participant where a process hosts several, <see cref="MeterParticipant"/>), with helpers for the
/// spans and instruments of a run. Spans carry ids,
/// sizes, counts and hashes, never data, updates, keys or shares. Every helper is cheap when nobody listens
/// (a start returns null).
/// </summary>
public static class FederationTelemetry
{
    public const string Name = "FedBioMed.Federation";

    public static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    public static readonly Meter Meter = new(Name, "1.0.0");

    // The instruments of the meter above, used where no participant is named (a host of one participant that never called RunAs).
    private static readonly FederationInstruments SharedInstruments = new(Meter);

    private static readonly ConcurrentDictionary<string, FederationInstruments> ParticipantInstruments = new(StringComparer.Ordinal);

    /// <summary>
    /// The instruments of the participant running the calling flow (<see cref="RunAs"/>). Each participant has its own
    /// <see cref="System.Diagnostics.Metrics.Meter"/>, named <see cref="Name"/> like the shared one and tagged with the
    /// participant (<see cref="MeterParticipant"/>), so that where one process hosts several (the demo: four meter providers)
    /// a measurement reaches only its own participant's provider (<c>AddFedBioMedTelemetry</c> drops the others' instruments):
    /// it is aggregated once instead of once per provider, and each participant exports its own counts, not the process's.
    /// </summary>
    private static FederationInstruments Instruments => CurrentParticipant.Value?.Instruments ?? SharedInstruments;

    private static FederationInstruments InstrumentsOf(string participant) =>
        ParticipantInstruments.GetOrAdd(participant, static p => new FederationInstruments(new Meter(new MeterOptions(Name)
        {
            Version = "1.0.0",
            Tags = [new KeyValuePair<string, object?>(TelemetryTags.Participant, p)],
        })));

    /// <summary>The participant a federation meter belongs to; null for the shared meter (no participant named) and other meters.</summary>
    public static string? MeterParticipant(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Name != Name || meter.Tags is null) return null;
        foreach (var (key, value) in meter.Tags)
        {
            if (key == TelemetryTags.Participant) return value as string;
        }
        return null;
    }

    // The participant with its instruments, looked up once when the flow is named rather than at every measurement.
    private static readonly AsyncLocal<Participant?> CurrentParticipant = new();

    private sealed record Participant(string Id, FederationInstruments Instruments);

    /// <summary>
    /// Names the participant (researcher or node id) whose work runs in the calling async flow from here on: its spans
    /// carry it (<see cref="TelemetryTags.Participant"/>), so that a process hosting several participants (the demo)
    /// exports each span once, from its own participant's pipeline.
    /// </summary>
    public static void RunAs(string participant)
    {
        ArgumentException.ThrowIfNullOrEmpty(participant);
        if (CurrentParticipant.Value?.Id != participant) CurrentParticipant.Value = new Participant(participant, InstrumentsOf(participant));
    }

    private static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = ActivitySource.StartActivity(name, kind);
        if (activity is not null && CurrentParticipant.Value is { } participant) activity.SetTag(TelemetryTags.Participant, participant.Id);
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
        return AuditSourcePrefix + participant;
    }

    /// <summary>Whether <paramref name="source"/> is a participant's audit source (<see cref="AuditSource"/>).</summary>
    public static bool IsAuditSource(ActivitySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Name.StartsWith(AuditSourcePrefix, StringComparison.Ordinal);
    }

    private const string AuditSourcePrefix = Name + ".Audit.";

    /// <summary>The ActivitySource named <see cref="AuditSourceName"/> for <paramref name="participant"/> (one per participant and process).</summary>
    public static ActivitySource AuditSource(string participant)
    {
        ArgumentException.ThrowIfNullOrEmpty(participant);
        return AuditSources.GetOrAdd(participant, static p => new ActivitySource(AuditSourceName(p), "1.0.0"));
    }

    /// <summary>
    /// A zero-length span of <paramref name="source"/>, <paramref name="auditEvent"/>'s participant's audit source
    /// (<see cref="AuditSource"/>), carrying the event as its <see cref="TelemetryTags.AuditEvent"/> tag;
    /// <see cref="Audit.AuditTrailProcessor"/> passes it to that participant's trail of its run when the span ends (here, at
    /// once). Only a span that will be exported (recorded) also gets the event's fields as tags. Null when nobody listens.
    /// </summary>
    internal static Activity? RecordAuditEvent(ActivitySource source, Audit.AuditSpanEvent auditEvent)
    {
        var entry = auditEvent.Entry;
        var name = AuditSpanNames.GetOrAdd(entry.Event, static e => "audit " + e);
        // The trail processor knows an audit span when it starts by its source (IsAuditSource), and finds the event in its tag when it ends.
        var activity = source.StartActivity(name);
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.AuditEvent, auditEvent);
        if (activity.Recorded)
        {
            activity.SetTag(TelemetryTags.AuditParticipant, auditEvent.Participant);
            activity.SetTag(TelemetryTags.AuditRun, auditEvent.Run);
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
        if (nodeId is null) Instruments.RoundsCompleted.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Role, role));
        else Instruments.RoundsCompleted.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Role, role), new KeyValuePair<string, object?>(TelemetryTags.NodeId, nodeId));
    }

    /// <summary>Counts a round that ended without a result, by the stage it stopped in when known; a node passes its id.</summary>
    public static void RoundAborted(string role, SecAggStage? stage = null, string? nodeId = null)
    {
        var roleTag = new KeyValuePair<string, object?>(TelemetryTags.Role, role);
        var stageTag = new KeyValuePair<string, object?>(TelemetryTags.Stage, stage is { } s ? StageName(s) : "none");
        if (nodeId is null) Instruments.RoundsAborted.Add(1, roleTag, stageTag);
        else Instruments.RoundsAborted.Add(1, roleTag, stageTag, new KeyValuePair<string, object?>(TelemetryTags.NodeId, nodeId));
    }

    public static void StageCompleted(SecAggStage stage, TimeSpan duration) =>
        Instruments.StageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TelemetryTags.Stage, StageName(stage)));

    public static void BytesSent(long bytes, string kind) => Instruments.AddBytes(Sent, kind, bytes);

    public static void BytesReceived(long bytes, string kind) => Instruments.AddBytes(Received, kind, bytes);

    private const string Sent = "sent";

    private const string Received = "received";

    public static void Dropouts(int count)
    {
        if (count > 0) Instruments.Dropouts.Add(count);
    }

    public static void EpsilonSpent(string experimentId, double epsilon) =>
        Instruments.Epsilon.Record(epsilon, new KeyValuePair<string, object?>(TelemetryTags.ExperimentId, experimentId));

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
