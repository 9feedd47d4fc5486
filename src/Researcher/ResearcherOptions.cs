namespace FedBioMed.Researcher;

/// <summary>Settings of the researcher's server.</summary>
public sealed record ResearcherOptions
{
    /// <summary>Name nodes see in the challenge they sign. <value>Default "researcher".</value></summary>
    public string ResearcherId { get; init; } = "researcher";

    /// <summary>Largest payload (model or masked input) accepted from a node. <value>Default 2 GiB - 1.</value></summary>
    public long MaxPayloadBytes { get; init; } = int.MaxValue;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ResearcherId)) throw new ArgumentException("Researcher:ResearcherId must not be empty");
        if (MaxPayloadBytes < 1) throw new ArgumentException($"Researcher:MaxPayloadBytes {MaxPayloadBytes} must be positive");
    }
}
