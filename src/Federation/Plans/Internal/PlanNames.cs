namespace FedBioMed.Federation.Internal;

/// <summary>The JSON spelling of each plan enum, in one place so reader and writer cannot disagree.</summary>
internal static class PlanNames
{
    public static readonly IReadOnlyDictionary<ModelKind, string> Models = new Dictionary<ModelKind, string>
    {
        [ModelKind.LogisticRegression] = "logistic-regression",
        [ModelKind.Mlp] = "mlp",
        [ModelKind.Cnn] = "cnn",
    };

    public static readonly IReadOnlyDictionary<OptimizerKind, string> Optimizers = new Dictionary<OptimizerKind, string>
    {
        [OptimizerKind.Sgd] = "sgd",
        [OptimizerKind.Adam] = "adam",
    };

    public static readonly IReadOnlyDictionary<LossKind, string> Losses = new Dictionary<LossKind, string>
    {
        [LossKind.CrossEntropy] = "cross-entropy",
    };

    public static readonly IReadOnlyDictionary<PreprocessingKind, string> Preprocessings = new Dictionary<PreprocessingKind, string>
    {
        [PreprocessingKind.None] = "none",
        [PreprocessingKind.Standardize] = "standardize",
    };

    public static readonly IReadOnlyDictionary<BatchSampling, string> Samplings = new Dictionary<BatchSampling, string>
    {
        [BatchSampling.Poisson] = "poisson",
        [BatchSampling.Fixed] = "fixed",
    };

    public static string NameOf<T>(IReadOnlyDictionary<T, string> names, T value, string field)
        where T : struct, Enum =>
        names.TryGetValue(value, out var name) ? name : throw new TrainingPlanException(field, $"{value} is not a known value");

    public static T ValueOf<T>(IReadOnlyDictionary<T, string> names, string text, string field)
        where T : struct, Enum
    {
        foreach (var (value, name) in names)
        {
            if (name == text)
            {
                return value;
            }
        }
        throw new TrainingPlanException(field, $"'{text}' is not one of {string.Join(", ", names.Values.Select(n => $"'{n}'"))}");
    }
}
