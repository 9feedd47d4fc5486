namespace FedBioMed.Researcher.Experiments;

/// <summary>The outcome of an experiment: the global model, per-round reports and the final evaluation.</summary>
public sealed record ExperimentResult(
    string ExperimentId,
    float[] GlobalParameters,
    IReadOnlyList<RoundReport> Rounds,
    double FinalValidationAccuracy,
    double FinalValidationLoss,
    IReadOnlyList<Federation.ParameterEntry> Layout)
{
    /// <summary>The federation's feature statistics the model was trained with (plans that standardize).</summary>
    public float[]? FeatureMean { get; init; }

    public float[]? FeatureStd { get; init; }
}

/// <summary>Progress of a running experiment, for progress bars.</summary>
public sealed record ExperimentProgress(long Round, int TotalRounds, string Stage, double Fraction)
{
    /// <summary>The report of the round that just finished (stage "done"); null at the other stages.</summary>
    public RoundReport? Report { get; init; }
}
