using System.Globalization;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// What a node or the researcher calls at each protocol step: turns protocol objects into audit events
/// (ids, counts and digests only) and hands them to a sink. Call <c>Received</c> before handling a
/// message and <c>Sent</c> after producing one; the stage events after the matching message.
/// </summary>
public sealed class AuditRecorder(IAuditSink sink)
{
    private readonly IAuditSink _sink = sink ?? throw new ArgumentNullException(nameof(sink));

    public string ParticipantId => _sink.ParticipantId;

    /// <summary>A node's policy; record it when the node starts and whenever it changes.</summary>
    public void Policy(AuditPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AuditAttrs.RequireSecAgg] = Bool(policy.RequireSecAgg),
            [AuditAttrs.RequireDp] = Bool(policy.RequireDp),
            [AuditAttrs.AllowFeatureStatistics] = Bool(policy.AllowFeatureStatistics),
        };
        if (policy.MinThreshold is { } t) attrs[AuditAttrs.MinThreshold] = Int(t);
        if (policy.MinCohortSize is { } n) attrs[AuditAttrs.MinCohortSize] = Int(n);
        if (policy.MaxEpsilon is { } e) attrs[AuditAttrs.MaxEpsilon] = Number(e);
        if (policy.MinNoiseMultiplier is { } z) attrs[AuditAttrs.MinNoiseMultiplier] = Number(z);
        Emit(AuditEvents.Policy, null, null, null, attrs);
    }

    /// <summary>A secure-aggregation round's parameters, as this participant holds them.</summary>
    /// <param name="config">The SecAgg+ configuration of the round.</param>
    /// <param name="dp">The DP parameters the node applies (a node's own record), or null.</param>
    /// <param name="task">What the round aggregates (<see cref="AuditTasks"/>).</param>
    public void RoundStart(SecAggConfig config, AuditDpParameters? dp = null, string task = AuditTasks.Train)
    {
        ArgumentNullException.ThrowIfNull(config);
        var attrs = CohortAttrs(config.Cohort, dp);
        attrs[AuditAttrs.Task] = task;
        attrs[AuditAttrs.SecAgg] = Bool(true);
        attrs[AuditAttrs.ConfigSha256] = AuditDigest.Config(config);
        attrs[AuditAttrs.Threshold] = Int(config.Threshold);
        attrs[AuditAttrs.Degree] = Int(config.NeighbourDegree);
        attrs[AuditAttrs.WordBits] = Int(config.WordBits);
        attrs[AuditAttrs.VectorLength] = Int(config.VectorLength);
        Append(AuditEvents.RoundStart, config.Header, attrs);
    }

    /// <summary>
    /// A round without secure aggregation (the researcher sees each update), as the researcher sent it or a node
    /// received it: its parameters are the training request with its global model, so <c>config_sha256</c> is the
    /// request's digest (<see cref="AuditDigest.TrainingRequest"/>), the same on both sides.
    /// </summary>
    /// <param name="experimentId">The experiment.</param>
    /// <param name="round">The round number.</param>
    /// <param name="task">What the round aggregates (<see cref="AuditTasks"/>).</param>
    /// <param name="requestSha256">The digest of the training request.</param>
    /// <param name="wordBits">The width of each word of the update the request asks for.</param>
    /// <param name="cohort">The nodes sent the request (researcher); null where unknown (a node).</param>
    /// <param name="dp">The DP parameters the node applies (a node's own record), or null.</param>
    public void RoundStart(string experimentId, long round, string task, string requestSha256, int wordBits, IReadOnlyList<string>? cohort = null, AuditDpParameters? dp = null)
    {
        var attrs = cohort is null ? DpAttrs(new Dictionary<string, string>(StringComparer.Ordinal), dp) : CohortAttrs(cohort, dp);
        attrs[AuditAttrs.Task] = task;
        attrs[AuditAttrs.SecAgg] = Bool(false);
        attrs[AuditAttrs.ConfigSha256] = requestSha256;
        attrs[AuditAttrs.WordBits] = Int(wordBits);
        Emit(AuditEvents.RoundStart, experimentId, round, null, attrs);
    }

    /// <summary>A round without secure aggregation, when no training request is at hand (parameters: the cohort and DP settings).</summary>
    public void RoundStart(string experimentId, long round, IReadOnlyList<string> cohort, AuditDpParameters? dp = null)
    {
        var attrs = CohortAttrs(cohort, dp);
        attrs[AuditAttrs.SecAgg] = Bool(false);
        attrs[AuditAttrs.ConfigSha256] = AuditDigest.Ids([experimentId, Int(round), .. cohort, dp?.ToString() ?? ""]);
        Emit(AuditEvents.RoundStart, experimentId, round, null, attrs);
    }

    /// <summary>A protocol message this participant sent; a node's advertisement, shares or signature lists the items the server may relay (<c>authored</c>).</summary>
    public void Sent(SecAggMessage message, string to, long? bytes = null) =>
        Message(AuditEvents.MessageSent, message, ParticipantId, to, bytes);

    /// <summary>A protocol message this participant received; a relay (advertisements, forwarded shares, unmask request) lists the items it carries and their authors (<c>relayed</c>).</summary>
    public void Received(SecAggMessage message, string from, long? bytes = null) =>
        Message(AuditEvents.MessageReceived, message, from, ParticipantId, bytes);

    /// <summary>Any other message (training request, model upload): its type name and a digest both sides compute alike.</summary>
    public void Sent(string experimentId, long round, string? session, string type, string sha256, string to, long? bytes = null) =>
        Message(AuditEvents.MessageSent, experimentId, round, session, type, sha256, ParticipantId, to, bytes);

    public void Received(string experimentId, long round, string? session, string type, string sha256, string from, long? bytes = null) =>
        Message(AuditEvents.MessageReceived, experimentId, round, session, type, sha256, from, ParticipantId, bytes);

    /// <summary>Node: with its advertisement, before it leaves. Researcher: after relaying <paramref name="count"/> advertisements.</summary>
    public void KeysAdvertised(RoundHeader header, int count, KeyAdvertisement? own = null)
    {
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal) { [AuditAttrs.Count] = Int(count) };
        if (own is not null) attrs[AuditAttrs.Sha256] = Digest(own);
        Append(AuditEvents.KeysAdvertised, header, attrs);
    }

    /// <summary>The survivor set announced (researcher) or shown (node).</summary>
    public void SurvivorsSeen(RoundHeader header, IReadOnlyList<string> survivors) =>
        Append(AuditEvents.SurvivorsSeen, header, SurvivorAttrs(survivors));

    public void ConsistencySigned(RoundHeader header, IReadOnlyList<string> survivors) =>
        Append(AuditEvents.ConsistencySigned, header, new Dictionary<string, string>(StringComparer.Ordinal) { [AuditAttrs.SurvivorsSha256] = AuditDigest.Ids(survivors) });

    /// <summary>The shares asked of <paramref name="node"/> (a node records its own id; the researcher the recipient's).</summary>
    public void UnmaskRequested(UnmaskRequest request, string node)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The node keeps the list (its own evidence); the researcher, writing one record per node, the digest.
        var attrs = node == ParticipantId ? SurvivorAttrs(request.Survivors) : SurvivorDigest(request.Survivors);
        attrs[AuditAttrs.Node] = node;
        attrs[AuditAttrs.Requests] = AuditLists.JoinPairs(request.Requests.Select(r => (r.Owner, r.Kind.ToString())));
        Append(AuditEvents.UnmaskRequested, request.Header, attrs);
    }

    public void UnmaskRevealed(UnmaskResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Append(AuditEvents.UnmaskRevealed, response.Header, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AuditAttrs.Node] = response.Sender,
            [AuditAttrs.Revealed] = AuditLists.JoinPairs(response.Shares.Select(s => (s.Owner, s.Kind.ToString()))),
        });
    }

    public void Refused(RoundHeader header, SecAggRefusedException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Refused(header.ExperimentId, header.Round, Session(header), refusal.Reason.ToString(), refusal.Message);
    }

    public void Refused(string experimentId, long round, string? session, string reason, string message) =>
        Emit(AuditEvents.Refused, experimentId, round, session, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AuditAttrs.Reason] = reason,
            [AuditAttrs.Message] = message,
        });

    public void RoundAborted(string experimentId, long round, string? session, string reason) =>
        Emit(AuditEvents.RoundAborted, experimentId, round, session, new Dictionary<string, string>(StringComparer.Ordinal) { [AuditAttrs.Reason] = reason });

    /// <summary>
    /// The round's global model (its SHA-256), and, when known, who survived (the list only with
    /// <paramref name="dropped"/>, i.e. the researcher's full account; otherwise the digest) and who dropped.
    /// </summary>
    public void RoundResult(string experimentId, long round, string? session, string modelSha256, IReadOnlyList<string>? survivors = null, IReadOnlyList<string>? dropped = null)
    {
        var attrs = survivors is null ? new Dictionary<string, string>(StringComparer.Ordinal)
            : dropped is null ? SurvivorDigest(survivors) : SurvivorAttrs(survivors);
        attrs[AuditAttrs.ModelSha256] = modelSha256;
        if (dropped is not null) attrs[AuditAttrs.Dropped] = AuditLists.Join(dropped);
        Emit(AuditEvents.RoundResult, experimentId, round, session, attrs);
    }

    /// <summary>The privacy spent so far in the experiment, at the given δ.</summary>
    public void DpSpent(string experimentId, long round, double epsilon, double delta) =>
        Emit(AuditEvents.DpSpent, experimentId, round, null, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AuditAttrs.Epsilon] = Number(epsilon),
            [AuditAttrs.Delta] = Number(delta),
        });

    // The recorder builds a fresh attribute dictionary per event and never touches it again, so it hands it over whole.
    private void Emit(string @event, string? experiment, long? round, string? session, Dictionary<string, string> attrs) =>
        _sink.Append(new AuditEntry(@event, experiment, round, session, attrs));

    /// <summary>Lowercase hex of a session id, as records carry it.</summary>
    public static string Session(RoundHeader header) => Convert.ToHexStringLower(header.SessionId);

    private void Append(string @event, RoundHeader header, Dictionary<string, string> attrs) =>
        Emit(@event, header.ExperimentId, header.Round, Session(header), attrs);

    // The last message digested: a node records its advertisement as sent and then as its keys.advertised stage, and the
    // researcher may hand the same message object to several recipients. Swapped whole, so concurrent callers are safe.
    private Digested? _lastDigested;

    private sealed record Digested(SecAggMessage Message, string Sha256);

    private string Digest(SecAggMessage message)
    {
        if (_lastDigested is { } last && ReferenceEquals(last.Message, message)) return last.Sha256;
        var sha256 = AuditDigest.Message(message);
        _lastDigested = new Digested(message, sha256);
        return sha256;
    }

    private void Message(string @event, SecAggMessage message, string from, string to, long? bytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sha256 = Digest(message);
        // The item lists are the author's and the final receiver's evidence (AuditEvents): a node's message as sent lists what
        // the server may relay, a relay as received lists what it carried. The server's own copies of them would add its
        // word to the digest it already records, and cost it a digest per item per recipient.
        var authored = @event == AuditEvents.MessageSent ? AuditDigest.AuthoredItems(message, sha256) : null;
        var relayed = @event == AuditEvents.MessageReceived ? AuditDigest.RelayedItems(message) : null;
        Append(@event, message.Header, MessageAttrs(message.GetType().Name, sha256, from, to, bytes,
            authored is null ? null : AuditLists.JoinPairs(authored), relayed is null ? null : AuditLists.JoinPairs(relayed)));
    }

    private void Message(string @event, string experimentId, long round, string? session, string type, string sha256, string from, string to, long? bytes) =>
        Emit(@event, experimentId, round, session, MessageAttrs(type, sha256, from, to, bytes));

    private static Dictionary<string, string> MessageAttrs(string type, string sha256, string from, string to, long? bytes, string? authored = null, string? relayed = null)
    {
        // Added in key order, so that the trail writer finds them sorted; sized for all of them, so it never grows.
        var attrs = new Dictionary<string, string>(7, StringComparer.Ordinal);
        if (authored is not null) attrs[AuditAttrs.Authored] = authored;
        if (bytes is { } b) attrs[AuditAttrs.Bytes] = b.ToString(CultureInfo.InvariantCulture);
        attrs[AuditAttrs.From] = from;
        if (relayed is not null) attrs[AuditAttrs.Relayed] = relayed;
        attrs[AuditAttrs.Sha256] = sha256;
        attrs[AuditAttrs.To] = to;
        attrs[AuditAttrs.Type] = type;
        return attrs;
    }

    private static Dictionary<string, string> CohortAttrs(IReadOnlyList<string> cohort, AuditDpParameters? dp)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AuditAttrs.Cohort] = AuditLists.Join(cohort),
            [AuditAttrs.CohortSize] = Int(cohort.Count),
        };
        return DpAttrs(attrs, dp);
    }

    private static Dictionary<string, string> DpAttrs(Dictionary<string, string> attrs, AuditDpParameters? dp)
    {
        if (dp is not null)
        {
            attrs[AuditAttrs.DpNoiseMultiplier] = Number(dp.NoiseMultiplier);
            if (dp.ClipNorm is { } c) attrs[AuditAttrs.DpClipNorm] = Number(c);
            if (dp.Epsilon is { } e) attrs[AuditAttrs.DpEpsilon] = Number(e);
            if (dp.Delta is { } d) attrs[AuditAttrs.DpDelta] = Number(d);
        }
        return attrs;
    }

    private static Dictionary<string, string> SurvivorAttrs(IReadOnlyList<string> survivors) =>
        new(StringComparer.Ordinal)
        {
            [AuditAttrs.Survivors] = AuditLists.Join(survivors),
            [AuditAttrs.SurvivorsSha256] = AuditDigest.Ids(survivors),
        };

    private static Dictionary<string, string> SurvivorDigest(IReadOnlyList<string> survivors) =>
        new(StringComparer.Ordinal) { [AuditAttrs.SurvivorsSha256] = AuditDigest.Ids(survivors) };

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";
}
