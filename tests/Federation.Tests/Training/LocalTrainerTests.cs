using FedBioMed.Federation.Tests.Infrastructure;
using TorchSharp;

namespace FedBioMed.Federation.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class LocalTrainerTests
{
    private static readonly LocalTrainerOptions Cpu = new() { Device = DeviceOption.Cpu, IntraOpThreads = 2 };

    private static TrainingPlan Plan(ModelSpec model, OptimizerSpec optimizer, int epochs, int batchSize = 32,
        PreprocessingKind preprocessing = PreprocessingKind.None, long seed = 1) => new()
        {
            Model = model,
            Optimizer = optimizer,
            LocalEpochs = epochs,
            BatchSize = batchSize,
            Preprocessing = preprocessing,
            Seed = seed,
        };

    [Fact]
    public void Train_LogisticRegressionOnSeparableBlobs_ClassifiesAll()
    {
        var data = SyntheticData.Blobs(perClass: 100, dimensions: 4, seed: 1);
        using var trainer = LocalTrainer.Create(Plan(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.1), epochs: 5), data.FeatureShape, data.ClassCount, Cpu);

        var result = trainer.Train(data);
        var evaluation = trainer.Evaluate(data);

        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.Equal(200, result.SampleCount);
        Assert.Equal(5 * 7, result.Steps);
        Assert.Equal(1000, result.SamplesProcessed);
        Assert.True(evaluation.Loss < 0.05, $"loss {evaluation.Loss}");
    }

    [Fact]
    public void Train_LocalSteps_TakesExactlyThatManySteps()
    {
        var data = SyntheticData.Blobs(perClass: 10, dimensions: 2, seed: 2);
        var plan = Plan(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.1), epochs: 1) with { LocalEpochs = null, LocalSteps = 7 };
        using var trainer = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);

        var result = trainer.Train(data);

        // 20 samples in batches of 32 is one batch per pass, so 7 steps are 7 passes of 20.
        Assert.Equal(7, result.Steps);
        Assert.Equal(140, result.SamplesProcessed);
    }

    [Fact]
    public void Layout_Mlp_IsLayerByLayerWeightThenBias()
    {
        using var trainer = LocalTrainer.Create(Plan(ModelSpec.Mlp(32, 16), OptimizerSpec.Adam(0.01), epochs: 1), [30], 2, Cpu);

        Assert.Equal(
            [("hidden0.weight", "32,30", 0), ("hidden0.bias", "32", 960), ("hidden1.weight", "16,32", 992),
             ("hidden1.bias", "16", 1504), ("output.weight", "2,16", 1520), ("output.bias", "2", 1552)],
            trainer.Layout.Select(e => (e.Name, string.Join(",", e.Shape), e.Offset)));
        Assert.Equal(1554, trainer.ParameterCount);
        Assert.Equal(trainer.Layout, LocalTrainer.DescribeParameters(ModelSpec.Mlp(32, 16), [30], 2));
    }

    [Fact]
    public void SetParameters_ThenGetParameters_RoundTripsExactly()
    {
        using var trainer = LocalTrainer.Create(Plan(ModelSpec.Cnn(), OptimizerSpec.Adam(0.01), epochs: 1), [1, 28, 28], 10, Cpu);
        var values = new float[trainer.ParameterCount];
        var random = new Random(3);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        trainer.SetParameters(values);

        Assert.Equal(values, trainer.GetParameters());
        var viaSpan = new float[trainer.ParameterCount];
        trainer.CopyParametersTo(viaSpan);
        Assert.Equal(values, viaSpan);
    }

    [Fact]
    public void SetParameters_WrongLength_SaysBothLengths()
    {
        using var trainer = LocalTrainer.Create(Plan(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.1), epochs: 1), [3], 2, Cpu);

        var error = Assert.Throws<ArgumentException>(() => trainer.SetParameters(new float[5]));

        Assert.StartsWith("parameters has 5 values; this logistic-regression model has 8 parameters", error.Message);
    }

    [Fact]
    public void Create_InitialParameters_FollowPyTorchDefaultScale()
    {
        using var trainer = LocalTrainer.Create(Plan(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.1), epochs: 1), [100], 2, Cpu);

        var parameters = trainer.GetParameters();

        Assert.All(parameters, p => Assert.InRange(p, -0.1f, 0.1f));
        Assert.True(parameters.Select(Math.Abs).Max() > 0.08f);
    }

    [Fact]
    public void Train_SameSeedAndRound_GivesIdenticalParameters()
    {
        var data = SyntheticData.Blobs(perClass: 50, dimensions: 6, seed: 4);
        var plan = Plan(ModelSpec.Mlp(8), OptimizerSpec.Sgd(0.05, 0.9), epochs: 2, batchSize: 8, seed: 99);

        float[] RunOnce(TrainingPlan p, long round)
        {
            using var trainer = LocalTrainer.Create(p, data.FeatureShape, data.ClassCount, Cpu);
            return trainer.Train(data, round).Parameters;
        }

        var first = RunOnce(plan, round: 3);
        Assert.Equal(first, RunOnce(plan, round: 3));
        Assert.NotEqual(first, RunOnce(plan, round: 4));
        Assert.NotEqual(first, RunOnce(plan with { Seed = 100 }, round: 3));
    }

    [Fact]
    public void Train_FromGlobalParameters_IgnoresEarlierLocalState()
    {
        var data = SyntheticData.Blobs(perClass: 20, dimensions: 3, seed: 5);
        var plan = Plan(ModelSpec.LogisticRegression(), OptimizerSpec.Sgd(0.01, 0.5), epochs: 1);
        float[] global = [.. Enumerable.Range(0, 8).Select(i => i * 0.1f - 0.4f)];
        using var fresh = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);
        using var used = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);
        used.Train(data, round: 0);

        var fromFresh = fresh.Train(data, global, round: 1).Parameters;
        var fromUsed = used.Train(data, global, round: 1).Parameters;

        Assert.Equal(fromFresh, fromUsed);
        Assert.NotEqual(global, fromFresh);
    }
}
