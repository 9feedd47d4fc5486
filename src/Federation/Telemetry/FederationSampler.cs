using OpenTelemetry.Trace;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// The sampler of every FedBioMed host. Federation spans are always sampled: their parent is often an activity that
/// ASP.NET Core or HttpClient created unsampled (the gRPC stream), and the SDK's default (parent-based) would then drop
/// them. Audit-event spans (<see cref="FederationTelemetry.RecordAuditEvent"/>) are always recorded, since a dropped
/// span would be a missing trail record, but <em>recorded only</em> (processors such as
/// <see cref="Audit.AuditTrailProcessor"/> see them, exporters skip them) unless <paramref name="exportAuditEvents"/>:
/// the trail already is their export, and they are most of a round's spans. (An activity also inherits its parent's
/// "recorded" flag, which no sampler can refuse; <see cref="Audit.AuditTrailProcessor"/> clears it on audit spans.)
/// </summary>
public sealed class FederationSampler(bool exportAuditEvents) : Sampler
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
