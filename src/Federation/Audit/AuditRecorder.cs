using System.Globalization;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// What a node or the researcher calls at each protocol step: turns protocol objects into audit events
/// (ids, counts and digests only) and hands them to a sink. Call <c>Received</c> before handling a
/// message and <c>Sent</c> after producing one. A message that marks a protocol stage (<see cref="StageOf"/>) is
/// recorded once, as that stage's event carrying the message's attributes: one record where format 2 wrote two.
/// </summary>
public sealed class AuditRecorder(IAuditSink sink)
{
    private readonly IAuditSink _sink = sink ?? throw new ArgumentNullException(nameof(sink));

    public string ParticipantId => _sink.ParticipantId;

    // This participant as a one-id list (`from` of what it sends, `to` of what it receives), escaped once.
    private string Self => _self ??= AuditLists.Single(ParticipantId);

    private string? _self;

    /// <summary>A node's policy; record it when the node starts and whenever it changes.</summary>
    public void Policy(AuditPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var attrs = new AuditAttributes()
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

    /// <summary>
    /// A secure-aggregation round's parameters, as this participant holds them, without a message: the researcher's
    /// when its round start reached no node. A round start sent or received is recorded by <c>Sent</c> or <c>Received</c>.
    /// </summary>
    /// <param name="config">The SecAgg+ configuration of the round.</param>
    /// <param name="dp">The DP parameters the node applies (a node's own record), or null.</param>
    /// <param name="task">What the round aggregates (<see cref="AuditTasks"/>).</param>
    public void RoundStart(SecAggConfig config, AuditDpParameters? dp = null, string task = AuditTasks.Train)
    {
        ArgumentNullException.ThrowIfNull(config);
        Append(AuditEvents.RoundStart, config.Header, RoundStartAttrs(config, dp, task));
    }

    private static AuditAttributes RoundStartAttrs(SecAggConfig config, AuditDpParameters? dp, string task)
    {
        var attrs = CohortAttrs(config.Cohort, dp, 6 + MessageAttrCount);
        attrs[AuditAttrs.Task] = task;
        attrs[AuditAttrs.SecAgg] = Bool(true);
        attrs[AuditAttrs.ConfigSha256] = AuditDigest.Config(config);
        attrs[AuditAttrs.Threshold] = Int(config.Threshold);
        attrs[AuditAttrs.Degree] = Int(config.NeighbourDegree);
        attrs[AuditAttrs.WordBits] = Int(config.WordBits);
        attrs[AuditAttrs.VectorLength] = Int(config.VectorLength);
        return attrs;
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
        var attrs = cohort is null ? DpAttrs(Attrs(8), dp) : CohortAttrs(cohort, dp, 4);
        attrs[AuditAttrs.Task] = task;
        attrs[AuditAttrs.SecAgg] = Bool(false);
        attrs[AuditAttrs.ConfigSha256] = requestSha256;
        attrs[AuditAttrs.WordBits] = Int(wordBits);
        Emit(AuditEvents.RoundStart, experimentId, round, null, attrs);
    }

    /// <summary>A round without secure aggregation, when no training request is at hand (parameters: the cohort and DP settings).</summary>
    public void RoundStart(string experimentId, long round, IReadOnlyList<string> cohort, AuditDpParameters? dp = null)
    {
        var attrs = CohortAttrs(cohort, dp, 2);
        attrs[AuditAttrs.SecAgg] = Bool(false);
        attrs[AuditAttrs.ConfigSha256] = AuditDigest.Ids([experimentId, Int(round), .. cohort, dp?.ToString() ?? ""]);
        Emit(AuditEvents.RoundStart, experimentId, round, null, attrs);
    }

    /// <summary>
    /// A protocol message this participant sent. A message that marks a protocol stage is that stage's record, carrying
    /// the message too (<see cref="StageOf"/>); a node's advertisement, shares or signature lists the items the server may
    /// relay (<c>authored</c>).
    /// </summary>
    public void Sent(SecAggMessage message, string to, long? bytes = null) => _sink.Append(SentEntry(message, to, bytes));

    internal AuditEntry SentEntry(SecAggMessage message, string to, long? bytes = null) =>
        MessageEntry(message, sent: true, to, Self, AuditLists.Single(to), bytes, dp: null, AuditTasks.Train);

    /// <summary>
    /// The messages the researcher sent in one step of a round, one per recipient, as few records as the stage allows:
    /// recipients of one message (a broadcast) share one record naming them all (<c>to</c> is a list), and messages of one
    /// type that differ per recipient (forwarded shares) share one record with one digest per recipient (<c>sha256</c> a
    /// list in the order of <c>to</c>). A message that marks a stage (<see cref="StageOf"/>) is grouped only with copies of
    /// itself, and an unmask request, whose <c>unmask.requested</c> is per node, never.
    /// </summary>
    /// <param name="sent">Each message with its recipient, in the order sent.</param>
    /// <param name="task">What the round aggregates, for a <c>round.start</c> (<see cref="AuditTasks"/>).</param>
    public void Sent(IReadOnlyList<(SecAggMessage Message, string To)> sent, string task = AuditTasks.Train) => Grouped(sent, sent: true, task);

    /// <summary>
    /// The messages the researcher received in one step of a round, as few records as the stage allows: messages of one
    /// type share one record, <c>from</c> listing the senders and <c>sha256</c> their digests in the same order. An unmask
    /// response, whose <c>unmask.revealed</c> is per node, is recorded alone.
    /// </summary>
    /// <param name="received">Each message with its sender, in the order received.</param>
    public void Received(IReadOnlyList<(SecAggMessage Message, string From)> received) => Grouped(received, sent: false, AuditTasks.Train);

    // Runs of messages that can share a record (Joins) become one record each, in order.
    private void Grouped(IReadOnlyList<(SecAggMessage Message, string Peer)> messages, bool sent, string task)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var group = new List<(SecAggMessage Message, string Peer, string Sha256)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var (message, peer) = messages[i];
            ArgumentNullException.ThrowIfNull(message);
            var sha256 = Digest(message);
            if (group.Count > 0 && !Joins(group[0], message, sha256, sent))
            {
                Group(group, sent, task);
                group.Clear();
            }
            group.Add((message, peer, sha256));
        }
        if (group.Count > 0) Group(group, sent, task);
    }

    // One record holds messages of one type and round; a stage's message only copies of itself (its stage attributes come from it).
    private static bool Joins((SecAggMessage Message, string Peer, string Sha256) first, SecAggMessage message, string sha256, bool sent) =>
        first.Message.GetType() == message.GetType() && message is not (UnmaskRequest or UnmaskResponse)
        && (StageOf(message, sent) is null ? SameRound(first.Message.Header, message.Header) : sha256 == first.Sha256);

    private static bool SameRound(RoundHeader a, RoundHeader b) =>
        a.ExperimentId == b.ExperimentId && a.Round == b.Round && a.SessionId.AsSpan().SequenceEqual(b.SessionId);

    private void Group(List<(SecAggMessage Message, string Peer, string Sha256)> group, bool sent, string task)
    {
        var first = group[0];
        string peers, sha256;
        if (group.Count == 1)
        {
            (peers, sha256) = (AuditLists.Single(first.Peer), first.Sha256);
        }
        else
        {
            var ids = new string[group.Count];
            var digests = new string[group.Count];
            var same = true;
            for (var i = 0; i < group.Count; i++)
            {
                (ids[i], digests[i]) = (group[i].Peer, group[i].Sha256);
                same &= digests[i] == first.Sha256;
            }
            (peers, sha256) = (AuditLists.Join(ids), same ? first.Sha256 : string.Join(',', digests));
        }
        Message(first.Message, sent, first.Peer, sent ? Self : peers, sent ? peers : Self, bytes: null, dp: null, task, sha256);
    }

    /// <summary>
    /// A protocol message this participant received. A message that marks a protocol stage is that stage's record,
    /// carrying the message too (<see cref="StageOf"/>); a relay (advertisements, forwarded shares, unmask request) lists
    /// the items it carries and their authors (<c>relayed</c>).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="from">Who sent it.</param>
    /// <param name="bytes">Its size on the wire, when known.</param>
    /// <param name="dp">For a node's <see cref="Aggregation.SecureAggregation.Messages.RoundStart"/>: the DP parameters it applies.</param>
    /// <param name="task">For a <see cref="Aggregation.SecureAggregation.Messages.RoundStart"/>: what the round aggregates (<see cref="AuditTasks"/>).</param>
    public void Received(SecAggMessage message, string from, long? bytes = null, AuditDpParameters? dp = null, string task = AuditTasks.Train) =>
        Message(message, sent: false, from, AuditLists.Single(from), Self, bytes, dp, task);

    /// <summary>Any other message (training request, model upload): its type name and a digest both sides compute alike.</summary>
    public void Sent(string experimentId, long round, string? session, string type, string sha256, string to, long? bytes = null) =>
        _sink.Append(SentEntry(experimentId, round, session, type, sha256, to, bytes));

    internal AuditEntry SentEntry(string experimentId, long round, string? session, string type, string sha256, string to, long? bytes) =>
        new(AuditEvents.MessageSent, experimentId, round, session, MessageAttrs(type, sha256, Self, AuditLists.Single(to), Bytes(bytes)));

    /// <summary>
    /// One protocol step of a node: the message it received (<paramref name="received"/>) and the reply it sends, recorded as one
    /// record when the reply is sent (<see cref="AuditStep"/>). Call it where <c>Received</c> would be called, before handling
    /// the message; dispose the step when the handling is over, so that a message without a reply is still recorded alone.
    /// </summary>
    /// <param name="received">The message.</param>
    /// <param name="from">Who sent it.</param>
    /// <param name="dp">For a <see cref="Aggregation.SecureAggregation.Messages.RoundStart"/>: the DP parameters this node applies.</param>
    /// <param name="task">For a <see cref="Aggregation.SecureAggregation.Messages.RoundStart"/>: what the round aggregates (<see cref="AuditTasks"/>).</param>
    public AuditStep Step(SecAggMessage received, string from, AuditDpParameters? dp = null, string task = AuditTasks.Train)
    {
        ArgumentNullException.ThrowIfNull(received);
        return new AuditStep(this, MessageEntry(received, sent: false, from, AuditLists.Single(from), Self, bytes: null, dp, task));
    }

    /// <summary>
    /// A step's received message and the reply it caused, as one entry: the reply's event and attributes, and the received
    /// message's event and attributes under <see cref="AuditAttrs.ReceivedPrefix"/>. Only within one round and session; otherwise
    /// the received message is recorded alone first.
    /// </summary>
    internal void AppendStep(AuditEntry received, AuditEntry reply)
    {
        if (received.Experiment != reply.Experiment || received.Round != reply.Round || received.Session != reply.Session)
        {
            _sink.Append(received);
            _sink.Append(reply);
            return;
        }
        // Both entries were built by this recorder for this step and are not shared yet: the reply's attributes take the received ones.
        ((AuditAttributes)reply.Attrs).AddPrefixed(AuditAttrs.ReceivedPrefix, (AuditAttributes)received.Attrs, AuditAttrs.ReceivedEvent, received.Event, AuditAttrs.Received);
        _sink.Append(reply);
    }

    internal void AppendEntry(AuditEntry entry) => _sink.Append(entry);

    /// <summary>Any other message sent alike to several recipients (a training request, a global model): one record, <c>to</c> lists them.</summary>
    public void Sent(string experimentId, long round, string? session, string type, string sha256, IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (to.Count > 0) Emit(AuditEvents.MessageSent, experimentId, round, session, MessageAttrs(type, sha256, Self, AuditLists.Join(to), bytes: null));
    }

    public void Received(string experimentId, long round, string? session, string type, string sha256, string from, long? bytes = null) =>
        Emit(AuditEvents.MessageReceived, experimentId, round, session, MessageAttrs(type, sha256, AuditLists.Single(from), Self, Bytes(bytes)));

    /// <summary>
    /// Other messages of one type received in one step (the researcher's training replies, masked inputs): one record,
    /// <c>from</c> listing the senders, <c>sha256</c> their digests and <c>bytes</c> (when every size is known) their sizes,
    /// in the same order.
    /// </summary>
    public void Received(string experimentId, long round, string? session, string type, IReadOnlyList<(string From, string Sha256, long? Bytes)> received)
    {
        ArgumentNullException.ThrowIfNull(received);
        if (received.Count == 0) return;
        var senders = new string[received.Count];
        var digests = new string[received.Count];
        var sizes = new string[received.Count];
        var sized = true;
        for (var i = 0; i < senders.Length; i++)
        {
            (senders[i], digests[i]) = (received[i].From, received[i].Sha256);
            if (received[i].Bytes is { } b) sizes[i] = Int(b);
            else sized = false;
        }
        Emit(AuditEvents.MessageReceived, experimentId, round, session, MessageAttrs(type, string.Join(',', digests), AuditLists.Join(senders), Self,
            sized ? string.Join(',', sizes) : null));
    }

    /// <summary>
    /// The stage a protocol message marks, as seen from its sender (<paramref name="sent"/>) or its receiver, or null
    /// when it marks none: a round start (either side) starts the round, a survivor set, an unmask request and an unmask
    /// response are those stages on both sides, a node's own advertisement and consistency signature are its
    /// <c>keys.advertised</c> and <c>consistency.signed</c>, and the advertisements the researcher relays its <c>keys.advertised</c>.
    /// </summary>
    public static string? StageOf(SecAggMessage message, bool sent) => message switch
    {
        Aggregation.SecureAggregation.Messages.RoundStart => AuditEvents.RoundStart,
        SurvivorSet => AuditEvents.SurvivorsSeen,
        UnmaskRequest => AuditEvents.UnmaskRequested,
        UnmaskResponse => AuditEvents.UnmaskRevealed,
        KeyAdvertisement when sent => AuditEvents.KeysAdvertised,
        AdvertisedKeys when sent => AuditEvents.KeysAdvertised,
        ConsistencySignature when sent => AuditEvents.ConsistencySigned,
        _ => null,
    };

    public void Refused(RoundHeader header, SecAggRefusedException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Refused(header.ExperimentId, header.Round, Session(header), refusal.Reason.ToString(), refusal.Message);
    }

    public void Refused(string experimentId, long round, string? session, string reason, string message) =>
        Emit(AuditEvents.Refused, experimentId, round, session, new AuditAttributes()
        {
            [AuditAttrs.Reason] = reason,
            [AuditAttrs.Message] = message,
        });

    public void RoundAborted(string experimentId, long round, string? session, string reason) =>
        Emit(AuditEvents.RoundAborted, experimentId, round, session, new AuditAttributes() { [AuditAttrs.Reason] = reason });

    /// <summary>
    /// The round's global model (its SHA-256), and, when known, who survived (the list only with
    /// <paramref name="dropped"/>, i.e. the researcher's full account; otherwise the digest) and who dropped.
    /// A node passes <paramref name="from"/>, the researcher <paramref name="to"/>: the record then also stands for the
    /// <see cref="AuditMessageTypes.GlobalModel"/> message (the model hash) the node received, or the researcher sent to those nodes.
    /// </summary>
    public void RoundResult(string experimentId, long round, string? session, string modelSha256, IReadOnlyList<string>? survivors = null, IReadOnlyList<string>? dropped = null,
        string? from = null, IReadOnlyList<string>? to = null)
    {
        if (from is not null && to is not null) throw new ArgumentException("a round result is received (from) or sent (to), not both", nameof(to));
        var extra = 2 + (from is null && to is null ? 0 : MessageAttrCount);
        var attrs = survivors is null ? Attrs(extra)
            : dropped is null ? SurvivorDigest(survivors, extra) : SurvivorAttrs(survivors, extra);
        attrs[AuditAttrs.ModelSha256] = modelSha256;
        if (dropped is not null) attrs[AuditAttrs.Dropped] = AuditLists.Join(dropped);
        if (from is not null) AddMessage(attrs, AuditMessageTypes.GlobalModel, modelSha256, AuditLists.Single(from), Self, bytes: null);
        else if (to is { Count: > 0 }) AddMessage(attrs, AuditMessageTypes.GlobalModel, modelSha256, Self, AuditLists.Join(to), bytes: null);
        Emit(AuditEvents.RoundResult, experimentId, round, session, attrs);
    }

    /// <summary>The privacy spent so far in the experiment, at the given δ.</summary>
    public void DpSpent(string experimentId, long round, double epsilon, double delta) =>
        Emit(AuditEvents.DpSpent, experimentId, round, null, new AuditAttributes()
        {
            [AuditAttrs.Epsilon] = Number(epsilon),
            [AuditAttrs.Delta] = Number(delta),
        });

    // The recorder builds fresh attributes per event and never touches them again, so it hands them over whole.
    private void Emit(string @event, string? experiment, long? round, string? session, AuditAttributes attrs) =>
        _sink.Append(new AuditEntry(@event, experiment, round, session, attrs));

    /// <summary>Lowercase hex of a session id, as records carry it.</summary>
    public static string Session(RoundHeader header) => Convert.ToHexStringLower(header.SessionId);

    private void Append(string @event, RoundHeader header, AuditAttributes attrs) =>
        Emit(@event, header.ExperimentId, header.Round, SessionOf(header), attrs);

    // The session of the last record, in hex: every record of a round carries it. Swapped whole, so concurrent callers are safe.
    private SessionText? _session;

    private sealed record SessionText(byte[] Id, string Hex);

    private string SessionOf(RoundHeader header)
    {
        if (_session is { } last && last.Id.AsSpan().SequenceEqual(header.SessionId)) return last.Hex;
        var hex = Session(header);
        _session = new SessionText(header.SessionId.ToArray(), hex);
        return hex;
    }

    // The last message digested: the researcher may hand the same message object to several recipients. Swapped whole,
    // so concurrent callers are safe.
    private Digested? _lastDigested;

    private sealed record Digested(SecAggMessage Message, string Sha256);

    private string Digest(SecAggMessage message)
    {
        if (_lastDigested is { } last && ReferenceEquals(last.Message, message)) return last.Sha256;
        var sha256 = AuditDigest.Message(message);
        _lastDigested = new Digested(message, sha256);
        return sha256;
    }

    // `peer` is the (first) recipient or sender as an id; `from` and `to` are lists (AuditLists); `sha256` one digest, or one per listed peer.
    private void Message(SecAggMessage message, bool sent, string peer, string from, string to, long? bytes, AuditDpParameters? dp, string task, string? sha256 = null) =>
        _sink.Append(MessageEntry(message, sent, peer, from, to, bytes, dp, task, sha256));

    private AuditEntry MessageEntry(SecAggMessage message, bool sent, string peer, string from, string to, long? bytes, AuditDpParameters? dp, string task, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        sha256 ??= Digest(message);
        var stage = StageOf(message, sent);
        var attrs = stage is null ? Attrs(MessageAttrCount) : StageAttrs(message, sent, peer, dp, task);
        // The item lists are the author's and the final receiver's evidence (AuditEvents): a node's message as sent lists what
        // the server may relay, a relay as received lists what it carried. The server's own copies of them would add its
        // word to the digest it already records, and cost it a digest per item per recipient.
        if ((sent ? AuditDigest.AuthoredItems(message, sha256) : AuditDigest.RelayedItems(message)) is { } items)
            attrs[sent ? AuditAttrs.Authored : AuditAttrs.Relayed] = AuditLists.JoinPairs(items);
        AddMessage(attrs, AuditDigest.TypeName(message), sha256, from, to, Bytes(bytes));
        var header = message.Header;
        return new AuditEntry(stage ?? (sent ? AuditEvents.MessageSent : AuditEvents.MessageReceived), header.ExperimentId, header.Round, SessionOf(header), attrs);
    }

    /// <summary>The attributes of the stage <paramref name="message"/> marks (<see cref="StageOf"/>); <paramref name="peer"/> is its recipient or sender.</summary>
    private AuditAttributes StageAttrs(SecAggMessage message, bool sent, string peer, AuditDpParameters? dp, string task)
    {
        switch (message)
        {
            case Aggregation.SecureAggregation.Messages.RoundStart start:
                return RoundStartAttrs(start.Config, dp, task);
            case SurvivorSet set:
                return SurvivorAttrs(set.Survivors, MessageAttrCount);
            case UnmaskRequest request:
                // The node keeps the list (its own evidence); the researcher, writing one record per node, the digest.
                var attrs = sent ? SurvivorDigest(request.Survivors, 2 + MessageAttrCount) : SurvivorAttrs(request.Survivors, 2 + MessageAttrCount);
                attrs[AuditAttrs.Node] = sent ? peer : ParticipantId; // an unmask request is never grouped: one recipient
                attrs[AuditAttrs.Requests] = AuditLists.JoinPairs(request.Requests.Select(r => (r.Owner, AuditDigest.KindName(r.Kind))));
                return attrs;
            case UnmaskResponse response:
                return new AuditAttributes(2 + MessageAttrCount)
                {
                    [AuditAttrs.Node] = response.Sender,
                    [AuditAttrs.Revealed] = AuditLists.JoinPairs(response.Shares.Select(s => (s.Owner, AuditDigest.KindName(s.Kind)))),
                };
            default:
                return Attrs(MessageAttrCount);
        }
    }

    private static AuditAttributes MessageAttrs(string type, string sha256, string from, string to, string? bytes)
    {
        var attrs = Attrs(5);
        AddMessage(attrs, type, sha256, from, to, bytes);
        return attrs;
    }

    private static string? Bytes(long? bytes) => bytes is { } b ? Int(b) : null;

    // Added in key order, so that each goes at the end of the key-ordered attributes. `from` and `to` are lists
    // (AuditLists); `sha256` and `bytes` one value, or one per peer.
    private static void AddMessage(AuditAttributes attrs, string type, string sha256, string from, string to, string? bytes)
    {
        if (bytes is not null) attrs[AuditAttrs.Bytes] = bytes;
        attrs[AuditAttrs.From] = from;
        attrs[AuditAttrs.Sha256] = sha256;
        attrs[AuditAttrs.To] = to;
        attrs[AuditAttrs.Type] = type;
    }

    // Sized for what the caller adds (`extra`), so that no attribute array grows while a record is built.
    private static AuditAttributes Attrs(int capacity) => new(capacity);

    // type, sha256, from, to, bytes, and authored or relayed.
    private const int MessageAttrCount = 6;

    private static AuditAttributes CohortAttrs(IReadOnlyList<string> cohort, AuditDpParameters? dp, int extra)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var attrs = new AuditAttributes(2 + (dp is null ? 0 : 4) + extra)
        {
            [AuditAttrs.Cohort] = AuditLists.Join(cohort),
            [AuditAttrs.CohortSize] = Int(cohort.Count),
        };
        return DpAttrs(attrs, dp);
    }

    private static AuditAttributes DpAttrs(AuditAttributes attrs, AuditDpParameters? dp)
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

    private static AuditAttributes SurvivorAttrs(IReadOnlyList<string> survivors, int extra = 0) =>
        new(2 + extra)
        {
            [AuditAttrs.Survivors] = AuditLists.Join(survivors),
            [AuditAttrs.SurvivorsSha256] = AuditDigest.Ids(survivors),
        };

    private static AuditAttributes SurvivorDigest(IReadOnlyList<string> survivors, int extra = 0) =>
        new(1 + extra) { [AuditAttrs.SurvivorsSha256] = AuditDigest.Ids(survivors) };

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";
}
