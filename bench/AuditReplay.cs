using System.Diagnostics;
using System.Text.Json;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FedBioMed.Bench;

/// <summary>
/// Replays the records of one audited run (every participant's trail in a folder) through the audit path as the demo
/// runs it: one tracer provider per participant in this process (always-on sampler, its audit source, AuditTrailProcessor), each event
/// emitted as a span by the participant's <see cref="ActivityAuditSink"/>, written by a <see cref="BackgroundAuditSink"/>
/// into fresh trails. Measures the process CPU time (all threads, writers drained) and the time spent emitting (what the
/// protocol's threads pay), per round of the original run.
/// </summary>
internal static class AuditReplay
{
    public sealed record Result(int Events, double CpuMsPerRound, double WallMsPerRound);

    private sealed record Event(string Participant, AuditEntry Entry);

    public static Result Run(string trailDirectory, int rounds, int passes)
    {
        var events = new List<Event>();
        foreach (var file in Directory.GetFiles(trailDirectory, "*.jsonl"))
        {
            foreach (var line in File.ReadLines(file).Skip(1)) // the header is the writer's own
            {
                using var record = JsonDocument.Parse(line);
                var root = record.RootElement;
                string? Text(string name) => root.GetProperty(name).GetString(); // null for a JSON null
                var round = root.GetProperty("round");
                var attrs = root.GetProperty("attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
                events.Add(new Event(Text("participant")!, new AuditEntry(Text("event")!, Text("experiment"), round.ValueKind == JsonValueKind.Null ? null : round.GetInt64(), Text("session"), attrs)));
            }
        }
        // The order the participants produced them in does not matter for the cost; interleave as a round would.
        var participants = events.Select(e => e.Participant).Distinct(StringComparer.Ordinal).ToArray();
        var output = Directory.CreateTempSubdirectory("fedbiomed-audit-replay-").FullName;
        var identities = participants.ToDictionary(p => p, p => NodeIdentity.Generate(p), StringComparer.Ordinal);
        var registries = participants.ToDictionary(p => p, _ => new AuditTrails(), StringComparer.Ordinal);
        var providers = participants.Select(p => Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name, FederationTelemetry.AuditSourceName(p))
            .SetSampler(new AlwaysOnSampler()).AddProcessor(new AuditTrailProcessor(registries[p])).Build()!).ToList();
        var sinks = participants.ToDictionary(p => p, p => new ActivityAuditSink(p, "replay"), StringComparer.Ordinal);
        try
        {
            foreach (var p in participants)
                registries[p].Add(new BackgroundAuditSink(new AuditTrailWriter(Path.Combine(output, p + ".jsonl"), p, identities[p].Sign, identities[p].PublicKey, "replay", TimeProvider.System)));
            Emit(events, sinks, 1); // warm-up
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var emitting = Stopwatch.StartNew();
            Emit(events, sinks, passes);
            var wall = emitting.Elapsed;
            foreach (var registry in registries.Values) registry.Dispose(); // drains: the writers' work counts too
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var perRound = rounds * (double)passes;
            return new Result(events.Count, cpu.TotalMilliseconds / perRound, wall.TotalMilliseconds / perRound);
        }
        finally
        {
            foreach (var provider in providers) provider.Dispose();
            foreach (var identity in identities.Values) identity.Dispose();
            Directory.Delete(output, recursive: true);
        }
    }

    private static void Emit(List<Event> events, Dictionary<string, ActivityAuditSink> sinks, int passes)
    {
        for (var pass = 0; pass < passes; pass++)
        {
            // A fresh attribute dictionary per event, as the recorder makes.
            foreach (var e in events) sinks[e.Participant].Append(e.Entry with { Attrs = new Dictionary<string, string>(e.Entry.Attrs, StringComparer.Ordinal), Time = null });
        }
    }
}
