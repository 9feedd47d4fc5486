using FedBioMed.Crypto;
using FedBioMed.Federation.Audit.Internal;

namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>
/// One trail on its own: header, canonical lines, seals (one signature per batch, over its last record) under
/// the header's key, seq contiguity and order, and the prev-hash links. A record is authentic when its batch's
/// seal verifies and the prev links from it to the seal are intact. Each break is reported once: a record
/// after an edited one is not blamed for its prev link, nor a record after a gap; records that lose their path
/// to the seal because a later record of their batch was altered or removed are reported as one range.
/// </summary>
internal static class ChainCheck
{
    public static CheckedTrail Check(TrailFile file, List<AuditFinding> findings)
    {
        var trail = new CheckedTrail(file);
        void Report(string rule, long? seq, string message) => findings.Add(new AuditFinding(rule, file.Path, seq, message));

        if (file.Lines.Count == 0 && file.TornLineNumber is null)
        {
            Report(AuditRules.Header, null, "the trail is empty");
            return trail;
        }
        ReadHeader(file, trail, Report);

        var bySeq = new Dictionary<long, TrailLine>();
        foreach (var line in file.Lines)
        {
            if (line.Record is not { } record) Report(AuditRules.Malformed, null, $"line {line.LineNumber}: {line.Error}");
            else bySeq.TryAdd(record.Seq, line);
        }
        var authentic = Authenticate(trail, bySeq, Report);
        foreach (var line in file.Lines)
        {
            if (line.Record is not { } record || !authentic.Contains(line.LineNumber)) continue;
            if (trail.Participant is not null && !string.Equals(record.Participant, trail.Participant, StringComparison.Ordinal))
                Report(AuditRules.Participant, record.Seq, $"record names participant '{record.Participant}' in the trail of '{trail.Participant}'");
            else if (!AuditEvents.IsKnown(record.Event))
                Report(AuditRules.UnknownEvent, record.Seq, $"event '{record.Event}' is not in the vocabulary");
            else if (record.Event == AuditEvents.TrailStart && line.LineNumber != 1)
                Report(AuditRules.Header, record.Seq, "a second trail.start inside the trail");
            else
                trail.Valid.Add(record);
        }

        CheckSequence(file, bySeq, authentic, Report);
        if (file.TornLineNumber is { } torn)
            Report(AuditRules.Torn, null, $"line {torn} is incomplete (no newline): the writer stopped in the middle of a record");
        trail.Valid.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        var records = trail.Valid.ToArray();
        trail.Valid.Clear();
        foreach (var record in records) RecordViews.Add(trail.Valid, record, trail.IsResearcher, Report);
        return trail;
    }

    /// <summary>
    /// The line numbers of authentic records. Walks seqs downwards so that each record is judged by its
    /// successor in the batch: a record that ends its batch by its signature, any other by the link from
    /// the next record (itself authentic, same seal and signature, prev = this record's hash).
    /// </summary>
    private static HashSet<int> Authenticate(CheckedTrail trail, Dictionary<long, TrailLine> bySeq, Action<string, long?, string> report)
    {
        var authentic = new HashSet<int>();
        if (bySeq.Count == 0) return authentic;
        var highest = bySeq.Keys.Max();
        // Records that could not be tied to their seal because of a break after them, reported as one range per break.
        (long From, long To, string Why)? orphans = null;
        void FlushOrphans()
        {
            if (orphans is not { } o) return;
            var range = o.From == o.To ? $"record {o.From} cannot" : $"records {o.From}..{o.To} cannot";
            report(AuditRules.Unsealed, o.From, $"{range} be authenticated: {o.Why}");
            orphans = null;
        }

        for (var seq = highest; seq >= 0; seq--)
        {
            if (!bySeq.TryGetValue(seq, out var line))
            {
                FlushOrphans();
                continue;
            }
            var record = line.Record!;
            if (record.Seal == record.Seq)
            {
                FlushOrphans();
                var ok = trail.PublicKey is not null && SignatureVerifies(trail.PublicKey, record, line.SignedBytes);
                if (ok) authentic.Add(line.LineNumber);
                else if (trail.PublicKey is not null)
                    report(AuditRules.Signature, seq, $"signature of record {seq} ({record.Event}) does not verify under the key of '{trail.Participant}': the record was altered or signed by another key");
                continue;
            }
            if (record.Seal < record.Seq)
            {
                FlushOrphans();
                report(AuditRules.Signature, seq, $"record {seq} ({record.Event}) names seal {record.Seal}, before itself: the record was altered");
                continue;
            }
            var next = bySeq.GetValueOrDefault(seq + 1);
            var nextAuthentic = next is not null && authentic.Contains(next.LineNumber);
            if (nextAuthentic && next!.Record!.Seal == record.Seal && string.Equals(next.Record.Prev, line.Hash, StringComparison.Ordinal)
                && string.Equals(next.Record.Sig, record.Sig, StringComparison.Ordinal))
            {
                FlushOrphans();
                authentic.Add(line.LineNumber);
            }
            else if (nextAuthentic)
            {
                // The link to an authentic successor is broken: this record was altered (or its signature field swapped).
                FlushOrphans();
                report(AuditRules.Signature, seq, $"record {seq} ({record.Event}) is not covered by the seal of record {record.Seal}: the record was altered");
            }
            else
            {
                var why = next is null
                    ? (seq + 1 > highest
                        ? $"the trail ends before their seal, record {record.Seal} (the writer stopped in the middle of a batch, or the trail was cut)"
                        : $"record {seq + 1} of their batch (sealed by record {record.Seal}) is missing")
                    : $"record {seq + 1} of their batch (sealed by record {record.Seal}) does not verify";
                if (orphans is { } o && o.From == seq + 1) orphans = (seq, o.To, o.Why);
                else
                {
                    FlushOrphans();
                    orphans = (seq, seq, why);
                }
            }
        }
        FlushOrphans();
        return authentic;
    }

