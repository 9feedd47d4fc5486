using System.Diagnostics.Metrics;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// <c>fedbiomed.transferred</c> in a live federation (real gRPC on loopback, secure aggregation): every participant counts
/// every envelope it sends and receives, so for each kind the researcher's bytes sent are what the nodes received, and
/// the nodes' bytes sent are what the researcher received. Alone in its collection: the meters are the process's, and the
/// other federations of these tests use the same participant ids.
/// </summary>
[Collection(MeterTotalsCollection.Name)]
public sealed class TransferredBytesTests
{
    private const string Researcher = "researcher";

    // What a SecAgg round with training sends each way: every kind must have been counted, on both sides.
    private static readonly string[] ResearcherKinds =
        ["Welcome", "Admitted", "TrainingRequest", "GlobalModel", "RoundStart", "AdvertisedKeys", "ForwardedShares", "SurvivorSet", "UnmaskRequest", "RoundOutcome"];

    private static readonly string[] NodeKinds =
        ["Hello", "TrainingReply", "KeyAdvertisement", "EncryptedShares", "MaskedInput", "ConsistencySignature", "UnmaskResponse"];

    [Fact]
    public async Task EachSidesBytesSent_AreTheOtherSidesBytesReceived_ForEveryKind()
    {
        using var meters = new TransferredTotals();
        var before = meters.Read();
        string[] nodes = ["hospital-a", "hospital-b", "hospital-c"];
        using (var data = new BreastCancerFederation(nodes: nodes.Length))
        {
            await using var federation = await data.StartFederationAsync(DemoCommand.DemoPlan());
            var result = await federation.Runner.RunAsync(new ExperimentSpec
            {
                Id = "bytes-e2e", DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = 2, SecureAggregation = true,
            });
            Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        }

        // The federation is stopped: nothing is in flight any more.
        var counted = TransferredTotals.Delta(before, meters.Read());
        long Total(IEnumerable<string> participants, string direction, string kind) =>
            participants.Sum(p => counted.GetValueOrDefault((p, direction, kind)));
        var kinds = counted.Keys.Select(k => k.Kind).Distinct().ToArray();
        // No kind this run should not have (a refusal, a plain update) and none unnamed.
        Assert.Subset(new HashSet<string>(ResearcherKinds.Concat(NodeKinds)), new HashSet<string>(kinds));
        foreach (var kind in kinds)
        {
            Assert.Equal(Total([Researcher], "sent", kind), Total(nodes, "received", kind));
            Assert.Equal(Total(nodes, "sent", kind), Total([Researcher], "received", kind));
        }
        foreach (var kind in ResearcherKinds)
        {
            Assert.True(Total([Researcher], "sent", kind) > 0, $"the researcher counted no {kind} sent");
            Assert.All(nodes, n => Assert.True(counted.GetValueOrDefault((n, "received", kind)) > 0, $"{n} counted no {kind} received"));
        }
        foreach (var kind in NodeKinds)
        {
            Assert.All(nodes, n => Assert.True(counted.GetValueOrDefault((n, "sent", kind)) > 0, $"{n} counted no {kind} sent"));
        }
        // Nothing went to the shared meter (every flow that sends or receives runs as its participant).
        Assert.DoesNotContain(counted.Keys, k => k.Participant.Length == 0);
    }

    /// <summary>The running totals of <c>fedbiomed.transferred</c> per participant, direction and kind, read on demand.</summary>
    private sealed class TransferredTotals : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string Participant, string Direction, string Kind), long> _totals = [];

        public TransferredTotals()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FederationTelemetry.Name && instrument.Name == "fedbiomed.transferred") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? direction = null, kind = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == TelemetryTags.Direction) direction = tag.Value as string;
                    else if (tag.Key == TelemetryTags.Kind) kind = tag.Value as string;
                }
                _totals[(FederationTelemetry.MeterParticipant(instrument.Meter) ?? "", direction!, kind!)] = value;
            });
            _listener.Start();
        }

        public Dictionary<(string Participant, string Direction, string Kind), long> Read()
        {
            _totals.Clear();
            _listener.RecordObservableInstruments();
            return new(_totals);
        }

        public static Dictionary<(string Participant, string Direction, string Kind), long> Delta(
            Dictionary<(string Participant, string Direction, string Kind), long> before, Dictionary<(string Participant, string Direction, string Kind), long> after) =>
            after.Select(p => (p.Key, Value: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Value != 0).ToDictionary(p => p.Key, p => p.Value);

        public void Dispose() => _listener.Dispose();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterTotalsCollection
{
    public const string Name = "Process meter totals";
}
