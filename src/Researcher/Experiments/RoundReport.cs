namespace FedBioMed.Researcher.Experiments;

/// <summary>Who took part in one round and how the global model did.</summary>
public sealed record RoundReport
{
    public required long Round { get; init; }

    /// <summary>Nodes asked to train.</summary>
    public required IReadOnlyList<string> Selected { get; init; }

    /// <summary>Nodes whose updates are in the aggregate.</summary>
    public IReadOnlyList<string> Survivors { get; init; } = [];

    /// <summary>Selected nodes left out, with the reason (timeout, disconnect, refusal).</summary>
    public IReadOnlyDictionary<string, string> Dropped { get; init; } = new Dictionary<string, string>();

    /// <summary>Sample-weighted validation accuracy of the global model the round started from, on the nodes' held-out splits.</summary>
    public double ValidationAccuracy { get; init; } = double.NaN;

    public double ValidationLoss { get; init; } = double.NaN;

    /// <summary>Sample-weighted local training loss.</summary>
    public double TrainLoss { get; init; } = double.NaN;

    public string? GlobalModelSha256 { get; init; }

    /// <summary>ε spent by the experiment after this round (at the experiment's δ), or NaN without DP.</summary>
    public double Epsilon { get; init; } = double.NaN;

    /// <summary>Why the round was aborted (the global model then stays as it was); null when it completed.</summary>
    public string? AbortReason { get; init; }

    public TimeSpan Duration { get; init; }

    public TimeSpan AggregationTime { get; init; }

    public bool Completed => AbortReason is null;
}
