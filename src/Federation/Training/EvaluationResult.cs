namespace FedBioMed.Federation;

/// <summary>Metrics of the current model on a held-out split.</summary>
/// <param name="Accuracy">Fraction of samples whose highest logit is the true class.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="SampleCount">Samples evaluated.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, int SampleCount);
