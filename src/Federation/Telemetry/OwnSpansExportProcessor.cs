using System.Diagnostics;
using OpenTelemetry;

namespace FedBioMed.Federation.Telemetry;

/// <summary>
/// Passes to its exporters only the spans of one participant (<see cref="TelemetryTags.Participant"/>, set by
/// <see cref="FederationTelemetry.RunAs"/>), and spans that name none. Every tracer provider in a process hears every
/// span of the federation's source; where one process hosts several participants (the in-process demo) each would
/// otherwise export every span once per participant, under the wrong service name for all but one.
/// </summary>
public sealed class OwnSpansExportProcessor(string participant, IEnumerable<BaseProcessor<Activity>> exporters) : CompositeProcessor<Activity>(exporters)
{
    private readonly string _participant = !string.IsNullOrEmpty(participant) ? participant : throw new ArgumentException("participant is empty", nameof(participant));

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem(TelemetryTags.Participant) is string owner && !string.Equals(owner, _participant, StringComparison.Ordinal)) return;
        base.OnEnd(data);
    }
}
