namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>What a node requires of any round it joins, whatever the server asks.</summary>
public sealed record SecAggClientPolicy
{
    /// <summary>The smallest threshold the node accepts. <value>Default 2.</value></summary>
    public int MinimumThreshold { get; init; } = 2;

    /// <summary>The smallest cohort the node accepts. <value>Default 2.</value></summary>
    public int MinimumCohortSize { get; init; } = 2;
}
