using System.Diagnostics;
using FedBioMed.Federation.Telemetry;
using OpenTelemetry;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Feeds the audit trails from the spans: each ended audit-event span (<see cref="FederationTelemetry.RecordAuditEvent(System.Diagnostics.ActivitySource, AuditSpanEvent)"/>)
/// becomes a record in the trail of the participant and run its <see cref="AuditSpanEvent"/> names: the entry it carries
/// (whose fields its tags repeat when the span is exported). Runs in the thread that ends the span, so
/// events keep the order of the protocol steps (a <see cref="BackgroundAuditSink"/> then seals and writes them
/// off that thread); a failed trail throws into that thread (an unrecorded step should not pass silently).
/// </summary>
/// <param name="trails">The trails this process writes.</param>
/// <param name="exportAuditEvents">Leave audit spans to the exporters too; otherwise they are unmarked as recorded when they start.</param>
public sealed class AuditTrailProcessor(AuditTrails trails, bool exportAuditEvents = false) : BaseProcessor<Activity>
{
    private readonly AuditTrails _trails = trails ?? throw new ArgumentNullException(nameof(trails));

    public override void OnStart(Activity data)
    {
        // The trail is the audit spans' export, and they are most of a round's spans: exporters skip spans that are not
        // marked recorded. (A sampler could not keep them out: an activity inherits its parent's "recorded" flag.)
        if (!exportAuditEvents && FederationTelemetry.IsAuditSource(data.Source))
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem(TelemetryTags.AuditEvent) is AuditSpanEvent auditEvent
            && _trails.TryGet(auditEvent.Participant, auditEvent.Run, out var sink))
        {
            sink.Append(auditEvent.Entry);
        }
    }
}

/// <summary>
/// An audit event on its way to a trail, as the <see cref="TelemetryTags.AuditEvent"/> tag of its span
/// (<see cref="FederationTelemetry.RecordAuditEvent(System.Diagnostics.ActivitySource, AuditSpanEvent)"/>): the participant whose trail gets it, the run, and the entry. An
/// exporter that sends the span shows the event's name.
/// </summary>
public sealed record AuditSpanEvent(string Participant, string Run, AuditEntry Entry)
{
    public override string ToString() => Entry.Event;
}

/// <summary>
/// An <see cref="IAuditSink"/> that emits each event as a span (<see cref="FederationTelemetry.RecordAuditEvent(System.Diagnostics.ActivitySource, AuditSpanEvent)"/>)
/// of <paramref name="participantId"/> in run <paramref name="runId"/>, for hosts whose trails are written by
/// <see cref="AuditTrailProcessor"/> in the OpenTelemetry pipeline.
/// </summary>
public sealed class ActivityAuditSink(string participantId, string runId) : IAuditSink
{
    public string ParticipantId { get; } = !string.IsNullOrEmpty(participantId) ? participantId : throw new ArgumentException("participant id is empty", nameof(participantId));

    /// <summary>The run whose trail gets the events.</summary>
    public string RunId { get; } = !string.IsNullOrEmpty(runId) ? runId : throw new ArgumentException("run id is empty", nameof(runId));

    private readonly ActivitySource _source = FederationTelemetry.AuditSource(participantId);

    /// <summary>
    /// Emits the event's span. The span carries the entry to the trail untouched; the trail stamps it with its own clock
    /// as the span ends, which is at once, on this thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">No tracer provider listens to the participant's audit source, so the event would be lost.</exception>
    public void Append(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (FederationTelemetry.RecordAuditEvent(_source, new AuditSpanEvent(ParticipantId, RunId, entry)) is null)
            throw new InvalidOperationException($"audit event '{entry.Event}' of '{ParticipantId}' was not recorded: no tracer provider with the audit-trail processor listens to '{FederationTelemetry.AuditSourceName(ParticipantId)}'");
    }
}
