using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit.Internal;
using FedBioMed.Federation.Audit.Verification.Internal;

namespace FedBioMed.Federation.Audit.Verification;

/// <summary>
/// Checks the trails of one run after the fact and reports one finding per violation, naming the record
/// that shows it (rules in <see cref="AuditRules"/>):
/// each chain (header, canonical lines, signatures, seq, prev hashes) and, with a roster, each header key;
/// one run id for all trails; stage order per round; never both shares of one owner (nor requests that
/// contradict the survivor set); relayed items as their authors sent them; the same parameters,
/// survivor set and global model for everyone; each node's policy; and agreement on exchanged messages.
/// Records whose signature fails, and trails set aside (other run, wrong key, duplicate), take no part in
/// the later checks, so one tampering is reported once.
/// </summary>
public static class AuditVerifier
{
    /// <param name="trailPaths">The trail files of one run.</param>
    /// <param name="roster">When given, every node's header key must be its roster key.</param>
    /// <param name="researcherKey">The researcher's identity key, when it is not in the roster.</param>
    /// <exception cref="FileNotFoundException">A trail file does not exist.</exception>
    public static AuditReport Verify(IEnumerable<string> trailPaths, Roster? roster = null, byte[]? researcherKey = null)
    {
        ArgumentNullException.ThrowIfNull(trailPaths);
        var paths = trailPaths.ToArray();
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"audit trail '{path}' does not exist", path);
        }

        var chainFindings = new List<AuditFinding>[paths.Length];
        var trails = new CheckedTrail[paths.Length];
        Parallel.For(0, paths.Length, i =>
        {
            chainFindings[i] = [];
            trails[i] = ChainCheck.Check(TrailFile.Read(paths[i]), chainFindings[i]);
        });
        var findings = chainFindings.SelectMany(f => f).ToList();

        foreach (var trail in trails.Where(t => t.PublicKey is null)) trail.Trusted = false;
        if (roster is not null || researcherKey is not null) CheckKeys(trails, roster, researcherKey, findings);
        CheckRun(trails, findings);
        CheckDuplicates(trails, findings);

        var trusted = trails.Where(t => t.Trusted).ToArray();
        foreach (var trail in trusted)
        {
            StageOrderCheck.Check(trail, findings);
            PolicyCheck.Check(trail, findings);
        }
        IncompleteRoundCheck.Check(trusted, findings);
        UnmaskCheck.Check(trusted, findings);
        AgreementCheck.Check(trusted, findings);
        MessageCheck.Check(trusted, findings);
        RelayCheck.Check(trusted, findings);
        return new AuditReport(findings, paths.Length, trails.Sum(t => (long)t.ParsedRecords));
    }

    private static void CheckKeys(CheckedTrail[] trails, Roster? roster, byte[]? researcherKey, List<AuditFinding> findings)
    {
        foreach (var trail in trails.Where(t => t.Trusted))
        {
            byte[]? expected = null;
            string source;
            if (roster is not null && roster.Contains(trail.Participant!))
            {
                expected = roster.IdentityKeyOf(trail.Participant!);
                source = "roster key";
            }
            else if (trail.IsResearcher && researcherKey is not null)
            {
                expected = researcherKey;
                source = "--researcher-key";
            }
            else
            {
                source = trail.IsResearcher ? "roster, and no researcher key was given" : "roster";
            }
            if (expected is not null && expected.AsSpan().SequenceEqual(trail.PublicKey)) continue;
            if (expected is null && roster is null) continue; // only a researcher key was given; nodes go unchecked
            trail.Trusted = false;
            findings.Add(new AuditFinding(AuditRules.RosterKey, trail.Name, 0, expected is null
                ? $"'{trail.Participant}' is not in the {source}: its key {ChainCheck.Short(Convert.ToHexStringLower(trail.PublicKey!))} cannot be checked"
                : $"the trail of '{trail.Participant}' is signed by {ChainCheck.Short(Convert.ToHexStringLower(trail.PublicKey!))}, not by its {source} {ChainCheck.Short(Convert.ToHexStringLower(expected))}"));
        }
    }

    private static void CheckRun(CheckedTrail[] trails, List<AuditFinding> findings)
    {
        var withRun = trails.Where(t => t.Trusted && t.Run is not null).ToArray();
        if (withRun.Length == 0) return;
        var run = withRun.GroupBy(t => t.Run!, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().Key;
        foreach (var trail in withRun.Where(t => t.Run != run))
        {
            trail.Trusted = false;
            findings.Add(new AuditFinding(AuditRules.Run, trail.Name, 0, $"the trail of '{trail.Participant}' belongs to run '{trail.Run}', the others to run '{run}'"));
        }
    }

    private static void CheckDuplicates(CheckedTrail[] trails, List<AuditFinding> findings)
    {
        var seen = new Dictionary<string, CheckedTrail>(StringComparer.Ordinal);
        foreach (var trail in trails.Where(t => t.Trusted))
        {
            if (seen.TryAdd(trail.Participant!, trail)) continue;
            trail.Trusted = false;
            findings.Add(new AuditFinding(AuditRules.Duplicate, trail.Name, 0, $"a second trail of '{trail.Participant}' (the first is {seen[trail.Participant!].Name})"));
        }
    }
}
