using FedBioMed.Node.Storage;
using FedBioMed.Node.Tests.Infrastructure;

namespace FedBioMed.Node.Tests.Storage;

public sealed class PlanStoreTests : IDisposable
{
    private const string Hash = "aa11";
    private const string Json = """{"plan":1}""";
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private PlanStore OpenStore() => new(new NodeDatabase(_dir.File("node.db")), _clock);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RecordSeen_UnknownPlan_IsStoredAsPendingWithItsJsonAndTime()
    {
        var store = OpenStore();

        store.RecordSeen(Hash, Json);

        var plan = Assert.Single(store.List());
        Assert.Equal(new StoredPlan(Hash, Json, PlanStatus.Pending, _clock.Now), plan);
        Assert.Equal(PlanStatus.Pending, store.StatusOf(Hash));
        Assert.Null(store.StatusOf("unknown"));
    }

    [Theory]
    [InlineData(PlanStatus.Approved)]
    [InlineData(PlanStatus.Rejected)]
    public void RecordSeen_AgainAfterTheOperatorDecided_KeepsTheDecision(PlanStatus decision)
    {
        var store = OpenStore();
        store.RecordSeen(Hash, Json);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(store.SetStatus(Hash, decision));
        var decidedAt = _clock.Now;
        _clock.Advance(TimeSpan.FromMinutes(1));

        store.RecordSeen(Hash, Json);

        var plan = Assert.Single(store.List());
        Assert.Equal((decision, decidedAt), (plan.Status, plan.UpdatedAt));
    }

    [Fact]
    public void RecordSeen_AfterApprove_NeverDowngradesTheApprovedPlan()
    {
        var store = OpenStore();
        store.Approve(Hash, Json);

        store.RecordSeen(Hash, Json);

        Assert.Equal(PlanStatus.Approved, store.StatusOf(Hash));
    }

    [Fact]
    public void Approve_PendingPlan_ApprovesItWithoutADuplicate()
    {
        var store = OpenStore();
        store.RecordSeen(Hash, Json);
        _clock.Advance(TimeSpan.FromSeconds(5));

        store.Approve(Hash, Json);

        var plan = Assert.Single(store.List());
        Assert.Equal((PlanStatus.Approved, _clock.Now), (plan.Status, plan.UpdatedAt));
    }

    [Fact]
    public void SetStatus_UnknownHash_ReturnsFalseAndStoresNothing()
    {
        var store = OpenStore();

        Assert.False(store.SetStatus(Hash, PlanStatus.Approved));
        Assert.Empty(store.List());
    }

    [Fact]
    public void SetStatus_CanRevokeAnApproval()
    {
        var store = OpenStore();
        store.Approve(Hash, Json);

        Assert.True(store.SetStatus(Hash, PlanStatus.Rejected));

        Assert.Equal(PlanStatus.Rejected, store.StatusOf(Hash));
    }

    [Fact]
    public void Decisions_SurviveReopeningTheDatabaseFile()
    {
        var first = OpenStore();
        first.RecordSeen("pending", Json);
        first.RecordSeen("approved", Json);
        first.SetStatus("approved", PlanStatus.Approved);
        first.Approve("rejected", Json);
        first.SetStatus("rejected", PlanStatus.Rejected);

        var reopened = OpenStore();

        Assert.Equal(PlanStatus.Pending, reopened.StatusOf("pending"));
        Assert.Equal(PlanStatus.Approved, reopened.StatusOf("approved"));
        Assert.Equal(PlanStatus.Rejected, reopened.StatusOf("rejected"));
        reopened.RecordSeen("approved", Json);
        Assert.Equal(PlanStatus.Approved, reopened.StatusOf("approved"));
    }
}
