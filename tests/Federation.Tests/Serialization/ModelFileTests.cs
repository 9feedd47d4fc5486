using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Serialization;

[Collection(TorchCollection.Name)]
public sealed class ModelFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly LocalTrainerOptions Cpu = new() { Device = DeviceOption.Cpu, IntraOpThreads = 2 };

    private static TrainingPlan Plan(long seed) => new()
    {
        Model = ModelSpec.Mlp(5), Optimizer = OptimizerSpec.Adam(0.01), LocalEpochs = 1, BatchSize = 8, Seed = seed,
    };

    [Fact]
    public void SafeTensors_TrainedModel_LoadsBackIntoAnotherTrainer()
    {
        var data = SyntheticData.Blobs(perClass: 10, dimensions: 3, seed: 1);
        using var trained = LocalTrainer.Create(Plan(1), data.FeatureShape, data.ClassCount, Cpu);
        trained.Train(data);
        string path = _temp.File("global.safetensors");

        SafeTensors.Save(path, trained.Layout, trained.GetParameters(), new Dictionary<string, string> { ["plan"] = Plan(1).Hash });
        using var other = LocalTrainer.Create(Plan(2), data.FeatureShape, data.ClassCount, Cpu);
        other.SetParameters(SafeTensors.Load(path, other.Layout));

        Assert.Equal(trained.GetParameters(), other.GetParameters());
        Assert.Equal(trained.Evaluate(data), other.Evaluate(data));
        using var stream = File.OpenRead(path);
        Assert.Equal(Plan(1).Hash, SafeTensors.Read(stream).Metadata["plan"]);
    }

    [Fact]
    public void TorchFormat_SaveThenLoad_RestoresParameters()
    {
        using var source = LocalTrainer.Create(Plan(1), [3], 2, Cpu);
        using var target = LocalTrainer.Create(Plan(2), [3], 2, Cpu);
        Assert.NotEqual(source.GetParameters(), target.GetParameters());
        string path = _temp.File("model.dat");

        source.SaveTorch(path);
        target.LoadTorch(path);

        Assert.Equal(source.GetParameters(), target.GetParameters());
    }

    [Fact]
    public void TorchFormat_LoadOfMissingFile_NamesThePath()
    {
        using var trainer = LocalTrainer.Create(Plan(1), [3], 2, Cpu);

        var error = Assert.Throws<FileNotFoundException>(() => trainer.LoadTorch(_temp.File("absent.dat")));

        Assert.Contains("absent.dat", error.Message);
    }
}
