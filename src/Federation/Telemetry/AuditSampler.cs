using OpenTelemetry.Trace;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// The sampler of a host that writes audit trails. Audit-event spans (<see cref="FederationTelemetry.RecordAuditEvent"/>)
/// are always recorded, whatever their parent says, because a dropped span would be a missing trail record; they are
/// <em>recorded only</em> (processors such as <see cref="Audit.AuditTrailProcessor"/> see them, exporters skip them)
/// unless <paramref name="exportAuditEvents"/>, since the trail already is their export and they are most of the
/// spans of a round. Every other span is sampled (the SDK's default for a parent that is sampled, and here always).
/// </summary>
public sealed class AuditSampler(bool exportAuditEvents) : Sampler
{
    private static readonly SamplingResult RecordOnly = new(SamplingDecision.RecordOnly);
    private static readonly SamplingResult RecordAndSample = new(SamplingDecision.RecordAndSample);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (!exportAuditEvents && IsAuditEvent(samplingParameters)) return RecordOnly;
        return RecordAndSample;
    }

    private static bool IsAuditEvent(in SamplingParameters parameters)
    {
        if (parameters.Tags is null) return false;
        foreach (var tag in parameters.Tags)
        {
            if (tag.Key == TelemetryTags.AuditEvent) return true;
        }
        return false;
    }
}
