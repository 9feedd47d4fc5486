using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tests.Infrastructure;

namespace FedBioMed.Node.Tests.Storage;

public sealed class SqliteRoundReplayGuardTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private SqliteRoundReplayGuard OpenGuard() => new(new NodeDatabase(_dir.File("node.db")));

    private static RoundHeader Header(string experiment, long round, byte[]? session = null) =>
        new(experiment, round, session ?? RandomNumberGenerator.GetBytes(RoundHeader.SessionIdSize));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TryBegin_FreshSessionsOnIncreasingRounds_AreAccepted()
    {
        var guard = OpenGuard();

        Assert.True(guard.TryBegin(Header("exp", 1), out var reason), reason);
        Assert.True(guard.TryBegin(Header("exp", 2), out reason), reason);
        Assert.True(guard.TryBegin(Header("exp", 7), out reason), reason);
        Assert.Equal("", reason);
    }

    [Fact]
    public void TryBegin_ReusedSession_IsRefusedEvenForALaterRound()
    {
        var guard = OpenGuard();
        var session = RandomNumberGenerator.GetBytes(RoundHeader.SessionIdSize);
        Assert.True(guard.TryBegin(Header("exp", 1, session), out _));

        Assert.False(guard.TryBegin(Header("exp", 2, session), out var reason));
        Assert.Contains(Convert.ToHexStringLower(session)[..8], reason, StringComparison.Ordinal);
        Assert.Contains("already used", reason, StringComparison.Ordinal);
        Assert.False(guard.TryBegin(Header("other-experiment", 1, session), out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(0)]
    public void TryBegin_RoundNotAfterTheLastOne_IsRefusedNamingBothRounds(long round)
    {
        var guard = OpenGuard();
        Assert.True(guard.TryBegin(Header("exp", 3), out _));

        Assert.False(guard.TryBegin(Header("exp", round), out var reason));
        Assert.Contains($"round {round} of experiment 'exp' is not after round 3", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBegin_RoundsOfDifferentExperiments_AreIndependent()
    {
        var guard = OpenGuard();
        Assert.True(guard.TryBegin(Header("a", 5), out _));

        Assert.True(guard.TryBegin(Header("b", 1), out var reason), reason);
    }

    [Fact]
    public void TryBegin_AfterANodeRestart_StillRefusesTheReplayedSessionAndOldRound()
    {
        var session = RandomNumberGenerator.GetBytes(RoundHeader.SessionIdSize);
        Assert.True(OpenGuard().TryBegin(Header("exp", 4, session), out _));

        var restarted = OpenGuard();

        Assert.False(restarted.TryBegin(Header("exp", 5, session), out var reason));
        Assert.Contains("already used", reason, StringComparison.Ordinal);
        Assert.False(restarted.TryBegin(Header("exp", 4), out reason));
        Assert.Contains("not after round 4", reason, StringComparison.Ordinal);
        Assert.True(restarted.TryBegin(Header("exp", 5), out reason), reason);
    }
}
