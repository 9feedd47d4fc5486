using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Tests.Infrastructure;
using FedBioMed.Federation.Wire;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>
/// Rounds without secure aggregation (and round-0 feature statistics) recorded as the researcher
/// (<c>ExperimentRunner</c>, <c>TrainingCollector</c>) and the node (<c>NodeConnection</c>) record them: an honest
/// round verifies clean, and each lie or policy breach is exactly one finding on the record that shows it.
/// </summary>
public sealed class PlainRoundTrailTests
{
    private const string Victim = "node-b";

    [Fact]
    public void Verify_HonestPlainRounds_StatisticsThenTraining_HaveNoFindings()
    {
        using var trails = new PlainTrails(new AuditPolicy(MinThreshold: 2));
        trails.Round(0, AuditTasks.Statistics);
        trails.Round(1, AuditTasks.Train);
        AssertClean(trails.Verify());
    }

    [Fact]
    public void Verify_WhenANodeIsToldAnotherGlobalModel_IsOneModelFinding_OnItsRoundResult()
    {
        using var trails = new PlainTrails();
        trails.Round(1, AuditTasks.Train, modelShownTo: node => node == Victim ? new string('e', 64) : null);
        var finding = Single(trails.Verify(), AuditRules.Model);
        Assert.Equal(trails.TrailOf(Victim), finding.TrailFile);
        Assert.Contains($"'{Victim}' holds global model eeeeeeeeeeee", finding.Message);
    }

    [Fact]
    public void Verify_WhenTheResearcherRecordsAnotherUpdateThanTheNodeSent_IsOneMessageFinding()
    {
        using var trails = new PlainTrails();
        trails.Round(1, AuditTasks.Train, updateReceivedFrom: node => node == Victim ? new string('d', 64) : null);
        var finding = Single(trails.Verify(), AuditRules.Message);
        Assert.Equal(trails.TrailOf(PlainTrails.ResearcherId), finding.TrailFile);
        Assert.Contains($"received PlainUpdate from '{Victim}' with sha256 dddddddddddd", finding.Message);
    }

    [Fact]
    public void Verify_WhenANodeReceivedAnotherTrainingRequest_IsAMessageAndAParametersFinding_OnlyForThatNode()
    {
        using var trails = new PlainTrails();
        trails.Round(1, AuditTasks.Train, requestReceivedBy: node => node == Victim ? new TrainingRequest { ExperimentId = "exp", Round = 1, WordBits = 32, PlanSha256 = "other" } : null);
        var findings = trails.Verify().Findings;
        Assert.Equal([AuditRules.Message, AuditRules.Parameters], findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(trails.TrailOf(Victim), f.TrailFile));
    }

