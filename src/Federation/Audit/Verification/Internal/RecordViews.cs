namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Format 3 writes a message that marks a protocol stage as that stage's record carrying the message's attributes
/// (<see cref="AuditRecorder.StageOf"/>), and several messages of one type and step as one record: <c>to</c> (sent) or
/// <c>from</c> (received) lists the peers, and <c>sha256</c> (and <c>bytes</c>) holds one value for all of them or one per
/// peer in the same order. The checks read one message per peer and stages apart from messages, so each record becomes
/// the views they read, with its own seq: its messages, one per peer, then the record itself when it is a stage.
/// The researcher's stage record for several nodes (a round start, a survivor set) is, like its per-node unmask
/// records, one stage view per node with that node as its <c>node</c>: what it gave each node counts as that node's view
/// (<see cref="AgreementCheck"/>), in that node's lane (<see cref="StageOrderCheck"/>). A record whose lists do not line
/// up stands for no message (<see cref="AuditRules.MessageLists"/>). A node's step record (<see cref="AuditStep"/>) is first
/// the message it received (its <c>received.</c> attributes), then the reply, each expanded as above. Format 2 records (one
/// message, one peer) are their own single view.
/// </summary>
internal static class RecordViews
{
    public static void Add(List<AuditRecord> views, AuditRecord record, bool researcher, Action<string, long?, string> report)
    {
        // A node's step record (AuditStep): the message it received, then the reply, each read as the record it stands for.
        if (record.Attr(AuditAttrs.ReceivedEvent) is { } receivedEvent)
        {
            if (!AuditEvents.IsKnown(receivedEvent) || receivedEvent == AuditEvents.TrailStart)
            {
                report(AuditRules.UnknownEvent, record.Seq, $"received event '{receivedEvent}' is not in the vocabulary");
                return;
            }
            var received = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var reply = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in record.Attrs)
            {
                if (key == AuditAttrs.ReceivedEvent) continue;
                if (key.StartsWith(AuditAttrs.ReceivedPrefix, StringComparison.Ordinal)) received[key[AuditAttrs.ReceivedPrefix.Length..]] = value;
                else reply[key] = value;
            }
            AddOne(views, record with { Event = receivedEvent, Attrs = received }, researcher, report);
            AddOne(views, record with { Attrs = reply }, researcher, report);
            return;
        }
        AddOne(views, record, researcher, report);
    }

    private static void AddOne(List<AuditRecord> views, AuditRecord record, bool researcher, Action<string, long?, string> report)
    {
        var isMessage = record.Event is AuditEvents.MessageSent or AuditEvents.MessageReceived;
        var from = record.Attr(AuditAttrs.From);
        var sha256 = record.Attr(AuditAttrs.Sha256);
        if (from is null || sha256 is null || record.Attr(AuditAttrs.Type) is null)
        {
            views.Add(record);
            return;
        }
        var senders = AuditLists.Split(from);
        var to = record.Attr(AuditAttrs.To);
        var recipients = AuditLists.Split(to);
        var sent = isMessage ? record.Event == AuditEvents.MessageSent : senders.Count == 1 && senders[0] == record.Participant;
        var peers = sent ? recipients : senders;
        var digests = sha256.Split(',');
        var sizes = record.Attr(AuditAttrs.Bytes)?.Split(',');
        if (sent && senders.Count != 1)
        {
            report(AuditRules.MessageLists, record.Seq, $"{record.Attr(AuditAttrs.Type)} sent by {senders.Count} senders: a message has one, so the record stands for no message");
        }
        else if (!Fits(digests, peers) || (sizes is not null && !Fits(sizes, peers)))
        {
            report(AuditRules.MessageLists, record.Seq, $"{record.Attr(AuditAttrs.Type)} {(sent ? "to" : "from")} {peers.Count} peer(s) with {digests.Length} digest(s){(sizes is null ? "" : $" and {sizes.Length} size(s)")}: the lists do not line up, so the record stands for no message");
        }
        else if (peers.Count > 0)
        {
            var messageEvent = sent ? AuditEvents.MessageSent : AuditEvents.MessageReceived;
            if (peers.Count == 1 && senders[0] == from && (recipients.Count != 1 || recipients[0] == to))
            {
                views.Add(isMessage ? record : record with { Event = messageEvent });
            }
            else
            {
                for (var i = 0; i < peers.Count; i++)
                {
                    var attrs = new Dictionary<string, string>(record.Attrs, StringComparer.Ordinal)
                    {
                        [AuditAttrs.From] = sent ? senders[0] : peers[i],
                        [AuditAttrs.Sha256] = digests[digests.Length == 1 ? 0 : i],
                    };
                    if (sent) attrs[AuditAttrs.To] = peers[i];
                    else if (recipients.Count == 1) attrs[AuditAttrs.To] = recipients[0];
                    if (sizes is not null) attrs[AuditAttrs.Bytes] = sizes[sizes.Length == 1 ? 0 : i];
                    views.Add(record with { Event = messageEvent, Attrs = attrs });
                }
            }
        }
        if (isMessage) return;
        if (!researcher || !sent || recipients.Count == 0 || record.Attr(AuditAttrs.Node) is not null)
        {
            views.Add(record);
            return;
        }
        foreach (var recipient in recipients)
            views.Add(record with { Attrs = new Dictionary<string, string>(record.Attrs, StringComparer.Ordinal) { [AuditAttrs.To] = recipient, [AuditAttrs.Node] = recipient } });
    }

    private static bool Fits(string[] values, IReadOnlyList<string> peers) => values.Length == 1 || values.Length == peers.Count;
}
