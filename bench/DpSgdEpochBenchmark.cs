using System.Diagnostics;
using FedBioMed.Federation;

namespace FedBioMed.Bench;

/// <summary>
/// The cost of DP-SGD: epoch time of the MLP (hidden [128], batch 256) on Fashion-MNIST's 60,000 training images
/// (a same-sized synthetic set where the package is missing), with and without DP-SGD. Epochs alternate between the
/// two trainers so that load from other processes on a shared machine hits both alike; the first of each is a warm-up.
/// `dotnet run -c Release --project bench -- dpsgd-epoch [--threads N] [--data-dir DIR]`
/// </summary>
internal static class DpSgdEpochBenchmark
{
    private const int Epochs = 5;

    public static int Run(string[] args)
    {
        var output = Console.Out;
        var (train, test, source) = Load(BenchProcess.StringOption(args, "--data-dir") ?? FashionMnistFiles.DefaultDirectory);
        int threads = BenchProcess.IntOption(args, "--threads", 2);
        var options = new LocalTrainerOptions { Device = DeviceOption.Cpu, IntraOpThreads = threads };
        var plain = new TrainingPlan { Model = ModelSpec.Mlp(128), Optimizer = OptimizerSpec.Sgd(0.05, momentum: 0.9), LocalEpochs = 1, BatchSize = 256, Seed = 1 };
        var poisson = plain with { DifferentialPrivacy = DifferentialPrivacySpec.Poisson(noiseMultiplier: 1.0, maxGradNorm: 1.0) };
        var fixedBatches = plain with { DifferentialPrivacy = poisson.DifferentialPrivacy! with { Sampling = BatchSampling.Fixed } };
        TrainingPlan[] plans = [plain, poisson, fixedBatches];
        string[] names = ["plain", "dp-poisson", "dp-fixed"];
        var trainers = plans.Select(p => LocalTrainer.Create(p, train.FeatureShape, train.ClassCount, options)).ToArray();
        try
        {
            var seconds = plans.Select(_ => new List<double>()).ToArray();
            for (int epoch = 0; epoch <= Epochs; epoch++)
            {
                for (int k = 0; k < trainers.Length; k++)
                {
                    var clock = Stopwatch.StartNew();
                    var result = trainers[k].Train(train, round: epoch);
                    clock.Stop();
                    if (epoch > 0)
                    {
                        seconds[k].Add(clock.Elapsed.TotalSeconds);
                    }
                    output.WriteLine($"{names[k],-10} epoch {epoch}: {clock.Elapsed.TotalSeconds:F3} s, {result.Steps} steps, {result.SamplesProcessed} samples{(epoch == 0 ? " (warm-up)" : "")}");
                }
            }
            double plainMedian = BenchProcess.Median(seconds[0]);
            output.WriteLine($"data: {source}; {Environment.ProcessorCount} logical CPUs, {threads} intra-op threads; median of {Epochs} epochs after one warm-up");
            for (int k = 0; k < trainers.Length; k++)
            {
                output.WriteLine($"{names[k],-10} median {BenchProcess.Median(seconds[k]):F3} s/epoch, ratio to plain {BenchProcess.Median(seconds[k]) / plainMedian:F2}, test accuracy {trainers[k].Evaluate(test).Accuracy:P2}");
            }
        }
        finally
        {
            foreach (var trainer in trainers)
            {
                trainer.Dispose();
            }
        }
        return 0;
    }

    /// <summary>Fashion-MNIST where it is installed, otherwise (after saying what is missing) a synthetic set of the same size.</summary>
    private static (LabeledDataset Train, LabeledDataset Test, string Source) Load(string directory)
    {
        if (FashionMnistFiles.TryLoad(directory) is { } files)
        {
            return (files.Train, files.Test, "Fashion-MNIST train 60,000 × 1×28×28");
        }
        var random = new Random(1);
        var features = new float[60_000 * 784];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }
        var labels = Enumerable.Range(0, 60_000).Select(i => i % 10).ToArray();
        var synthetic = new LabeledDataset(features, labels, [1, 28, 28], [.. Enumerable.Range(0, 10).Select(c => $"{c}")]);
        return (synthetic, synthetic, "synthetic uniform 60,000 × 1×28×28");
    }
}
