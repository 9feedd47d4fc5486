using System.Globalization;

namespace FedBioMed.Federation.Audit.Verification;

/// <summary>One violation, with the trail file and the record that shows it (null when no record does).</summary>
public sealed record AuditFinding(string Rule, string TrailFile, long? Seq, string Message)
{
    /// <summary><c>FINDING &lt;rule&gt; &lt;file&gt;:&lt;seq&gt; &lt;message&gt;</c>, with "-" for a missing seq.</summary>
    public override string ToString() =>
        $"FINDING {Rule} {TrailFile}:{(Seq is { } seq ? seq.ToString(CultureInfo.InvariantCulture) : "-")} {Message}";
}

/// <summary>What <see cref="AuditVerifier.Verify"/> checked and found.</summary>
public sealed record AuditReport(IReadOnlyList<AuditFinding> Findings, int Trails, long Records)
{
    public bool Clean => Findings.Count == 0;
}
