using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Aggregation.Simulation;

/// <summary>How a simulated round ended.</summary>
public sealed record SimulationOutcome(
    SecAggResult? Result,
    string? AbortReason,
    IReadOnlyDictionary<string, SecAggRefusedException> Refusals,
    SecAggStage AbortedAtStage)
{
    public bool Completed => Result is not null;
}
