namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>What a node requires of any round it joins, whatever the server asks.</summary>
public sealed record SecAggClientPolicy
{
    /// <summary>The smallest threshold the node accepts. <value>Default 2.</value></summary>
    public int MinimumThreshold { get; init; } = 2;

    /// <summary>The smallest cohort the node accepts. <value>Default 2.</value></summary>
    public int MinimumCohortSize { get; init; } = 2;

    /// <summary>
    /// How many of its share holders the node assumes may collude with a malicious server. A server
    /// with c colluders among a node's k+1 holders can collect both of its secrets (and so its input)
    /// unless 2t &gt; k + 1 + c; the node refuses rounds that do not meet that bound.
    /// <value>Default 0: a malicious server alone.</value>
    /// </summary>
    public int AssumedColludingNodes { get; init; }
}
