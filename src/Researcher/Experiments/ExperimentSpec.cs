using FedBioMed.Federation;

namespace FedBioMed.Researcher.Experiments;

/// <summary>What a researcher asks for: data by tag, a training plan, rounds, secure-aggregation settings.</summary>
public sealed record ExperimentSpec
{
    /// <summary>Experiment id, part of every round's session binding.</summary>
    public required string Id { get; init; }

    /// <summary>Nodes whose datasets carry this tag take part.</summary>
    public required string DatasetTag { get; init; }

    public required TrainingPlan Plan { get; init; }

    /// <summary>Federated rounds. <value>Default 10.</value></summary>
    public int Rounds { get; init; } = 10;

    /// <summary>Fewest nodes a round may complete with. <value>Default 2.</value></summary>
    public int MinNodes { get; init; } = 2;

    /// <summary>Nodes drawn per round (null: every matching node).</summary>
    public int? CohortSize { get; init; }

    /// <summary>Masks every update so the researcher only learns the sum. <value>Default true.</value></summary>
    public bool SecureAggregation { get; init; } = true;

    /// <summary>Neighbours per node (null: n-1, full SecAgg, up to 10 nodes; 2·⌈log2 n⌉ above).</summary>
    public int? NeighbourDegree { get; init; }

    /// <summary>Fraction of a node's share holders needed to unmask (must exceed 1/2). <value>Default 2/3.</value></summary>
    public double ThresholdFraction { get; init; } = 2.0 / 3.0;

    /// <summary>L2 bound C on one node's update (before weighting). <value>Default 100.</value></summary>
    public double ClipNorm { get; init; } = 100;

    /// <summary>Client-level distributed DP (null: off).</summary>
    public ClientDpSpec? ClientDp { get; init; }

    /// <summary>Deadline for each secure-aggregation stage. <value>Default 30 s.</value></summary>
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for local training. <value>Default 10 min.</value></summary>
    public TimeSpan TrainingTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Id)) throw new ArgumentException("experiment.id must not be empty");
        if (string.IsNullOrWhiteSpace(DatasetTag)) throw new ArgumentException("experiment.datasetTag must not be empty");
        ArgumentNullException.ThrowIfNull(Plan, "experiment.plan");
        Plan.Validate();
        if (Rounds < 1) throw new ArgumentException($"experiment.rounds: {Rounds} must be at least 1");
        if (MinNodes < 2) throw new ArgumentException($"experiment.minNodes: {MinNodes} must be at least 2 (one node's sum is its update)");
        if (CohortSize is { } c && c < MinNodes) throw new ArgumentException($"experiment.cohortSize: {c} must be at least minNodes {MinNodes}");
        if (!(ThresholdFraction > 0.5 && ThresholdFraction <= 1)) throw new ArgumentException($"experiment.thresholdFraction: {ThresholdFraction} must be in (0.5, 1]");
        if (!(ClipNorm > 0) || double.IsInfinity(ClipNorm)) throw new ArgumentException($"experiment.clipNorm: {ClipNorm} must be positive");
        if (StageTimeout <= TimeSpan.Zero) throw new ArgumentException($"experiment.stageTimeout: {StageTimeout} must be positive");
        ClientDp?.Validate();
        if (ClientDp is not null && !SecureAggregation)
            throw new ArgumentException("experiment.clientDp: distributed DP needs secure aggregation (the noise of one node alone is too small)");
        if (TrainingTimeout <= TimeSpan.Zero) throw new ArgumentException($"experiment.trainingTimeout: {TrainingTimeout} must be positive");
    }

    /// <summary>The neighbour degree for a cohort of <paramref name="n"/>.</summary>
    public int DegreeFor(int n)
    {
        var k = NeighbourDegree ?? (n <= 10 ? n - 1 : 2 * (int)Math.Ceiling(Math.Log2(n)));
        k = Math.Min(k, n - 1);
        return k == n - 1 || k % 2 == 0 ? k : k + 1 > n - 1 ? n - 1 : k + 1;
    }

    /// <summary>The threshold for holders of size k + 1.</summary>
    public int ThresholdFor(int degree)
    {
        var holders = degree + 1;
        return Math.Clamp(Math.Max((int)Math.Ceiling(holders * ThresholdFraction), holders / 2 + 1), 2, holders);
    }
}
