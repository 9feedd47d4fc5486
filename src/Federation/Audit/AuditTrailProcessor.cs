using System.Diagnostics;
using System.Globalization;
using FedBioMed.Federation.Telemetry;
using OpenTelemetry;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Feeds the audit trails from the spans: each ended activity with an <c>audit.event</c> tag becomes a
/// record in the trail of its <c>audit.participant</c> and <c>audit.run</c>, with the experiment, round and
/// session tags and the <c>audit.attr.*</c> tags as attributes. Runs in the thread that ends the span, so
/// events keep the order of the protocol steps (a <see cref="BackgroundAuditSink"/> then seals and writes them
/// off that thread); a failed trail throws into that thread (an unrecorded step should not pass silently).
/// </summary>
public sealed class AuditTrailProcessor(AuditTrails trails) : BaseProcessor<Activity>
{
    private readonly AuditTrails _trails = trails ?? throw new ArgumentNullException(nameof(trails));

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem(TelemetryTags.AuditEvent) is not string @event
            || data.GetTagItem(TelemetryTags.AuditParticipant) is not string participant
            || data.GetTagItem(TelemetryTags.AuditRun) is not string run
            || !_trails.TryGet(participant, run, out var sink))
        {
            return;
        }
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in data.TagObjects)
        {
            if (key.StartsWith(TelemetryTags.AuditAttrPrefix, StringComparison.Ordinal) && value is not null)
                attrs[key[TelemetryTags.AuditAttrPrefix.Length..]] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        }
        long? round = data.GetTagItem(TelemetryTags.Round) switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        sink.Append(@event, data.GetTagItem(TelemetryTags.ExperimentId) as string, round, data.GetTagItem(TelemetryTags.SessionId) as string, attrs);
    }
}

/// <summary>
/// An <see cref="IAuditSink"/> that emits each event as a span (<see cref="FederationTelemetry.RecordAuditEvent"/>)
/// of <paramref name="participantId"/> in run <paramref name="runId"/>, for hosts whose trails are written by
/// <see cref="AuditTrailProcessor"/> in the OpenTelemetry pipeline.
/// </summary>
public sealed class ActivityAuditSink(string participantId, string runId) : IAuditSink
{
    public string ParticipantId { get; } = !string.IsNullOrEmpty(participantId) ? participantId : throw new ArgumentException("participant id is empty", nameof(participantId));

    /// <summary>The run whose trail gets the events.</summary>
    public string RunId { get; } = !string.IsNullOrEmpty(runId) ? runId : throw new ArgumentException("run id is empty", nameof(runId));

    /// <exception cref="InvalidOperationException">No tracer provider listens to the federation's source, so the event would be lost.</exception>
    public void Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs)
    {
        if (FederationTelemetry.RecordAuditEvent(ParticipantId, RunId, @event, experiment, round, session, attrs) is null)
            throw new InvalidOperationException($"audit event '{@event}' of '{ParticipantId}' was not recorded: no tracer provider with the audit-trail processor listens to '{FederationTelemetry.Name}'");
    }
}
