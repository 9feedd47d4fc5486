namespace FedBioMed.Federation;

/// <summary>A training plan that is malformed or out of bounds; <see cref="Field"/> names where, e.g. "plan.optimizer.lr".</summary>
public sealed class TrainingPlanException : FormatException
{
    public TrainingPlanException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
    }

    public TrainingPlanException(string field, string message, Exception inner)
        : base($"{field}: {message}", inner)
    {
        Field = field;
    }

    /// <summary>JSON path of the offending field, starting at "plan".</summary>
    public string Field { get; }
}
