using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Audit;
using FedBioMed.Node.Tests.Infrastructure;
using FedBioMed.Researcher;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedBioMed.Node.Tests.Hosting;

/// <summary>
/// The researcher admits a node whose hello verifies with <c>Admitted { researcher_id, run_id }</c>; the node opens
/// that run's audit trail then (one per run), refuses a run it is not pinned to or whose id could name a path, and
/// treats any other answer to its hello as a protocol error. Real gRPC over loopback.
/// </summary>
public sealed class RunAdmissionTests : IDisposable
{
    private const string Run = "run-study-7";
    private readonly TempDirectory _dir = new();
    private readonly NodeIdentity _node = NodeIdentity.Generate("hospital-a");
    private readonly LogRecorder _log = new();

    public void Dispose()
    {
        _node.Dispose();
        _dir.Dispose();
    }

    private Roster Roster => new([KeyValuePair.Create(_node.Id, _node.PublicKey)]);

    private string AuditDirectory => Path.Combine(_dir.Path, "audit");

    private string DataDirectory => Path.Combine(_dir.Path, "node");

    private string TrailOf(string run) => Path.Combine(AuditDirectory, $"hospital-a.{run}.audit.jsonl");

    private IHost BuildNode(string researcherUrl, string? pinnedRun = null) =>
        NodeHost.Build(NodeHost.Options(_node, researcherUrl, DataDirectory) with { AuditDirectory = AuditDirectory, AuditRunId = pinnedRun }, _node, Roster, _log);

    /// <summary>Runs one connection of <paramref name="node"/> until the researcher has admitted it, then ends it.</summary>
    private static async Task AdmitOnceAsync(IHost node)
    {
        var connection = node.Services.GetRequiredService<NodeConnection>();
        var admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Ready += () => admitted.TrySetResult();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = connection.RunAsync(null, stop.Token);
        await Task.WhenAny(admitted.Task, running).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(admitted.Task.IsCompleted, $"the node was not admitted: {running.Exception?.InnerException}");
        await stop.CancelAsync();
        var ended = await Record.ExceptionAsync(() => running);
        Assert.True(ended is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, $"the connection ended with {ended}");
    }

    /// <summary>Runs one connection of <paramref name="node"/>, which must fail as the node's own decision.</summary>
    private static async Task<InvalidDataException> ConnectRefusingAsync(IHost node)
    {
        var connection = node.Services.GetRequiredService<NodeConnection>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await Assert.ThrowsAsync<InvalidDataException>(() => connection.RunAsync(null, timeout.Token));
    }