    [Fact]
    public void Verify_WhenANodeWhosePolicyRequiresSecAggTookPartInAPlainRound_IsOnePolicyFinding()
    {
        using var trails = new PlainTrails(policyOf: node => node == Victim ? new AuditPolicy(RequireSecAgg: true) : new AuditPolicy());
        trails.Round(1, AuditTasks.Train);
        var finding = Single(trails.Verify(), AuditRules.Policy);
        Assert.Equal(trails.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("no secure aggregation and the policy requires it", finding.Message);
    }

    [Fact]
    public void Verify_WhenANodeRequiringSecAggSendsItsUpdateInTheClear_InARoundItCallsSecure_IsOnePolicyFinding()
    {
        using var trails = new PlainTrails(policyOf: _ => new AuditPolicy(RequireSecAgg: true));
        trails.Round(1, AuditTasks.Train, secAggClaimedBy: node => node == Victim);
        // The others' plain round.start shows their breach; the victim's (a SecAgg config nobody else holds) is
        // a parameters finding, and its update in the clear is the policy finding.
        var findings = trails.Verify().Findings.Where(f => f.TrailFile == trails.TrailOf(Victim)).ToArray();
        Assert.Equal([AuditRules.Parameters, AuditRules.Policy], findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
        var policy = Assert.Single(findings, f => f.Rule == AuditRules.Policy);
        Assert.Contains("sent its update in the clear although its policy requires secure aggregation", policy.Message);
    }

    [Fact]
    public void Verify_StatisticsRound_UnderAnEpsilonCap_IsNotAPolicyViolation()
    {
        // Round 0 carries no DP noise and no ε prices it: the node accepts it on AllowFeatureStatistics, and so does the verifier.
        using var trails = new PlainTrails(new AuditPolicy(MaxEpsilon: 3, MinNoiseMultiplier: 1, RequireDp: true));
        trails.Round(0, AuditTasks.Statistics);
        trails.Round(1, AuditTasks.Train, dp: new AuditDpParameters(1.2, 1, Epsilon: 2.5, Delta: 1e-5));
        AssertClean(trails.Verify());
    }

    [Fact]
    public void Verify_StatisticsRound_WhenThePolicyDisallowsStatistics_IsOnePolicyFinding()
    {
        using var trails = new PlainTrails(policyOf: node => new AuditPolicy(AllowFeatureStatistics: node != Victim));
        trails.Round(0, AuditTasks.Statistics);
        var finding = Single(trails.Verify(), AuditRules.Policy);
        Assert.Equal(trails.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("does not allow federated feature statistics", finding.Message);
    }

    [Fact]
    public void Verify_TrainingRoundWithoutNoise_UnderAnEpsilonCap_IsStillOnePolicyFinding()
    {
        using var trails = new PlainTrails(policyOf: node => node == Victim ? new AuditPolicy(MaxEpsilon: 3) : new AuditPolicy());
        trails.Round(0, AuditTasks.Statistics);
        trails.Round(1, AuditTasks.Train);
        var finding = Single(trails.Verify(), AuditRules.Policy);
        Assert.Equal(trails.TrailOf(Victim), finding.TrailFile);
        Assert.Contains("round 1, 'node-b' took part although the round adds no DP noise and its policy requires differential privacy (max ε 3)", finding.Message);
    }

    private static void AssertClean(AuditReport report) => Assert.True(report.Clean, string.Join(Environment.NewLine, report.Findings));

    private static AuditFinding Single(AuditReport report, string rule)
    {
        var finding = Assert.Single(report.Findings);
        Assert.Equal(rule, finding.Rule);
        return finding;
    }

    /// <summary>Three nodes and a researcher writing plain rounds the way the production code does.</summary>
    private sealed class PlainTrails : IDisposable
    {
        public const string ResearcherId = "researcher";
        private static readonly string[] Nodes = ["node-a", "node-b", "node-c"];
        private readonly TempDirectory _dir = new();
        private readonly Dictionary<string, (NodeIdentity Identity, AuditTrailWriter Writer, AuditRecorder Audit)> _parties = new(StringComparer.Ordinal);

        public PlainTrails(AuditPolicy? policy = null, Func<string, AuditPolicy>? policyOf = null)
        {
            foreach (var id in Nodes.Prepend(ResearcherId))
            {
                var identity = NodeIdentity.Generate(id);
                var writer = new AuditTrailWriter(TrailOf(id), id, identity.Sign, identity.PublicKey, "run-1", new StepClock(),
                    new AuditTrailOptions { Role = id == ResearcherId ? AuditRoles.Researcher : AuditRoles.Node });
                var audit = new AuditRecorder(writer);
                if (id != ResearcherId) audit.Policy(policyOf?.Invoke(id) ?? policy ?? new AuditPolicy());
                _parties[id] = (identity, writer, audit);
            }
        }

        public string TrailOf(string participant) => Path.Combine(_dir.Path, AuditTrails.FileName(participant));

        /// <summary>
        /// One completed round. The hooks make one party record what an honest one would not: the model hash a
        /// node is told, the update digest the researcher records, the request a node got, a node's secure-aggregation claim.
        /// </summary>
        public void Round(long round, string task, Func<string, string?>? modelShownTo = null, Func<string, string?>? updateReceivedFrom = null,
            Func<string, TrainingRequest?>? requestReceivedBy = null, Func<string, bool>? secAggClaimedBy = null, AuditDpParameters? dp = null)
        {
            var researcher = _parties[ResearcherId].Audit;
            var request = new TrainingRequest { ExperimentId = "exp", Round = round, WordBits = task == AuditTasks.Statistics ? 64 : 32, StatisticsOnly = task == AuditTasks.Statistics, PlanSha256 = "plan" };
            var modelSha = AuditDigest.Bytes([1, 2, 3, (byte)round]);
            var requestSha = AuditDigest.TrainingRequest(request, modelSha);
            researcher.RoundStart("exp", round, task, requestSha, request.WordBits, Nodes);
            foreach (var node in Nodes)
            {
                researcher.Sent("exp", round, null, AuditMessageTypes.TrainingRequest, requestSha, node);
                var audit = _parties[node].Audit;
                var received = requestReceivedBy?.Invoke(node) is { } other ? AuditDigest.TrainingRequest(other, modelSha) : requestSha;
                audit.Received("exp", round, null, AuditMessageTypes.TrainingRequest, received, ResearcherId);
                if (secAggClaimedBy?.Invoke(node) == true)
                    audit.RoundStart(new SecAggConfig
                    {
                        Header = new RoundHeader("exp", round, new byte[32]), Cohort = Nodes, Threshold = 2, NeighbourDegree = 2,
                        VectorLength = 4, WordBits = 32, MaxAbsInput = 1,
                    }, dp, task);
                else
                    audit.RoundStart("exp", round, task, received, request.WordBits, dp: task == AuditTasks.Train ? dp : null);
                var reply = new TrainingReply { ExperimentId = "exp", Round = round, Ready = true, Weight = 10 };
                audit.Sent("exp", round, null, AuditMessageTypes.TrainingReply, AuditDigest.TrainingReply(reply), ResearcherId);
                researcher.Received("exp", round, null, AuditMessageTypes.TrainingReply, AuditDigest.TrainingReply(reply), node);
                var update = AuditDigest.PlainUpdate("exp", round, node, System.Security.Cryptography.SHA256.HashData([(byte)node[^1], (byte)round]));
                audit.Sent("exp", round, null, AuditMessageTypes.PlainUpdate, update, ResearcherId, 4);
                researcher.Received("exp", round, null, AuditMessageTypes.PlainUpdate, updateReceivedFrom?.Invoke(node) ?? update, node, 4);
            }
            var result = AuditDigest.Bytes([9, (byte)round]);
            researcher.RoundResult("exp", round, null, result, Nodes, []);
            foreach (var node in Nodes)
            {
                // A researcher that tells one node another result records what it told.
                var shown = modelShownTo?.Invoke(node) ?? result;
                researcher.Sent("exp", round, null, AuditMessageTypes.GlobalModel, shown, node);
                _parties[node].Audit.Received("exp", round, null, AuditMessageTypes.GlobalModel, shown, ResearcherId);
                _parties[node].Audit.RoundResult("exp", round, null, shown, Nodes);
            }
        }

        public AuditReport Verify()
        {
            foreach (var party in _parties.Values) party.Writer.Dispose();
            return AuditVerifier.Verify(_parties.Keys.Select(TrailOf));
        }

        public void Dispose()
        {
            foreach (var party in _parties.Values)
            {
                party.Writer.Dispose();
                party.Identity.Dispose();
            }
            _dir.Dispose();
        }
    }
}
