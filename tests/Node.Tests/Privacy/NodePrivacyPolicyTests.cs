using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Privacy;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tasks;
using FedBioMed.Node.Tests.Infrastructure;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Node.Tests.Privacy;

/// <summary>The node's privacy policy wins over what the researcher asks, and its ledger survives restarts.</summary>
public sealed class NodePrivacyPolicyTests : IDisposable
{
    private const string Tag = "breast-cancer";

    private static readonly TrainingPlan Plan = new()
    {
        Model = ModelSpec.LogisticRegression(),
        Optimizer = OptimizerSpec.Sgd(0.5),
        LocalEpochs = 1,
        BatchSize = 32,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 1,
    };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ServiceProvider Node(NodePrivacyPolicy policy, TrainingPlan plan)
    {
        var options = new NodeOptions { NodeId = "hospital-a", ResearcherUrl = "http://127.0.0.1:1", DataDirectory = _dir.Path, Privacy = policy };
        var services = new ServiceCollection().AddFedBioMedNode(options).BuildServiceProvider();
        var datasets = services.GetRequiredService<DatasetStore>();
        if (datasets.Find("bcw") is null)
            datasets.Add(new DatasetRegistration("bcw", [Tag], DatasetKind.Csv, TestData.BreastCancerCsv, TargetColumn: TestData.BreastCancerTarget));
        services.GetRequiredService<PlanStore>().Approve(plan.Hash, plan.ToCanonicalJson());
        return services;
    }

    private static int Parameters(TrainingPlan plan)
    {
        using var trainer = LocalTrainer.Create(plan, [30], 2);
        return trainer.ParameterCount;
    }

    private static TrainingRequest Request(TrainingPlan plan, long round, bool secure = true, DpMsg? dp = null)
    {
        var encoding = EncodingConfig.WithLargestScale(3, 32, 100, 1000);
        var request = new TrainingRequest
        {
            ExperimentId = "exp", Round = round, PlanJson = plan.ToCanonicalJson(), PlanSha256 = plan.Hash, DatasetTag = Tag,
            ModelTransferId = "m", SecureAggregation = secure, WordBits = 32,
            Encoding = new EncodingMsg { ClipNorm = encoding.ClipNorm, Scale = encoding.Scale, MaxWeight = encoding.MaxWeight },
        };
        if (dp is not null) request.Dp = dp;
        return request;
    }

    private static DpMsg Dp(double noiseVariance, int dimension, int minNodes = 3) => new()
    {
        ClipNorm = 1, Scale = 1000, NoiseVariancePerNode = noiseVariance, Dimension = dimension,
        RotationSeed = ByteString.CopyFrom(new byte[32]), WordBits = 32, MinNodes = minNodes, MaxNodes = 3,
    };

    [Fact]
    public void RequestWithoutSecureAggregation_IsRefusedByDefault()
    {
        using var node = Node(new NodePrivacyPolicy(), Plan);
        var refused = Assert.Throws<TaskRefusedException>(() =>
            node.GetRequiredService<TrainingTaskHandler>().Handle(Request(Plan, 1, secure: false), new float[Parameters(Plan)]));
        Assert.Equal("policy-secure-aggregation", refused.Code);
    }

    [Fact]
    public void RequestWithoutNoise_IsRefusedWhenThePolicySetsABudget()
    {
        using var node = Node(new NodePrivacyPolicy { MaxEpsilon = 5 }, Plan);
        var refused = Assert.Throws<TaskRefusedException>(() =>
            node.GetRequiredService<TrainingTaskHandler>().Handle(Request(Plan, 1), new float[Parameters(Plan)]));
        Assert.Equal("policy-dp", refused.Code);
    }

    [Fact]
    public void RequestWithoutNoise_IsRefusedWhenThePolicySetsANoiseFloor()
    {
        using var node = Node(new NodePrivacyPolicy { MinNoiseMultiplier = 1.0 }, Plan);
        var refused = Assert.Throws<TaskRefusedException>(() =>
            node.GetRequiredService<TrainingTaskHandler>().Handle(Request(Plan, 1), new float[Parameters(Plan)]));
        Assert.Equal("policy-dp", refused.Code);
    }

