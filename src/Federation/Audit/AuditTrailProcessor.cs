using System.Diagnostics;
using System.Globalization;
using FedBioMed.Federation.Telemetry;
using OpenTelemetry;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// Feeds the audit trails from the spans: each ended activity with an <c>audit.event</c> tag becomes a
/// record in the trail of its <c>audit.participant</c>, with the experiment, round and session tags and
/// the <c>audit.attr.*</c> tags as attributes. Runs synchronously in the thread that ends the span, so
/// records keep the order of the protocol steps; a write failure propagates to that thread (an
/// unrecorded step should not pass silently).
/// </summary>
public sealed class AuditTrailProcessor(AuditTrails trails) : BaseProcessor<Activity>
{
    private readonly AuditTrails _trails = trails ?? throw new ArgumentNullException(nameof(trails));

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem(TelemetryTags.AuditEvent) is not string @event
            || data.GetTagItem(TelemetryTags.AuditParticipant) is not string participant
            || !_trails.TryGet(participant, out var writer))
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
        writer.Append(@event, data.GetTagItem(TelemetryTags.ExperimentId) as string, round, data.GetTagItem(TelemetryTags.SessionId) as string, attrs);
    }
}

/// <summary>
/// An <see cref="IAuditSink"/> that emits each event as a span (<see cref="FederationTelemetry.RecordAuditEvent"/>),
/// for hosts whose trails are written by <see cref="AuditTrailProcessor"/> in the OpenTelemetry pipeline.
/// </summary>
public sealed class ActivityAuditSink(string participantId) : IAuditSink
{
    public string ParticipantId { get; } = !string.IsNullOrEmpty(participantId) ? participantId : throw new ArgumentException("participant id is empty", nameof(participantId));

    public void Append(string @event, string? experiment, long? round, string? session, IReadOnlyDictionary<string, string> attrs) =>
        FederationTelemetry.RecordAuditEvent(ParticipantId, @event, experiment, round, session, attrs);
}
