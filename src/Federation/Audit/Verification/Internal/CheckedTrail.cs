using FedBioMed.Federation.Audit.Internal;

namespace FedBioMed.Federation.Audit.Verification.Internal;

/// <summary>A trail after its chain check: who wrote it, and the records whose signatures verified, by seq.</summary>
internal sealed class CheckedTrail(TrailFile file)
{
    public TrailFile File { get; } = file;

    public string Name => File.Path;

    public string? Participant { get; set; }

    public string? Role { get; set; }

    public string? Run { get; set; }

    public byte[]? PublicKey { get; set; }

    /// <summary>Signature-valid records in seq order, header included, as the checks read them (<see cref="RecordViews"/>).</summary>
    public List<AuditRecord> Valid { get; } = [];

    /// <summary>False when the whole trail is set aside (other run, roster mismatch, duplicate).</summary>
    public bool Trusted { get; set; } = true;

    public bool IsResearcher => Role == AuditRoles.Researcher;

    public int ParsedRecords => File.Lines.Count(l => l.Record is not null);
}
