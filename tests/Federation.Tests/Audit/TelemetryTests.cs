using System.Diagnostics;
using System.Diagnostics.Metrics;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FedBioMed.Federation.Tests.Audit;

public sealed class TelemetryTests
{
    [Fact]
    public void AddFedBioMedTelemetry_WithAuditTrail_WritesTrailRecordsFromSpans()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var services = new ServiceCollection();
        services.AddFedBioMedTelemetry(new TelemetryOptions { AuditTrail = true, Prometheus = true });
        using (var provider = services.BuildServiceProvider())
        {
            var trails = provider.GetRequiredService<AuditTrails>();
            trails.Add(new AuditTrailWriter(dir.File(AuditTrails.FileName("node-a")), "node-a", identity.Sign, identity.PublicKey, "run-1", new StepClock()));
            _ = provider.GetRequiredService<TracerProvider>(); // what the hosted service does at start

            var audit = new AuditRecorder(new ActivityAuditSink("node-a", "run-1"));
            audit.Policy(new AuditPolicy(MinThreshold: 3, RequireSecAgg: true));
            using (FederationTelemetry.StartRound("exp", 1, cohortSize: 3, threshold: 2))
            {
                audit.RoundStart("exp", 1, ["node-a", "node-b"]);
                audit.RoundResult("exp", 1, null, new string('0', 64));
            }
        }

