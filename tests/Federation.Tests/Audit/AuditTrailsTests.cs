using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

public sealed class AuditTrailsTests
{
    [Fact]
    public void TryGet_AfterATrailIsRemovedOrReplaced_NeverHandsBackTheOldOne()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        AuditTrailWriter Writer(string file) => new(dir.File(file), "node-a", identity.Sign, identity.PublicKey, "run-1", new StepClock());
        using var trails = new AuditTrails();
        using var first = Writer("first.jsonl");
        trails.Add(first);

        // Asked twice, the same trail.
        Assert.True(trails.TryGet("node-a", "run-1", out var found));
        Assert.Same(first, found);
        Assert.True(trails.TryGet("node-a", "run-1", out found));
        Assert.Same(first, found);
        Assert.False(trails.TryGet("node-a", "run-2", out _));
        Assert.False(trails.TryGet("node-b", "run-1", out _));

        Assert.True(trails.TryRemove("node-a", "run-1", out var removed));
        Assert.Same(first, removed);
        Assert.False(trails.TryGet("node-a", "run-1", out _)); // not the removed trail

        var second = Writer("second.jsonl");
        trails.Add(second);
        Assert.True(trails.TryGet("node-a", "run-1", out found));
        Assert.Same(second, found);

        trails.Dispose();
        Assert.False(trails.TryGet("node-a", "run-1", out _));
        Assert.Throws<ObjectDisposedException>(() => second.Append(AuditEvents.DpSpent, "exp", 1, null, new Dictionary<string, string>()));
        first.Append(AuditEvents.DpSpent, "exp", 1, null, new Dictionary<string, string>()); // removed: still open, its caller closes it
    }
}
