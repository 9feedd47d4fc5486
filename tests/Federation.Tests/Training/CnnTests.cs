using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class CnnTests
{
    private static readonly LocalTrainerOptions Cpu = new() { Device = DeviceOption.Cpu, IntraOpThreads = 2 };

    [Fact]
    public void Train_SyntheticImages_LossDecreasesAndLearnsTheQuadrants()
    {
        var train = SyntheticData.Quadrants(perClass: 64, seed: 1);
        var test = SyntheticData.Quadrants(perClass: 16, seed: 2);
        var plan = new TrainingPlan { Model = ModelSpec.Cnn(), Optimizer = OptimizerSpec.Adam(0.01), LocalEpochs = 2, BatchSize = 32, Seed = 3 };
        using var trainer = LocalTrainer.Create(plan, train.FeatureShape, train.ClassCount, Cpu);

        var before = trainer.Evaluate(test);
        var result = trainer.Train(train);
        var after = trainer.Evaluate(test);

        Assert.Equal(16, result.Steps);
        Assert.True(after.Loss < before.Loss / 2, $"loss {before.Loss} -> {after.Loss}");
        Assert.True(after.Accuracy >= 0.9, $"accuracy {after.Accuracy}");
    }

    [Fact]
    public void Layout_Cnn_HasConvolutionsThenOutput()
    {
        var layout = LocalTrainer.DescribeParameters(ModelSpec.Cnn(), [1, 28, 28], 10);

        Assert.Equal(
            ["conv1.weight [8,1,3,3]", "conv1.bias [8]", "conv2.weight [16,8,3,3]", "conv2.bias [16]", "output.weight [10,784]", "output.bias [10]"],
            layout.Select(e => $"{e.Name} [{string.Join(",", e.Shape)}]"));
    }

    [Fact]
    public void Create_CnnOnTabularShape_ExplainsTheShapeItNeeds()
    {
        var plan = new TrainingPlan { Model = ModelSpec.Cnn(), Optimizer = OptimizerSpec.Adam(0.01), LocalEpochs = 1, BatchSize = 32 };

        var error = Assert.Throws<ArgumentException>(() => LocalTrainer.Create(plan, [30], 2, Cpu));

        Assert.StartsWith("A cnn needs images of shape [channels, height, width] with height and width >= 4, not [30]", error.Message);
    }

    [Fact]
    public void Train_DataOfAnotherShape_IsRejected()
    {
        var plan = new TrainingPlan { Model = ModelSpec.Cnn(), Optimizer = OptimizerSpec.Adam(0.01), LocalEpochs = 1, BatchSize = 32 };
        using var trainer = LocalTrainer.Create(plan, [1, 28, 28], 4, Cpu);
        var wrong = SyntheticData.Blobs(perClass: 2, dimensions: 784, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(wrong));

        Assert.StartsWith("trainData has samples of shape [784]; the model was built for [1, 28, 28]", error.Message);
    }
}
