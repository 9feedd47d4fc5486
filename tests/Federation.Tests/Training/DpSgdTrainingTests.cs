using FedBioMed.Federation.Internal;
using FedBioMed.Federation.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>DP-SGD through the training loop and the trainer.</summary>
[Collection(TorchCollection.Name)]
public sealed class DpSgdTrainingTests(ITestOutputHelper output)
{
    private static readonly LocalTrainerOptions Cpu = new() { Device = DeviceOption.Cpu, IntraOpThreads = 2 };

    /// <summary>One full-batch step of plain SGD with lr 1: the parameter change is exactly the privatized gradient.</summary>
    private static TrainingPlan OneFullBatchStep(ModelSpec model, int count, double noiseMultiplier, double maxGradNorm) => new()
    {
        Model = model,
        Optimizer = OptimizerSpec.Sgd(1),
        LocalSteps = 1,
        BatchSize = count,
        DifferentialPrivacy = new DifferentialPrivacySpec
        {
            NoiseMultiplier = noiseMultiplier, MaxGradNorm = maxGradNorm, Sampling = BatchSampling.Fixed,
        },
    };

    /// <summary>(θ₀ − θ₁)·N − Σ clip(g_i): the noise that the step added, per coordinate.</summary>
    private static double[] AddedNoise(TrainingPlan plan, LabeledDataset data, out double[] clippedSum)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ModelCatalog.Build(plan.Model, data.FeatureShape, data.ClassCount);
        var parameters = model.parameters().ToArray();
        var before = Flat(parameters);
        var x = torch.tensor(data.FeatureArray, [data.Count, .. data.FeatureShape.Select(d => (long)d)]);
        var y = torch.tensor(TrainingLoop.LongLabels(data));
        long[] all = [.. Enumerable.Range(0, data.Count).Select(i => (long)i)];
        clippedSum = [.. PrivateTrainingLoop.ClippedSum(model, parameters, x, y, all, plan.DifferentialPrivacy!.MaxGradNorm, torch.CPU)
            .SelectMany(t => t.contiguous().data<float>().ToArray()).Select(v => (double)v)];

        var outcome = PrivateTrainingLoop.Run(model, parameters, plan, data.FeatureArray, data, torch.CPU);

