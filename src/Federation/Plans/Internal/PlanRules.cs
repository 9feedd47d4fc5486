using System.Globalization;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Bounds on every plan field. They keep a hostile or mistyped plan from exhausting a node (huge layers,
/// endless epochs) and make every accepted plan trainable.
/// </summary>
internal static class PlanRules
{
    public const int MaxHiddenLayers = 16;
    public const int MaxLayerWidth = 65_536;
    public const int MaxEpochs = 10_000;
    public const int MaxSteps = 10_000_000;
    public const int MaxBatchSize = 1_000_000;
    public const double MaxLearningRate = 10;
    public const double MaxNoiseMultiplier = 1_000;
    public const double MaxGradNorm = 1e6;

    public static void Validate(TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Model is null)
        {
            throw new TrainingPlanException("plan.model", "is missing");
        }
        if (plan.Optimizer is null)
        {
            throw new TrainingPlanException("plan.optimizer", "is missing");
        }
        PlanNames.NameOf(PlanNames.Models, plan.Model.Kind, "plan.model.kind");
        PlanNames.NameOf(PlanNames.Losses, plan.Loss, "plan.loss");
        PlanNames.NameOf(PlanNames.Optimizers, plan.Optimizer.Kind, "plan.optimizer.kind");
        PlanNames.NameOf(PlanNames.Preprocessings, plan.Preprocessing, "plan.preprocessing");

        ValidateModel(plan.Model);
        ValidateOptimizer(plan.Optimizer);

        if (plan.LocalEpochs is null == plan.LocalSteps is null)
        {
            throw new TrainingPlanException("plan.localEpochs", "exactly one of localEpochs and localSteps must be set");
        }
        if (plan.LocalEpochs is { } epochs)
        {
            InRange("plan.localEpochs", epochs, 1, MaxEpochs);
        }
        if (plan.LocalSteps is { } steps)
        {
            InRange("plan.localSteps", steps, 1, MaxSteps);
        }
        InRange("plan.batchSize", plan.BatchSize, 1, MaxBatchSize);
        if (plan.Seed < 0)
        {
            throw new TrainingPlanException("plan.seed", $"{plan.Seed} must be >= 0");
        }
        if (plan.DifferentialPrivacy is { } dp)
        {
            ValidatePrivacy(dp);
        }
    }

    private static void ValidatePrivacy(DifferentialPrivacySpec dp)
    {
        PositiveAtMost("plan.differentialPrivacy.noiseMultiplier", dp.NoiseMultiplier, MaxNoiseMultiplier);
        PositiveAtMost("plan.differentialPrivacy.maxGradNorm", dp.MaxGradNorm, MaxGradNorm);
        PlanNames.NameOf(PlanNames.Samplings, dp.Sampling, "plan.differentialPrivacy.sampling");
    }

    private static void PositiveAtMost(string field, double value, double max)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new TrainingPlanException(field, $"{Show(value)} must be > 0");
        }
        if (value > max)
        {
            throw new TrainingPlanException(field, $"{Show(value)} must be <= {Show(max)}");
        }
    }

    private static void ValidateModel(ModelSpec model)
    {
        if (model.Kind != ModelKind.Mlp)
        {
            if (model.HiddenSizes.Count != 0)
            {
                throw new TrainingPlanException("plan.model.hidden", $"only an mlp has hidden layers, not {PlanNames.Models[model.Kind]}");
            }
            return;
        }
        if (model.HiddenSizes.Count is 0 or > MaxHiddenLayers)
        {
            throw new TrainingPlanException("plan.model.hidden", $"an mlp needs 1 to {MaxHiddenLayers} hidden layers, not {model.HiddenSizes.Count}");
        }
        for (int i = 0; i < model.HiddenSizes.Count; i++)
        {
            InRange($"plan.model.hidden[{i}]", model.HiddenSizes[i], 1, MaxLayerWidth);
        }
    }

    private static void ValidateOptimizer(OptimizerSpec optimizer)
    {
        PositiveAtMost("plan.optimizer.lr", optimizer.LearningRate, MaxLearningRate);
        double momentum = optimizer.Momentum;
        if (optimizer.Kind == OptimizerKind.Sgd)
        {
            if (!(momentum >= 0 && momentum < 1))
            {
                throw new TrainingPlanException("plan.optimizer.momentum", $"{Show(momentum)} must be in [0, 1)");
            }
        }
        else if (momentum != 0)
        {
            throw new TrainingPlanException("plan.optimizer.momentum", $"only sgd takes a momentum, not {PlanNames.Optimizers[optimizer.Kind]}");
        }
    }

    private static void InRange(string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new TrainingPlanException(field, $"{value} must be in [{min}, {max}]");
        }
    }

    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