        var lines = File.ReadAllLines(dir.File("node-a.audit.jsonl"));
        Assert.Equal(["trail.start", "policy", "round.start", "round.result"], lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()));
        // The policy asks for secure aggregation and this round had none: the trail shows it.
        var finding = Assert.Single(AuditVerifier.Verify([dir.File("node-a.audit.jsonl")]).Findings);
        Assert.Equal(AuditRules.Policy, finding.Rule);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHostThatOnlyKeepsATrail_HearsItsAuditSpans_AndTheFederationsOnlyWithAnExporter(bool console)
    {
        var participant = "quiet-" + Guid.NewGuid().ToString("N");
        var experiment = "quiet-exp-" + Guid.NewGuid().ToString("N");
        var heard = new List<string>();
        var services = new ServiceCollection();
        services.AddFedBioMedTelemetry(new TelemetryOptions { AuditTrail = true, Console = console, Participant = participant });
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new NamedSpans(experiment, participant, heard)));
        using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetRequiredService<TracerProvider>();
            using (FederationTelemetry.StartRound(experiment, 1, cohortSize: 3))
                new AuditRecorder(new ActivityAuditSink(participant, "run-1")).DpSpent(experiment, 1, 0.5, 1e-5); // no trail registered: heard, not written
        }

        Assert.Equal(console ? ["audit dp.spent", "round"] : ["audit dp.spent"], heard);
    }

    // The names of the spans of one experiment, or of one participant's audit spans, in the order they end.
    private sealed class NamedSpans(string experiment, string participant, List<string> names) : OpenTelemetry.BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.GetTagItem(TelemetryTags.ExperimentId) as string == experiment
                || (data.GetTagItem(TelemetryTags.AuditEvent) as AuditSpanEvent)?.Participant == participant)
            {
                lock (names) names.Add(data.DisplayName);
            }
        }
    }

    [Fact]
    public void Instruments_RecordRoundsStagesBytesDropoutsAndEpsilon()
    {
        var seen = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FederationTelemetry.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => { lock (seen) seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value; });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => { lock (seen) seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value; });
        listener.Start();

        FederationTelemetry.RoundCompleted(AuditRoles.Researcher);
        FederationTelemetry.RoundAborted(AuditRoles.Researcher, SecAggStage.Unmask);
        using (FederationTelemetry.Stage(SecAggStage.ShareKeys, new RoundHeader("exp", 1, new byte[32]))) { }
        FederationTelemetry.BytesSent(1000, "MaskedInput");
        FederationTelemetry.BytesReceived(24, "SurvivorSet");
        FederationTelemetry.Dropouts(2);
        FederationTelemetry.EpsilonSpent("exp", 0.5);
        listener.RecordObservableInstruments(); // bytes are totals read when collected

        Assert.True(seen["fedbiomed.rounds.completed"] >= 1);
        Assert.True(seen["fedbiomed.rounds.aborted"] >= 1);
        Assert.True(seen.ContainsKey("fedbiomed.stage.duration"));
        Assert.True(seen["fedbiomed.transferred"] >= 1024);
        Assert.True(seen["fedbiomed.dropouts"] >= 2);
        Assert.True(seen["fedbiomed.privacy.epsilon"] >= 0.5);
    }

    [Fact]
    public void SpanHelpers_CarryIdsAndHashes()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FederationTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);

        using (var experiment = FederationTelemetry.StartExperiment("exp", rounds: 3, planSha256: "ab12"))
        using (FederationTelemetry.StartNodeTask("node-a", "train", "exp", 1, payloadSha256: "cd34", payloadBytes: 4096))
        using (FederationTelemetry.Stage(SecAggStage.Unmask, new RoundHeader("exp", 1, new byte[32])))
        {
        }

        var task = stopped.Single(a => a.OperationName == "node train");
        Assert.Equal("cd34", task.GetTagItem(TelemetryTags.PayloadSha256));
        Assert.Equal(4096L, task.GetTagItem(TelemetryTags.PayloadBytes));
        Assert.Equal("unmask", stopped.Single(a => a.OperationName == "secagg unmask").GetTagItem(TelemetryTags.Stage));
        Assert.Equal("exp", stopped.Single(a => a.OperationName == "experiment").GetTagItem(TelemetryTags.ExperimentId));
    }

    [Fact]
    public async Task OwnSpansExportProcessor_ExportsEachSpanOnlyFromItsParticipantsPipeline()
    {
        // Two participants' tracer providers in one process, as in the in-process demo: each hears every span.
        var experiment = "own-spans-" + Guid.NewGuid().ToString("N");
        var toA = new CollectingExporter(experiment);
        var toB = new CollectingExporter(experiment);
        using (var providerA = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name).SetSampler(new AlwaysOnSampler())
            .AddProcessor(new OwnSpansExportProcessor("part-a", [new OpenTelemetry.SimpleActivityExportProcessor(toA)])).Build())
        using (var providerB = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name).SetSampler(new AlwaysOnSampler())
            .AddProcessor(new OwnSpansExportProcessor("part-b", [new OpenTelemetry.SimpleActivityExportProcessor(toB)])).Build())
        {
            await Task.Run(() =>
            {
                FederationTelemetry.RunAs("part-a");
                using (FederationTelemetry.StartRound(experiment, 1, cohortSize: 3)) { }
            });
            await Task.Run(() =>
            {
                FederationTelemetry.RunAs("part-b");
                using (FederationTelemetry.StartNodeTask("part-b", "train", experiment, 1)) { }
            });
            // A span that names no participant goes out everywhere rather than nowhere.
            await Task.Run(() =>
            {
                using (FederationTelemetry.StartRound(experiment, 2, cohortSize: 3)) { }
            });
        }

        Assert.Equal(["round 1", "round 2"], toA.Names);
        Assert.Equal(["node train 1", "round 2"], toB.Names);
    }

    [Fact]
    public void AlwaysOnSampler_SamplesFederationSpansUnderAnUnsampledParent_AndTheTrailProcessorKeepsAuditSpansFromExporters()
    {
        var experiment = "sampler-" + Guid.NewGuid().ToString("N");
        var exported = new CollectingExporter(experiment);
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("sampled-node");
        using var trails = new AuditTrails();
        trails.Add(new AuditTrailWriter(dir.File("t.jsonl"), "sampled-node", identity.Sign, identity.PublicKey, "run-s", new StepClock()));
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name, FederationTelemetry.AuditSourceName("sampled-node"))
            .SetSampler(new AlwaysOnSampler()).AddProcessor(new AuditTrailProcessor(trails)).AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(exported)).Build())
        {
            // What ASP.NET Core and HttpClient leave as Activity.Current around the gRPC stream: an activity nobody sampled.
            using var unsampled = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
            Assert.False(unsampled.Recorded);
            using (FederationTelemetry.StartRound(experiment, 1, cohortSize: 3)) { }
            new AuditRecorder(new ActivityAuditSink("sampled-node", "run-s")).DpSpent(experiment, 1, 0.5, 1e-5);
            // Under a sampled span an activity inherits the "recorded" flag; the audit span must still stay out of the export.
            using (FederationTelemetry.StartRound(experiment, 2, cohortSize: 3))
                new AuditRecorder(new ActivityAuditSink("sampled-node", "run-s")).DpSpent(experiment, 2, 0.5, 1e-5);
        }
        trails.Dispose();

        // The round spans despite their parent; the audit spans only in the trail.
        Assert.Equal(["round 1", "round 2"], exported.Names);
        var lines = File.ReadAllLines(dir.File("t.jsonl"));
        Assert.Equal(3, lines.Length);
        Assert.All(lines[1..], l => Assert.Contains("\"event\":\"dp.spent\"", l, StringComparison.Ordinal));
    }

    /// <summary>Collects "NAME ROUND" of the exported spans of one experiment (other tests' spans pass through the same source).</summary>
    [Fact]
    public void AuditEvents_AreHeardOnlyByTheirParticipantsPipeline()
    {
        // Two participants' tracer providers in one process, as in the demo; each listens to its own audit source.
        var a = "heard-a-" + Guid.NewGuid().ToString("N");
        var b = "heard-b-" + Guid.NewGuid().ToString("N");
        var heardByA = new List<string>();
        var heardByB = new List<string>();
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name, FederationTelemetry.AuditSourceName(a))
            .SetSampler(new AlwaysOnSampler()).AddProcessor(new EndedSpans(heardByA)).Build())
        using (OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(FederationTelemetry.Name, FederationTelemetry.AuditSourceName(b))
            .SetSampler(new AlwaysOnSampler()).AddProcessor(new EndedSpans(heardByB)).Build())
        {
            new AuditRecorder(new ActivityAuditSink(a, "run-1")).DpSpent("exp", 1, 0.5, 1e-5);
            new AuditRecorder(new ActivityAuditSink(b, "run-1")).DpSpent("exp", 1, 0.5, 1e-5);
            new AuditRecorder(new ActivityAuditSink(b, "run-1")).DpSpent("exp", 2, 0.5, 1e-5);
            // A participant no pipeline listens for: the event is refused, not lost silently.
            Assert.Throws<InvalidOperationException>(() => new AuditRecorder(new ActivityAuditSink("nobody-" + a, "run-1")).DpSpent("exp", 1, 0.5, 1e-5));
        }

        Assert.Equal([a], heardByA);
        Assert.Equal([b, b], heardByB);
    }

    private sealed class EndedSpans(List<string> participants) : OpenTelemetry.BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.GetTagItem(TelemetryTags.AuditEvent) is AuditSpanEvent auditEvent) participants.Add(auditEvent.Participant);
        }
    }

    private sealed class CollectingExporter(string experiment) : OpenTelemetry.BaseExporter<Activity>
    {
        private readonly List<string> _names = [];

        public IReadOnlyList<string> Names
        {
            get
            {
                lock (_names) return [.. _names.Order(StringComparer.Ordinal)];
            }
        }

        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                var mine = activity.GetTagItem(TelemetryTags.ExperimentId) as string == experiment
                    || (activity.GetTagItem(TelemetryTags.AuditParticipant) as string)?.StartsWith("sampled-", StringComparison.Ordinal) == true;
                if (!mine) continue;
                lock (_names) _names.Add($"{activity.DisplayName} {activity.GetTagItem(TelemetryTags.Round)}");
            }
            return OpenTelemetry.ExportResult.Success;
        }
    }

    [Fact]
    public async Task Measurements_ReachOnlyTheirOwnParticipantsMeterProvider()
    {
        // Two participants' hosts in one process, as in the demo. A measurement made for a participant counts only in its own
        // provider (once, not once per provider); one made where no participant is named counts in every provider.
        var kind = "meter-test-" + Guid.NewGuid().ToString("N");
        var a = "meter-a-" + Guid.NewGuid().ToString("N");
        var b = "meter-b-" + Guid.NewGuid().ToString("N");
        var toA = new SummingMetricExporter(kind);
        var toB = new SummingMetricExporter(kind);
        using var servicesA = MeterHost(a, toA);
        using var servicesB = MeterHost(b, toB);
        var providerA = servicesA.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();
        var providerB = servicesB.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();

        await Task.Run(() =>
        {
            FederationTelemetry.RunAs(a);
            FederationTelemetry.BytesSent(100, kind);
        });
        await Task.Run(() =>
        {
            FederationTelemetry.RunAs(b);
            FederationTelemetry.BytesSent(7, kind);
            FederationTelemetry.BytesReceived(3, kind);
        });
        await Task.Run(() => FederationTelemetry.BytesSent(1000, kind));
        Assert.True(OpenTelemetry.Metrics.MeterProviderExtensions.ForceFlush(providerA));
        Assert.True(OpenTelemetry.Metrics.MeterProviderExtensions.ForceFlush(providerB));

        Assert.Equal(1100, toA.Sum);
        Assert.Equal(1010, toB.Sum);
        Assert.Null(FederationTelemetry.MeterParticipant(FederationTelemetry.Meter));
    }

    private static ServiceProvider MeterHost(string participant, SummingMetricExporter exporter)
    {
        var services = new ServiceCollection();
        services.AddFedBioMedTelemetry(new TelemetryOptions { Participant = participant });
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReader(new OpenTelemetry.Metrics.BaseExportingMetricReader(exporter)));
        return services.BuildServiceProvider();
    }

    /// <summary>Sums the <c>fedbiomed.transferred</c> points of one message kind (other tests measure through the same meters).</summary>
    private sealed class SummingMetricExporter(string kind) : OpenTelemetry.BaseExporter<OpenTelemetry.Metrics.Metric>
    {
        public long Sum { get; private set; }

        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<OpenTelemetry.Metrics.Metric> batch)
        {
            long sum = 0;
            foreach (var metric in batch)
            {
                if (metric.Name != "fedbiomed.transferred") continue;
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    foreach (var tag in point.Tags)
                    {
                        if (tag.Key == TelemetryTags.Kind && tag.Value as string == kind) sum += point.GetSumLong();
                    }
                }
            }
            Sum = sum; // cumulative temporality: each export carries the totals so far
            return OpenTelemetry.ExportResult.Success;
        }
    }

    [Fact]
    public void TelemetryOptions_RejectsAScrapePathWithoutLeadingSlash() =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddFedBioMedTelemetry(new TelemetryOptions { Prometheus = true, PrometheusPath = "metrics" }));
}