    [Fact]
    public void StatisticsRequest_IsAcceptedUnderAnEpsilonCapAndANoiseFloor_AndRefusedWhenStatisticsAreOff()
    {
        // Round 0 is not priced in ε: the DP limits do not apply to it, only AllowFeatureStatistics (the audit verifier judges alike).
        var statistics = Request(Plan, 0);
        statistics.StatisticsOnly = true;
        statistics.WordBits = 64;
        using (var node = Node(new NodePrivacyPolicy { MaxEpsilon = 1, MinNoiseMultiplier = 1, RequireDifferentialPrivacy = true }, Plan))
        {
            var outcome = node.GetRequiredService<TrainingTaskHandler>().Handle(statistics, new float[Parameters(Plan)]);
            Assert.NotNull(outcome.EncodedUpdate);
            Assert.Null(outcome.Dp);
            Assert.Equal(0, node.GetRequiredService<PrivacyLedger>().EpsilonSpent("bcw", 1e-5));
        }
        using (var node = Node(new NodePrivacyPolicy { AllowFeatureStatistics = false }, Plan))
        {
            var refused = Assert.Throws<TaskRefusedException>(() => node.GetRequiredService<TrainingTaskHandler>().Handle(statistics, new float[Parameters(Plan)]));
            Assert.Equal("policy-statistics", refused.Code);
        }
    }

    [Fact]
    public void ResearcherCannotLowerTheNoiseBelowTheNodesMinimum()
    {
        var d = Parameters(Plan);
        using var node = Node(new NodePrivacyPolicy { MinNoiseMultiplier = 1.0 }, Plan);
        // σ_total² = 3·σ²_node; Δ₂ = s·C + √D = 1000 + √64: z ≈ 0.5 with σ²_node = (0.5·1008)²/3.
        var weak = Dp(noiseVariance: Math.Pow(0.5 * 1008, 2) / 3, dimension: d);
        var refused = Assert.Throws<TaskRefusedException>(() =>
            node.GetRequiredService<TrainingTaskHandler>().Handle(Request(Plan, 1, dp: weak), new float[d]));
        Assert.Equal("policy-noise", refused.Code);
        Assert.Contains("below this node's minimum 1", refused.Message);
    }

    [Fact]
    public void Budget_IsSpentRoundByRound_RefusedWhenExceeded_AndSurvivesARestart()
    {
        var d = Parameters(Plan);
        var dp = Dp(noiseVariance: Math.Pow(2.0 * 1008, 2) / 3, dimension: d); // z ≈ 2 over 3 nodes
        var rho = DistributedDiscreteGaussian.Rho(1000 + Math.Sqrt(64), Math.Sqrt(dp.NoiseVariancePerNode), 3, 64);
        var perRound = DistributedDiscreteGaussian.Epsilon(rho, 1e-5);
        var twoRounds = DistributedDiscreteGaussian.Epsilon(2 * rho, 1e-5);
        var policy = new NodePrivacyPolicy { MaxEpsilon = (twoRounds + DistributedDiscreteGaussian.Epsilon(3 * rho, 1e-5)) / 2 };

        using (var node = Node(policy, Plan))
        {
            var handler = node.GetRequiredService<TrainingTaskHandler>();
            var first = handler.Handle(Request(Plan, 1, dp: dp), new float[d]);
            Assert.Equal(perRound, first.Reply.EpsilonSpent, 3);
            Assert.Equal(3, first.MinimumThreshold); // the node will refuse a SecAgg round that could complete with fewer
            Assert.Equal(1, first.Reply.Weight);
        }
        using (var restarted = Node(policy, Plan))
        {
            var handler = restarted.GetRequiredService<TrainingTaskHandler>();
            Assert.Equal(perRound, restarted.GetRequiredService<PrivacyLedger>().EpsilonSpent("bcw", 1e-5), 3);
            Assert.Equal(twoRounds, handler.Handle(Request(Plan, 2, dp: dp), new float[d]).Reply.EpsilonSpent, 3);
            var refused = Assert.Throws<TaskRefusedException>(() => handler.Handle(Request(Plan, 3, dp: dp), new float[d]));
            Assert.Equal("privacy-budget", refused.Code);
            Assert.Contains("dataset 'bcw'", refused.Message);
            Assert.Equal(twoRounds, restarted.GetRequiredService<PrivacyLedger>().EpsilonSpent("bcw", 1e-5), 3);
        }
    }

    [Fact]
    public void DpSgdRound_IsPricedAsTheSampledGaussianOfItsSteps()
    {
        var plan = Plan with { DifferentialPrivacy = DifferentialPrivacySpec.Poisson(1.5, 1.0), Preprocessing = PreprocessingKind.Standardize };
        using var node = Node(new NodePrivacyPolicy { MaxEpsilon = 100 }, plan);
        var outcome = node.GetRequiredService<TrainingTaskHandler>().Handle(Request(plan, 1), new float[Parameters(plan)]);

        var train = (int)outcome.Reply.Weight;
        var steps = (train + 31) / 32;
        var expected = RdpAccountant.Epsilon(1.5, steps, 1e-5, 32.0 / train);
        Assert.Equal(expected, outcome.Reply.EpsilonSpent, 6);
    }
}
