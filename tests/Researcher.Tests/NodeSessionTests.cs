using System.Diagnostics;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Transport;

namespace FedBioMed.Researcher.Tests;

/// <summary>
/// A node's outbound queue when the node stops reading its stream: the send gives up after the send timeout and drops
/// the node, instead of holding up the round (and every other node's messages) for as long as the node stays silent.
/// </summary>
public sealed class NodeSessionTests
{
    // The queue holds 64 messages; nothing reads it in these tests unless a test drains it.
    private const int QueueCapacity = 64;

    private static ResearcherEnvelope Message(int i) => new() { RoundOutcome = new RoundOutcome { ExperimentId = "exp", Round = i } };

    [Fact]
    public async Task Send_ToANodeThatStoppedReading_GivesUpAfterTheTimeout_AndDropsTheNode()
    {
        var registry = new NodeRegistry(new ResearcherOptions { SendTimeout = TimeSpan.FromMilliseconds(300) });
        var session = registry.Register("node-a", []);
        for (var i = 0; i < QueueCapacity; i++) Assert.True(await session.SendAsync(Message(i), CancellationToken.None));

        var clock = Stopwatch.StartNew();
        // Bounded here, so that a send that never gives up fails the test instead of hanging it.
        var sent = await session.SendAsync(Message(QueueCapacity), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(sent);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.True(session.TimedOut);
        Assert.False(session.IsConnected);
        Assert.True(session.Closed.IsCancellationRequested); // ends the node's stream
        Assert.Null(registry.Find("node-a"));
        // Later sends fail at once (synchronously) instead of waiting again.
        var later = session.SendAsync(Message(0), CancellationToken.None);
        Assert.True(later.IsCompleted);
        Assert.False(await later);
    }

    [Fact]
    public async Task Send_ToANodeThatReads_NeverTimesOut()
    {
        // Long enough that a reader starved by a loaded machine (the other test assemblies run alongside) still keeps up.
        var registry = new NodeRegistry(new ResearcherOptions { SendTimeout = TimeSpan.FromSeconds(30) });
        var session = registry.Register("node-a", []);
        var received = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var _ in session.Outbound.ReadAllAsync())
            {
                received++;
                await Task.Delay(1); // a reader slower than the sender: the queue fills and waits, briefly
            }
        });

        for (var i = 0; i < 4 * QueueCapacity; i++) Assert.True(await session.SendAsync(Message(i), CancellationToken.None), $"message {i} was not sent");

        Assert.False(session.TimedOut);
        Assert.True(session.IsConnected);
        session.Close();
        await reader;
        Assert.Equal(4 * QueueCapacity, received);
    }

    [Fact]
    public async Task Send_CancelledByTheCaller_Throws_AndKeepsTheNode()
    {
        var registry = new NodeRegistry(new ResearcherOptions { SendTimeout = TimeSpan.FromMinutes(5) });
        var session = registry.Register("node-a", []);
        for (var i = 0; i < QueueCapacity; i++) Assert.True(await session.SendAsync(Message(i), CancellationToken.None));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await session.SendAsync(Message(QueueCapacity), cancel.Token));

        Assert.False(session.TimedOut);
        Assert.True(session.IsConnected);
        Assert.Same(session, registry.Find("node-a"));
    }

    [Fact]
    public void SendTimeout_MustBePositive()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResearcherOptions { SendTimeout = TimeSpan.Zero }.Validate());

        Assert.Contains("Researcher:SendTimeout", error.Message);
    }
}
