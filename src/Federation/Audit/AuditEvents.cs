namespace FedBioMed.Federation.Audit;

/// <summary>
/// The fixed vocabulary of audit-trail events. Stage events carry a rank; within one (experiment, round)
/// a participant's ranked events must not go backwards (<see cref="Verification.AuditVerifier"/>).
/// <list type="table">
/// <listheader><term>event</term><description>written when / attrs</description></listheader>
/// <item><term>trail.start</term><description>first record of every trail: <c>public_key</c> (hex Ed25519), <c>run</c>, <c>role</c> (researcher|node), <c>format</c>.</description></item>
/// <item><term>policy</term><description>a node's privacy policy (not bound to a round): <c>min_threshold</c>, <c>min_cohort_size</c>, <c>max_epsilon</c>, <c>min_noise_multiplier</c>, <c>require_secagg</c>, <c>require_dp</c>, <c>allow_feature_statistics</c> (each optional).</description></item>
/// <item><term>round.start</term><description>rank 0. The round's parameters as this participant holds them: <c>task</c> (<see cref="AuditTasks"/>), <c>secagg</c>, <c>config_sha256</c> (with SecAgg the configuration digest of protocol §6.1, and <c>threshold</c>, <c>degree</c>, <c>vector_length</c>; without, the training request's digest, <see cref="AuditDigest.TrainingRequest"/>), <c>cohort</c> (list), <c>cohort_size</c>, <c>word_bits</c>, optional <c>dp.noise_multiplier</c>, <c>dp.clip_norm</c>, <c>dp.epsilon</c>, <c>dp.delta</c>.</description></item>
/// <item><term>keys.advertised</term><description>rank 1. Node: its KeyAdvertisement as sent. Researcher: the AdvertisedKeys it relayed.</description></item>
/// <item><term>message.sent</term><description>unranked. <c>type</c>, <c>sha256</c> (<see cref="AuditDigest"/>), <c>from</c> (the writer), <c>to</c> (a list), optional <c>bytes</c>; the messages of one type the researcher sends in one step are one record (<c>sha256</c>: one digest for all, or one per recipient in the order of <c>to</c>); a node's advertisement, shares and consistency signature add <c>authored</c> ("receiver:sha256" list, "*" for every holder).</description></item>
/// <item><term>message.received</term><description>unranked. Same attrs as message.sent (<c>to</c>: the writer); the replies of one stage the researcher receives are one record (<c>from</c> lists the senders, <c>sha256</c> and <c>bytes</c> hold one value per sender); a relay (AdvertisedKeys, ForwardedShares, UnmaskRequest) adds <c>relayed</c> ("author:sha256" list of the items it carries).</description></item>
/// <item><term>survivors.seen</term><description>rank 2. The SurvivorSet announced (researcher) or shown (node): <c>survivors</c> (list), <c>survivors_sha256</c>.</description></item>
/// <item><term>consistency.signed</term><description>rank 3. A node's ConsistencySignature as sent (it signs the set its survivors.seen shows).</description></item>
/// <item><term>unmask.requested</term><description>rank 4. The UnmaskRequest: shares asked of <c>node</c>, <c>requests</c> ("owner:kind" list), <c>survivors_sha256</c>, and on the node <c>survivors</c>.</description></item>
/// <item><term>unmask.revealed</term><description>rank 5. The UnmaskResponse: shares <c>node</c> revealed, <c>revealed</c> ("owner:kind" list).</description></item>
/// <item><term>refused</term><description>terminal for the round. <c>reason</c>, <c>message</c>.</description></item>
/// <item><term>round.aborted</term><description>terminal for the round (researcher). <c>reason</c>.</description></item>
/// <item><term>round.result</term><description>rank 6, terminal. <c>model_sha256</c>, optional <c>survivors</c>, <c>survivors_sha256</c>, <c>dropped</c>; also the GlobalModel message a node received, or the researcher sent to the nodes it told.</description></item>
/// <item><term>dp.spent</term><description>unranked. Privacy spent so far: <c>epsilon</c>, <c>delta</c>.</description></item>
/// </list>
/// A stage record that is also a protocol message (round.start, keys.advertised, survivors.seen, consistency.signed,
/// unmask.requested, unmask.revealed, round.result; <see cref="AuditRecorder.StageOf"/>) carries that message's
/// attributes too (<c>type</c>, <c>sha256</c>, <c>from</c>, <c>to</c>, …): sent when <c>from</c> is the writer, received otherwise.
/// Lists are comma-separated with <c>%</c>, <c>,</c> and <c>:</c> percent-escaped in ids (<see cref="AuditLists"/>);
/// share kinds are <c>SelfMaskSeed</c> and <c>MaskingKey</c>.
/// </summary>
public static class AuditEvents
{
    public const string TrailStart = "trail.start";
    public const string Policy = "policy";
    public const string RoundStart = "round.start";
    public const string KeysAdvertised = "keys.advertised";
    public const string MessageSent = "message.sent";
    public const string MessageReceived = "message.received";
    public const string SurvivorsSeen = "survivors.seen";
    public const string ConsistencySigned = "consistency.signed";
    public const string UnmaskRequested = "unmask.requested";
    public const string UnmaskRevealed = "unmask.revealed";
    public const string Refused = "refused";
    public const string RoundAborted = "round.aborted";
    public const string RoundResult = "round.result";
    public const string DpSpent = "dp.spent";

    private static readonly Dictionary<string, int> Ranks = new(StringComparer.Ordinal)
    {
        [RoundStart] = 0, [KeysAdvertised] = 1, [SurvivorsSeen] = 2, [ConsistencySigned] = 3,
        [UnmaskRequested] = 4, [UnmaskRevealed] = 5, [RoundResult] = 6,
    };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        TrailStart, Policy, RoundStart, KeysAdvertised, MessageSent, MessageReceived, SurvivorsSeen,
        ConsistencySigned, UnmaskRequested, UnmaskRevealed, Refused, RoundAborted, RoundResult, DpSpent,
    };

    public static bool IsKnown(string @event) => Known.Contains(@event);

    /// <summary>The stage rank of a ranked event, or null for unranked ones.</summary>
    public static int? RankOf(string @event) => Ranks.TryGetValue(@event, out var rank) ? rank : null;
}
