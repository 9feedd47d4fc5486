namespace FedBioMed.Node.Privacy;

/// <summary>
/// What the node's operator requires, whatever the researcher asks: bound from "Node:Privacy". The node
/// refuses any round that breaks it.
/// </summary>
public sealed record NodePrivacyPolicy
{
    /// <summary>Refuse rounds that would send an update in the clear. <value>Default true.</value></summary>
    public bool RequireSecureAggregation { get; set; } = true;

    /// <summary>Refuse rounds without client-level DP noise. <value>Default false.</value></summary>
    public bool RequireDifferentialPrivacy { get; set; }

    /// <summary>Largest total ε per dataset (at <see cref="Delta"/>); null: no limit. <value>Default null.</value></summary>
    public double? MaxEpsilon { get; set; }

    /// <summary>δ at which the ledger reports ε. <value>Default 1e-5.</value></summary>
    public double Delta { get; set; } = 1e-5;

    /// <summary>
    /// Allow round 0 of standardizing plans (federation-wide feature sums under secure aggregation; not
    /// covered by ε). <value>Default true.</value>
    /// </summary>
    public bool AllowFeatureStatistics { get; set; } = true;

    /// <summary>Smallest noise multiplier z = σ_total / Δ₂ the node accepts. <value>Default 0 (none).</value></summary>
    public double MinNoiseMultiplier { get; set; }

    public void Validate()
    {
        if (MaxEpsilon is { } e && !(e > 0)) throw new ArgumentException($"Node:Privacy:MaxEpsilon {e} must be positive");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"Node:Privacy:Delta {Delta} must be in (0, 1)");
        if (!(MinNoiseMultiplier >= 0)) throw new ArgumentException($"Node:Privacy:MinNoiseMultiplier {MinNoiseMultiplier} must be non-negative");
    }
}