        Assert.Equal(1, outcome.Steps);
        Assert.Equal(1.0, outcome.SamplingRate);
        var after = Flat(parameters);
        var sum = clippedSum;
        return [.. before.Select((b, j) => (b - after[j]) * data.Count - sum[j])];
    }

    [Fact]
    public void Run_ZeroNoise_AppliesTheNaiveClippedMeanAndNothingElse()
    {
        var data = SyntheticData.Blobs(perClass: 16, dimensions: 5, seed: 11);
        var plan = OneFullBatchStep(ModelSpec.Mlp(8), data.Count, noiseMultiplier: 0, maxGradNorm: 0.5);
        using (var scope = torch.NewDisposeScope())
        {
            // The clipped sum used below against the definition, so that "nothing else" means clipping as defined.
            using var model = ModelCatalog.Build(plan.Model, data.FeatureShape, data.ClassCount);
            var x = torch.tensor(data.FeatureArray, [data.Count, 5]);
            var y = torch.tensor(TrainingLoop.LongLabels(data));
            var naive = PerSampleGradientsTests.NaivePerSample(model, x, y);
            var fast = PrivateTrainingLoop.ClippedSum(model, model.parameters().ToArray(), x, y,
                [.. Enumerable.Range(0, data.Count).Select(i => (long)i)], 0.5, torch.CPU);
            for (int p = 0; p < fast.Count; p++)
            {
                var values = fast[p].contiguous().data<float>().ToArray();
                for (int j = 0; j < values.Length; j++)
                {
                    double expected = naive.Sum(g =>
                        Math.Min(1, 0.5 / Math.Sqrt(g.Sum(t => t.Sum(v => (double)v * v)))) * g[p][j]);
                    Assert.True(Math.Abs(expected - values[j]) <= 1e-5, $"parameter {p}[{j}]: {expected} vs {values[j]}");
                }
            }
        }

        var noise = AddedNoise(plan, data, out _);

        Assert.All(noise, n => Assert.True(Math.Abs(n) <= 1e-4, $"residual {n}"));
    }

    [Fact]
    public void Run_NoiseHasStandardDeviationZTimesC()
    {
        const double Z = 1.3, C = 20;
        var data = SyntheticData.Blobs(perClass: 32, dimensions: 30, seed: 12);
        var plan = OneFullBatchStep(ModelSpec.Mlp(256), data.Count, Z, C);

        var noise = AddedNoise(plan, data, out var clippedSum);

        double mean = noise.Average();
        double std = Math.Sqrt(noise.Sum(n => (n - mean) * (n - mean)) / (noise.Length - 1));
        output.WriteLine($"{noise.Length} coordinates: mean {mean:F4}, std {std:F4} (expected {Z * C}), max |clipped sum| {clippedSum.Max(Math.Abs):F3}");
        // 8,450 coordinates: the standard error of the std is 0.8%, of the mean 0.28.
        Assert.InRange(std, Z * C * 0.97, Z * C * 1.03);
        Assert.InRange(mean, -1.2, 1.2);
    }

    [Fact]
    public void Train_BreastCancerWithNoise_StillLearns()
    {
        var split = DatasetSplitter.Split(RepositoryData.LoadBreastCancer(), validationFraction: 0, testFraction: 0.2, seed: 42);
        var plan = new TrainingPlan
        {
            Model = ModelSpec.LogisticRegression(),
            Optimizer = OptimizerSpec.Sgd(0.1, momentum: 0.9),
            LocalEpochs = 30,
            BatchSize = 32,
            Preprocessing = PreprocessingKind.Standardize,
            Seed = 42,
            DifferentialPrivacy = DifferentialPrivacySpec.Poisson(noiseMultiplier: 1.0, maxGradNorm: 1.0),
        };
        using var trainer = LocalTrainer.Create(plan, split.Train.FeatureShape, split.Train.ClassCount, Cpu);

        var result = trainer.Train(split.Train);
        var test = trainer.Evaluate(split.Test);
        output.WriteLine($"DP-SGD z=1, C=1: test accuracy {test.Accuracy:P2}, loss {test.Loss:F4}, {result.DpSteps} steps at q = {result.SamplingRate:F4}");

        int n = split.Train.Count;
        Assert.Equal((30 * n + 31) / 32, result.DpSteps);
        Assert.Equal(32.0 / n, result.SamplingRate);
        Assert.Equal(1.0, result.NoiseMultiplier);
        Assert.True(double.IsNaN(result.TrainLoss));
        Assert.True(test.Accuracy >= 0.90, $"test accuracy {test.Accuracy:P2}");
    }

    [Fact]
    public void Train_WithoutPrivacy_ReportsNoPrivacyFigures()
    {
        var data = SyntheticData.Blobs(perClass: 10, dimensions: 2, seed: 13);
        var plan = new TrainingPlan { Model = ModelSpec.LogisticRegression(), Optimizer = OptimizerSpec.Sgd(0.1), LocalEpochs = 1, BatchSize = 8 };
        using var trainer = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);

        var result = trainer.Train(data);

        Assert.Equal(0, result.DpSteps);
        Assert.Null(result.SamplingRate);
        Assert.Null(result.NoiseMultiplier);
        Assert.False(double.IsNaN(result.TrainLoss));
    }

    [Fact]
    public void Train_PoissonWithEmptyBatches_StepsOnNoiseAlone()
    {
        var data = SyntheticData.Blobs(perClass: 10, dimensions: 2, seed: 14);
        var plan = new TrainingPlan
        {
            Model = ModelSpec.LogisticRegression(), Optimizer = OptimizerSpec.Sgd(0.01), LocalSteps = 200, BatchSize = 1,
            DifferentialPrivacy = DifferentialPrivacySpec.Poisson(noiseMultiplier: 0.5, maxGradNorm: 1),
        };
        using var trainer = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);
        var before = trainer.GetParameters();

        var result = trainer.Train(data);

        // q = 1/20: P(empty batch) = 0.95^20 = 0.36, so about 72 of the 200 steps see no sample.
        Assert.Equal(200, result.DpSteps);
        Assert.Equal(0.05, result.SamplingRate);
        Assert.InRange(result.SamplesProcessed, 150, 250);
        Assert.All(trainer.GetParameters(), v => Assert.True(float.IsFinite(v)));
        Assert.NotEqual(before, trainer.GetParameters());
    }

    [Fact]
    public void Train_CnnWithFixedBatches_UsesPerSampleConvolutionGradients()
    {
        var data = SyntheticData.Quadrants(perClass: 16, seed: 15);
        var plan = new TrainingPlan
        {
            Model = ModelSpec.Cnn(), Optimizer = OptimizerSpec.Adam(0.01), LocalEpochs = 3, BatchSize = 16,
            DifferentialPrivacy = new DifferentialPrivacySpec { NoiseMultiplier = 0.5, MaxGradNorm = 1, Sampling = BatchSampling.Fixed },
        };
        using var trainer = LocalTrainer.Create(plan, data.FeatureShape, data.ClassCount, Cpu);

        var result = trainer.Train(data);
        var evaluation = trainer.Evaluate(data);
        output.WriteLine($"cnn under DP-SGD: accuracy {evaluation.Accuracy:P2} after {result.DpSteps} steps");

        Assert.Equal(12, result.DpSteps);
        Assert.Equal(12 * 16, result.SamplesProcessed);
        Assert.Equal(0.25, result.SamplingRate);
        Assert.All(trainer.GetParameters(), v => Assert.True(float.IsFinite(v)));
    }

    private static double[] Flat(Parameter[] parameters) =>
        [.. parameters.SelectMany(p => p.detach().contiguous().data<float>().ToArray()).Select(v => (double)v)];
}
