namespace FedBioMed.Federation.Audit;

/// <summary>Settings of one trail writer.</summary>
public sealed record AuditTrailOptions
{
    /// <summary>The participant's role, written in the header. <value>Default <see cref="AuditRoles.Node"/>.</value></summary>
    public string Role { get; init; } = AuditRoles.Node;

    /// <summary>
    /// Also fsync each record to the disk (survives power loss, costs a disk round trip per record).
    /// <value>Default false: each record is flushed to the operating system, which survives a killed process.</value>
    /// </summary>
    public bool FlushToDisk { get; init; }
}
