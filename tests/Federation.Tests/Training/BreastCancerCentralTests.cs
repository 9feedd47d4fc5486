using FedBioMed.Federation.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>
/// Centralized baselines on Breast Cancer Wisconsin (standardized, stratified 80/20 split, seed 42), which the
/// federated runs are compared with. The dataset's README quotes 95–98% test accuracy for a logistic regression.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BreastCancerCentralTests(ITestOutputHelper output)
{
    private static readonly LocalTrainerOptions Cpu = new() { Device = DeviceOption.Cpu, IntraOpThreads = 2 };

    private static DatasetSplits Split() =>
        DatasetSplitter.Split(RepositoryData.LoadBreastCancer(), validationFraction: 0, testFraction: 0.2, seed: 42);

    private EvaluationResult TrainAndTest(ModelSpec model, OptimizerSpec optimizer, int epochs)
    {
        var split = Split();
        var plan = new TrainingPlan
        {
            Model = model,
            Optimizer = optimizer,
            LocalEpochs = epochs,
            BatchSize = 32,
            Preprocessing = PreprocessingKind.Standardize,
            Seed = 42,
        };
        using var trainer = LocalTrainer.Create(plan, split.Train.FeatureShape, split.Train.ClassCount, Cpu);
        var training = trainer.Train(split.Train);
        var test = trainer.Evaluate(split.Test);
        output.WriteLine($"{model.Kind}: train loss {training.TrainLoss:F4}, test accuracy {test.Accuracy:P2} ({test.SampleCount} samples), test loss {test.Loss:F4}");
        return test;
    }

    [Fact]
    public void LogisticRegression_Standardized_ReachesReferenceAccuracy()
    {
        var test = TrainAndTest(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.05, momentum: 0.9), epochs: 30);

        Assert.Equal(113, test.SampleCount);
        Assert.True(test.Accuracy >= 0.95, $"test accuracy {test.Accuracy:P2}");
    }

    [Fact]
    public void Mlp_Standardized_ReachesReferenceAccuracy()
    {
        var test = TrainAndTest(ModelSpec.Mlp(16), OptimizerSpec.Adam(0.01), epochs: 30);

        Assert.True(test.Accuracy >= 0.95, $"test accuracy {test.Accuracy:P2}");
    }

    [Fact]
    public void Evaluate_StandardizingPlanBeforeAnyTrainingSplit_Refuses()
    {
        var split = Split();
        var plan = new TrainingPlan
        {
            Model = ModelSpec.LogisticRegression(), Optimizer = OptimizerSpec.Sgd(0.1), LocalEpochs = 1, BatchSize = 32,
            Preprocessing = PreprocessingKind.Standardize,
        };
        using var trainer = LocalTrainer.Create(plan, split.Train.FeatureShape, split.Train.ClassCount, Cpu);

        var error = Assert.Throws<InvalidOperationException>(() => trainer.Evaluate(split.Test));
        Assert.Contains("call Train or FitPreprocessing first", error.Message);

        trainer.FitPreprocessing(split.Train);
        Assert.Equal(113, trainer.Evaluate(split.Test).SampleCount);
    }
}
