using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation.Internal;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Aggregation.SecureAggregation.Client;

/// <summary>Everything one node knows during one round; the secrets are wiped when the round ends.</summary>
internal sealed class ClientRoundState(NodeIdentity identity, Roster roster, SecAggClientPolicy policy, IRoundReplayGuard replayGuard, ReadOnlyMemory<byte> input)
{
    public NodeIdentity Identity { get; } = identity;
    public string Id => Identity.Id;
    public Roster Roster { get; } = roster;
    public SecAggClientPolicy Policy { get; } = policy;
    public IRoundReplayGuard ReplayGuard { get; } = replayGuard;
    public ReadOnlyMemory<byte> Input { get; } = input;

    public SecAggStage Stage { get; set; } = SecAggStage.AdvertiseKeys;
    public SecAggConfig? Config { get; set; }

    /// <summary>The cohort as a set, for O(1) membership checks in large rounds.</summary>
    public HashSet<string> CohortSet { get; } = new(StringComparer.Ordinal);
    public RoundHeader Header => Config!.Header;
    public NeighbourGraph? Graph { get; set; }

    /// <summary><see cref="SecAggKdf.ConfigDigest"/> of <see cref="Config"/>, computed once: it hashes the whole cohort.</summary>
    public byte[]? ConfigDigest { get; set; }

    public byte[] ChannelPrivateKey { get; } = new byte[32];
    public byte[] ChannelPublicKey { get; } = new byte[32];
    public byte[] MaskingPrivateKey { get; } = new byte[32];
    public byte[] MaskingPublicKey { get; } = new byte[32];
    public byte[] SelfMaskSeed { get; } = new byte[32];

    /// <summary>Verified advertisements of this node's holders (itself included): U1 as this node saw it.</summary>
    public Dictionary<string, KeyAdvertisement> Advertised { get; } = new(StringComparer.Ordinal);

    /// <summary>Shares this node holds, by owner (itself included): the owners are U2 as this node saw it.</summary>
    public Dictionary<string, SharePayload> HeldShares { get; } = new(StringComparer.Ordinal);

    /// <summary>The survivor set this node signed in the consistency check.</summary>
    public IReadOnlyList<string>? SignedSurvivors { get; set; }

    public int Threshold => Config!.Threshold;

    public void RequireHeader(SecAggMessage message)
    {
        if (!Header.Matches(message.Header))
            throw new SecAggRefusedException(RefusalReason.WrongSession,
                $"{message.GetType().Name} is for {message.Header}, this round is {Header}");
    }

    public void WipeSecrets()
    {
        CryptographicOperations.ZeroMemory(ChannelPrivateKey);
        CryptographicOperations.ZeroMemory(MaskingPrivateKey);
        CryptographicOperations.ZeroMemory(SelfMaskSeed);
        foreach (var payload in HeldShares.Values)
        {
            CryptographicOperations.ZeroMemory(payload.SelfMaskSeedShare.Value);
            CryptographicOperations.ZeroMemory(payload.MaskingKeyShare.Value);
        }
        HeldShares.Clear();
    }
}
