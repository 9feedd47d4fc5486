using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tasks;
using FedBioMed.Node.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Node.Tests.Tasks;

/// <summary>The node's decision on a training request, against a real SQLite store and the real BCW data.</summary>
public sealed class TrainingTaskHandlerTests : IDisposable
{
    private const string Tag = "breast-cancer";
    private const int Features = 30;

    private static readonly TrainingPlan Plan = new()
    {
        Model = ModelSpec.LogisticRegression(),
        Optimizer = OptimizerSpec.Adam(0.05),
        LocalEpochs = 1,
        BatchSize = 16,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 42,
    };

    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services;
    private readonly PlanStore _plans;
    private readonly TrainingTaskHandler _handler;

    public TrainingTaskHandlerTests()
    {
        // Wired as the node wires it, so the handler gets whatever else the node gives it.
        var options = new NodeOptions { NodeId = "hospital-a", ResearcherUrl = "http://127.0.0.1:1", DataDirectory = _dir.Path };
        _services = new ServiceCollection().AddFedBioMedNode(options).BuildServiceProvider();
        _services.GetRequiredService<DatasetStore>().Add(
            new DatasetRegistration("bcw", [Tag], DatasetKind.Csv, TestData.BreastCancerCsv, TargetColumn: TestData.BreastCancerTarget));
        _plans = _services.GetRequiredService<PlanStore>();
        _handler = _services.GetRequiredService<TrainingTaskHandler>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private static int ParameterCount { get; } = CountParameters();

    private static int CountParameters()
    {
        using var trainer = LocalTrainer.Create(Plan, [Features], 2);
        return trainer.ParameterCount;
    }

    private static TrainingRequest Request(TrainingPlan plan, string? announcedHash = null, string tag = Tag)
    {
        var encoding = EncodingConfig.WithLargestScale(3, 32, 100, 1000);
        return new TrainingRequest
        {
            ExperimentId = "exp", Round = 1, PlanJson = plan.ToCanonicalJson(), PlanSha256 = announcedHash ?? plan.Hash,
            DatasetTag = tag, ModelTransferId = "exp/1/model", SecureAggregation = true, WordBits = 32,
            Encoding = new EncodingMsg { ClipNorm = encoding.ClipNorm, Scale = encoding.Scale, MaxWeight = encoding.MaxWeight },
        };
    }

    private TrainingTaskHandler.Outcome Handle(TrainingRequest request) => _handler.Handle(request, new float[ParameterCount]);

    [Fact]
    public void TrainingRequest_WithUnseenPlan_IsRefusedNamingTheHash_AndThePlanIsListedAsPending()
    {
        var refused = Assert.Throws<TaskRefusedException>(() => Handle(Request(Plan)));

        Assert.Equal("plan-not-approved", refused.Code);
        Assert.Contains(Plan.Hash, refused.Message, StringComparison.Ordinal);
        Assert.Contains("not approved", refused.Message, StringComparison.Ordinal);
        var seen = Assert.Single(_plans.List());
        Assert.Equal((Plan.Hash, PlanStatus.Pending, Plan.ToCanonicalJson()), (seen.Hash, seen.Status, seen.Json));
    }

    [Fact]
    public void TrainingRequest_AfterTheOperatorApprovesThePendingPlan_TrainsAndEncodesAnUpdate()
    {
        Assert.Throws<TaskRefusedException>(() => Handle(Request(Plan)));
        Assert.True(_plans.SetStatus(Plan.Hash, PlanStatus.Approved));

        var outcome = Handle(Request(Plan));

        var reply = outcome.Reply;
        Assert.True(reply.Ready);
        Assert.Equal(("exp", 1L), (reply.ExperimentId, reply.Round));
        Assert.InRange(reply.Weight, 400, 500); // 80% of 569 patients; the rest is held out for validation
        Assert.InRange(reply.ValidationSamples, 100, 130);
        Assert.True(double.IsFinite(reply.TrainLoss) && reply.TrainLoss > 0, $"train loss {reply.TrainLoss}");
        Assert.NotNull(outcome.EncodedUpdate);
        Assert.Equal(EncodingConfig.VectorLength(ParameterCount) * sizeof(int), outcome.EncodedUpdate.Length);
        Assert.Contains(outcome.EncodedUpdate, b => b != 0);
        Assert.Equal(PlanStatus.Approved, Assert.Single(_plans.List()).Status);
    }

    [Fact]
    public void TrainingRequest_WithRejectedPlan_IsRefusedSayingSo()
    {
        _plans.Approve(Plan.Hash, Plan.ToCanonicalJson());
        _plans.SetStatus(Plan.Hash, PlanStatus.Rejected);

        var refused = Assert.Throws<TaskRefusedException>(() => Handle(Request(Plan)));

        Assert.Equal("plan-not-approved", refused.Code);
        Assert.Contains($"{Plan.Hash} is rejected", refused.Message, StringComparison.Ordinal);
        Assert.Equal(PlanStatus.Rejected, _plans.StatusOf(Plan.Hash));
    }

    [Fact]
    public void TrainingRequest_WhosePlanJsonHashesToAnotherThanTheAnnounced_IsRefusedAndNothingIsRecorded()
    {
        var announced = Plan with { Seed = 43 };
        _plans.Approve(announced.Hash, announced.ToCanonicalJson());

        var refused = Assert.Throws<TaskRefusedException>(() => Handle(Request(Plan, announcedHash: announced.Hash)));

        Assert.Equal("bad-plan", refused.Code);
        Assert.Contains($"hashes to {Plan.Hash}, not the announced {announced.Hash}", refused.Message, StringComparison.Ordinal);
        Assert.Equal([announced.Hash], _plans.List().Select(p => p.Hash));
    }

    [Fact]
    public void TrainingRequest_WithPlanJsonThatIsNotAPlan_IsRefusedAsABadPlan()
    {
        var request = Request(Plan);
        request.PlanJson = """{"format":"fedbiomed.training-plan/1","model":{"kind":"mlp"}}""";

        var refused = Assert.Throws<TaskRefusedException>(() => Handle(request));

        Assert.Equal("bad-plan", refused.Code);
        Assert.Contains("plan.model.hidden", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_plans.List());
    }

    [Fact]
    public void TrainingRequest_ForATagNoDatasetCarries_IsRefusedNamingTheTag()
    {
        _plans.Approve(Plan.Hash, Plan.ToCanonicalJson());

        var refused = Assert.Throws<TaskRefusedException>(() => Handle(Request(Plan, tag: "lung-cancer")));

        Assert.Equal("no-dataset", refused.Code);
        Assert.Contains("'lung-cancer'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingRequest_WithAGlobalModelOfTheWrongSize_IsRefusedNamingBothSizes()
    {
        _plans.Approve(Plan.Hash, Plan.ToCanonicalJson());

        var refused = Assert.Throws<TaskRefusedException>(() => _handler.Handle(Request(Plan), new float[ParameterCount + 1]));

        Assert.Equal("bad-model", refused.Code);
        Assert.Contains($"{ParameterCount + 1} parameters", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"needs {ParameterCount}", refused.Message, StringComparison.Ordinal);
    }
}