    private static void ReadHeader(TrailFile file, CheckedTrail trail, Action<string, long?, string> report)
    {
        var header = file.Lines.Count > 0 ? file.Lines[0].Record : null;
        if (header is null || header.Event != AuditEvents.TrailStart || header.Seq != 0 || header.Prev != AuditRecord.GenesisPrev)
        {
            report(AuditRules.Header, header?.Seq, "the first record is not a trail.start header with seq 0 and a zero prev: no key to check signatures with");
            return;
        }
        byte[]? key = null;
        try
        {
            key = Convert.FromHexString(header.Attr(AuditAttrs.PublicKey) ?? "");
        }
        catch (FormatException)
        {
        }
        if (key is not { Length: Ed25519.PublicKeySize } || string.IsNullOrEmpty(header.Attr(AuditAttrs.Run)))
        {
            report(AuditRules.Header, 0, "the trail.start header lacks a 32-byte public_key or a run id");
            return;
        }
        trail.PublicKey = key;
        trail.Participant = header.Participant;
        trail.Run = header.Attr(AuditAttrs.Run);
        trail.Role = header.Attr(AuditAttrs.Role) ?? AuditRoles.Node;
    }

    /// <summary>Repeated and reordered seqs, gaps, and prev links between authentic neighbours; <paramref name="bySeq"/> holds each seq's first line.</summary>
    private static void CheckSequence(TrailFile file, Dictionary<long, TrailLine> bySeq, HashSet<int> authentic, Action<string, long?, string> report)
    {
        var highest = -1L;
        foreach (var line in file.Lines)
        {
            if (line.Record is not { } record) continue;
            if (!ReferenceEquals(bySeq[record.Seq], line))
                report(AuditRules.Order, record.Seq, $"seq {record.Seq} appears twice (lines {bySeq[record.Seq].LineNumber} and {line.LineNumber})");
            else if (record.Seq < highest)
                report(AuditRules.Order, record.Seq, $"record {record.Seq} comes after record {highest}: records were reordered");
            highest = Math.Max(highest, record.Seq);
        }

        var missingFrom = -1L;
        for (var seq = 0L; seq <= highest; seq++)
        {
            if (!bySeq.ContainsKey(seq))
            {
                if (missingFrom < 0) missingFrom = seq;
                continue;
            }
            if (missingFrom >= 0)
            {
                var range = missingFrom == seq - 1 ? $"record {missingFrom} is" : $"records {missingFrom}..{seq - 1} are";
                report(AuditRules.Gap, seq, $"{range} missing before record {seq}: removed from the trail");
                missingFrom = -1;
                continue;
            }
            if (seq == 0) continue;
            var line = bySeq[seq];
            var before = bySeq[seq - 1];
            if (!authentic.Contains(line.LineNumber) || !authentic.Contains(before.LineNumber)) continue;
            if (!string.Equals(line.Record!.Prev, before.Hash, StringComparison.Ordinal))
                report(AuditRules.Prev, seq, $"record {seq} does not chain to record {seq - 1} (prev {Short(line.Record.Prev)}, expected {Short(before.Hash)}): it was taken from another trail or run");
        }
    }

    internal static bool SignatureVerifies(byte[] publicKey, AuditRecord record, byte[]? signedBytes = null)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(record.Sig);
        }
        catch (FormatException)
        {
            return false;
        }
        return Ed25519.Verify(publicKey, signedBytes ?? AuditJson.SignedBytes(record), signature);
    }

    internal static string Short(string hex) => hex.Length > 12 ? hex[..12] + "…" : hex;
}