    [Fact]
    public async Task NodeWithoutARunId_IsAdmittedForTheResearchersRun_AndItsTrailHeaderCarriesIt()
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run });
        using (var node = BuildNode(researcher.Url))
            await AdmitOnceAsync(node);

        Assert.Equal([TrailOf(Run)], Directory.GetFileSystemEntries(AuditDirectory));
        var lines = File.ReadAllLines(TrailOf(Run));
        Assert.Contains("\"event\":\"trail.start\"", lines[0], StringComparison.Ordinal);
        Assert.Contains($"\"run\":\"{Run}\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"event\":\"policy\"", lines[1], StringComparison.Ordinal);
        var report = AuditVerifier.Verify([TrailOf(Run)], Roster);
        Assert.True(report.Clean, string.Join("\n", report.Findings));
        Assert.Contains(_log.Messages(NodeHost.ConnectedEvent), m => m.Contains($"admitted for run {Run}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodePinnedToAnotherRun_RefusesTheResearcher_AndKeepsNoTrail()
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run });
        using var node = BuildNode(researcher.Url, pinnedRun: "run-study-6");

        var refused = await ConnectRefusingAsync(node);

        Assert.Contains($"'{Run}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'run-study-6'", refused.Message, StringComparison.Ordinal);
        Assert.Equal([refused.Message], _log.Messages(NodeHost.RunRefusedEvent).Select(m => m[(m.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        Assert.Equal(0, _log.Count(NodeHost.ConnectedEvent));
        Assert.False(Directory.Exists(AuditDirectory), "the refusing node opened a trail");
        await Eventually.HoldsAsync(() => researcher.Registry.Find(_node.Id) is null, TimeSpan.FromSeconds(10), "the researcher dropped the refusing node");
    }

    [Fact]
    public async Task NodePinnedToTheResearchersRun_IsAdmitted()
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run });
        using (var node = BuildNode(researcher.Url, pinnedRun: Run))
            await AdmitOnceAsync(node);

        Assert.True(File.Exists(TrailOf(Run)));
    }

    [Fact]
    public async Task NodeReconnectingToTheSameRun_ContinuesOneVerifyingTrail_AndANewRunOpensAnother()
    {
        byte[] firstSession;
        await using (var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run }))
        {
            using (var node = BuildNode(researcher.Url))
                await AdmitOnceAsync(node);
            firstSession = File.ReadAllBytes(TrailOf(Run));
            // The node restarts (a new process would do the same): the run's trail is resumed, not started again.
            using (var node = BuildNode(researcher.Url))
            {
                await AdmitOnceAsync(node);
                await AdmitOnceAsync(node);
            }
        }
        await using (var next = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = "run-study-8" }))
        {
            using var node = BuildNode(next.Url);
            await AdmitOnceAsync(node);
        }

        Assert.Equal(firstSession, File.ReadAllBytes(TrailOf(Run)));
        var lines = File.ReadAllLines(TrailOf(Run));
        Assert.Single(lines, l => l.Contains("\"event\":\"trail.start\"", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("\"event\":\"policy\"", StringComparison.Ordinal));
        var newRun = File.ReadAllLines(TrailOf("run-study-8"));
        Assert.Contains("\"run\":\"run-study-8\"", newRun[0], StringComparison.Ordinal);
        Assert.Contains("\"event\":\"policy\"", newRun[1], StringComparison.Ordinal);
        foreach (var trail in new[] { TrailOf(Run), TrailOf("run-study-8") })
        {
            var report = AuditVerifier.Verify([trail], Roster);
            Assert.True(report.Clean, string.Join("\n", report.Findings));
        }
        Assert.Equal(4, _log.Count(NodeHost.ConnectedEvent));
    }

    public static TheoryData<string> HostileRunIds => new()
    {
        "../escape", "../../../../tmp/escape", "/tmp/escape", "a/b", "a\\b", "..", ".", ".hidden", "", "run\nforged", "run id", new string('r', 129),
    };

    [Theory]
    [MemberData(nameof(HostileRunIds))]
    public async Task HostileRunId_IsRefused_AndNothingIsWrittenOutsideTheNodesFolders(string runId)
    {
        await using var researcher = await ScriptedResearcher.StartAsync(new ResearcherEnvelope
        {
            Admitted = new Admitted { ResearcherId = "researcher", RunId = runId },
        });
        using var node = BuildNode(researcher.Url);

        var refused = await ConnectRefusingAsync(node);

        Assert.Contains("run id", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(0, _log.Count(NodeHost.ConnectedEvent));
        Assert.DoesNotContain(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories), f => !f.StartsWith(DataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/escape.audit.jsonl"));
        await Eventually.HoldsAsync(() => !researcher.Received.IsEmpty, TimeSpan.FromSeconds(10), "the researcher received the refusal");
        var refusal = Assert.Single(researcher.Received);
        Assert.Equal(("", "run-id-invalid"), (refusal.Refusal.ExperimentId, refusal.Refusal.ReasonCode));
        // The trail registry refuses it too, whoever asks.
        await Assert.ThrowsAsync<ArgumentException>(() => node.Services.GetRequiredService<NodeAuditTrails>().OpenAsync(runId, CancellationToken.None));
    }

    [Fact]
    public async Task ResearcherAnsweringTheHelloWithAnythingButAdmitted_IsAProtocolError()
    {
        await using var researcher = await ScriptedResearcher.StartAsync(new ResearcherEnvelope
        {
            RoundOutcome = new RoundOutcome { ExperimentId = "exp", Round = 1, Completed = true },
        });
        using var node = BuildNode(researcher.Url);

        var error = await ConnectRefusingAsync(node);

        Assert.Contains("'RoundOutcome'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Admitted'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _log.Count(NodeHost.ConnectedEvent));
        Assert.False(Directory.Exists(AuditDirectory), "a trail was opened without an admission");
    }

    [Theory]
    [InlineData("outsider")]
    [InlineData("impostor")]
    public async Task HelloThatFails_IsNeverAnsweredWithAdmitted(string who)
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run });
        using var signer = NodeIdentity.Generate(who == "outsider" ? "intruder" : _node.Id); // the impostor claims the member's id with its own key

        var (received, ended) = await RawHelloAsync(researcher.Url, signer);

        Assert.Equal(who == "outsider" ? StatusCode.PermissionDenied : StatusCode.Unauthenticated, Assert.IsType<RpcException>(ended).StatusCode);
        Assert.Empty(received);
        Assert.Null(researcher.Registry.Find(_node.Id));
    }

    [Fact]
    public async Task HelloThatVerifies_IsAnsweredWithAdmitted_NamingTheResearcherAndTheRun()
    {
        await using var researcher = await ResearcherHost.StartAsync(Roster, ResearcherHost.FreePort(), new ResearcherOptions { AuditRunId = Run });

        var (received, _) = await RawHelloAsync(researcher.Url, _node, readOne: true);

        var answer = Assert.Single(received);
        Assert.Equal(ResearcherEnvelope.BodyOneofCase.Admitted, answer.BodyCase);
        Assert.Equal(("researcher", Run), (answer.Admitted.ResearcherId, answer.Admitted.RunId));
    }

    /// <summary>Opens a stream by hand, answers the welcome with a hello signed by <paramref name="signer"/>, and returns what came back.</summary>
    private static async Task<(List<ResearcherEnvelope> Received, Exception? Ended)> RawHelloAsync(string url, NodeIdentity signer, bool readOne = false)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new FederationService.FederationServiceClient(channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var call = client.Connect(cancellationToken: timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var welcome = call.ResponseStream.Current.Welcome;
        await call.RequestStream.WriteAsync(new NodeEnvelope
        {
            Hello = new NodeHello
            {
                NodeId = signer.Id, Signature = ByteString.CopyFrom(signer.Sign(HelloSignature.Message(welcome.ResearcherId, signer.Id, welcome.Challenge.Span))),
            },
        }, timeout.Token);
        var received = new List<ResearcherEnvelope>();
        var ended = await Record.ExceptionAsync(async () =>
        {
            while ((!readOne || received.Count == 0) && await call.ResponseStream.MoveNext(timeout.Token)) received.Add(call.ResponseStream.Current);
        });
        return (received, ended);
    }
}
