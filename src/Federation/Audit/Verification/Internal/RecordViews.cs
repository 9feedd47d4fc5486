namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// Format 3 writes a message that marks a protocol stage as that stage's record carrying the message's attributes
/// (<see cref="AuditRecorder.StageOf"/>), and a message sent alike to several recipients as one record whose <c>to</c>
/// lists them. The checks read one message per recipient and stages apart from messages, so each record becomes the
/// views they read, with its own seq: its message, once per recipient, then the record itself when it is a stage.
/// The researcher's stage record for several nodes (a round start, a survivor set) is, like its per-node unmask
/// records, one stage view per node with that node as its <c>node</c>: what it gave each node counts as that node's view
/// (<see cref="AgreementCheck"/>), in that node's lane (<see cref="StageOrderCheck"/>). Format 2 records (one message,
/// one recipient) are their own single view.
/// </summary>
internal static class RecordViews
{
    public static void Add(List<AuditRecord> views, AuditRecord record, bool researcher)
    {
        var isMessage = record.Event is AuditEvents.MessageSent or AuditEvents.MessageReceived;
        var from = record.Attr(AuditAttrs.From);
        if (!isMessage && (from is null || record.Attr(AuditAttrs.Type) is null || record.Attr(AuditAttrs.Sha256) is null))
        {
            views.Add(record);
            return;
        }
        var messageEvent = isMessage ? record.Event : from == record.Participant ? AuditEvents.MessageSent : AuditEvents.MessageReceived;
        var to = record.Attr(AuditAttrs.To);
        var recipients = to is null ? null : AuditLists.Split(to);
        if (recipients is null || (recipients.Count == 1 && recipients[0] == to))
        {
            views.Add(isMessage ? record : record with { Event = messageEvent });
        }
        else
        {
            foreach (var recipient in recipients)
            {
                var attrs = new Dictionary<string, string>(record.Attrs, StringComparer.Ordinal) { [AuditAttrs.To] = recipient };
                views.Add(record with { Event = messageEvent, Attrs = attrs });
            }
        }
        if (isMessage) return;
        if (!researcher || from != record.Participant || recipients is null || record.Attr(AuditAttrs.Node) is not null)
        {
            views.Add(record);
            return;
        }
        foreach (var recipient in recipients)
            views.Add(record with { Attrs = new Dictionary<string, string>(record.Attrs, StringComparer.Ordinal) { [AuditAttrs.To] = recipient, [AuditAttrs.Node] = recipient } });
    }
}
