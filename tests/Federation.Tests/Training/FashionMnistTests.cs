using FedBioMed.Federation.Tests.Datasets;
using FedBioMed.Federation.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>The catalog CNN on the real Fashion-MNIST files, where Debian's package provides them (about 6 s on 2 cores).</summary>
[Collection(TorchCollection.Name)]
public sealed class FashionMnistTests(ITestOutputHelper output)
{
    [FashionMnistFact]
    public void Cnn_OneCentralEpoch_ReachesEightyPercent()
    {
        var train = IdxDataset.Load(FashionMnistFactAttribute.File("train-images-idx3-ubyte.gz"), FashionMnistFactAttribute.File("train-labels-idx1-ubyte.gz"));
        var test = IdxDataset.Load(FashionMnistFactAttribute.File("t10k-images-idx3-ubyte.gz"), FashionMnistFactAttribute.File("t10k-labels-idx1-ubyte.gz"));
        var plan = new TrainingPlan { Model = ModelSpec.Cnn(), Optimizer = OptimizerSpec.Adam(0.001), LocalEpochs = 1, BatchSize = 64, Seed = 1 };
        using var trainer = LocalTrainer.Create(plan, train.FeatureShape, train.ClassCount, new LocalTrainerOptions { Device = DeviceOption.Cpu, IntraOpThreads = 2 });

        var result = trainer.Train(train);
        var evaluation = trainer.Evaluate(test);
        output.WriteLine($"train loss {result.TrainLoss:F4}, test accuracy {evaluation.Accuracy:P2}");

        Assert.Equal(938, result.Steps);
        Assert.True(evaluation.Accuracy >= 0.80, $"test accuracy {evaluation.Accuracy:P2}");
    }
}
