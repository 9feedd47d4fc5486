using FedBioMed.Federation.Tests.Infrastructure;
using TorchSharp;

namespace FedBioMed.Federation.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class DeviceAndResourceTests
{
    private static readonly TrainingPlan Plan = new()
    {
        Model = ModelSpec.Mlp(16), Optimizer = OptimizerSpec.Sgd(0.05, 0.9), LocalEpochs = 1, BatchSize = 16,
        Preprocessing = PreprocessingKind.Standardize,
    };

    [Fact]
    public void Create_Auto_UsesCudaExactlyWhenTorchSeesIt()
    {
        using var trainer = LocalTrainer.Create(Plan, [4], 2, new LocalTrainerOptions { Device = DeviceOption.Auto });

        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, trainer.Device.type);
    }

    [Fact]
    public void Create_CudaWithoutAGpu_IsAClearError()
    {
        if (torch.cuda.is_available())
        {
            using var trainer = LocalTrainer.Create(Plan, [4], 2, new LocalTrainerOptions { Device = DeviceOption.Cuda });
            Assert.Equal(DeviceType.CUDA, trainer.Device.type);
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() =>
            LocalTrainer.Create(Plan, [4], 2, new LocalTrainerOptions { Device = DeviceOption.Cuda }));

        Assert.Contains("DeviceOption.Cuda was requested but torch.cuda.is_available() is false", error.Message);
    }

    [Fact]
    public void Create_Cpu_StaysOnCpu()
    {
        using var trainer = LocalTrainer.Create(Plan, [4], 2, new LocalTrainerOptions { Device = DeviceOption.Cpu, IntraOpThreads = 1 });

        Assert.Equal(DeviceType.CPU, trainer.Device.type);
        Assert.Equal(1, torch.get_num_threads());
    }

    [Fact]
    public void TrainAndEvaluate_ManyRounds_LeaveNoLiveTensorsBehind()
    {
        var data = SyntheticData.Blobs(perClass: 64, dimensions: 4, seed: 8);
        using var trainer = LocalTrainer.Create(Plan, data.FeatureShape, data.ClassCount, new LocalTrainerOptions { Device = DeviceOption.Cpu, IntraOpThreads = 2 });
        var global = trainer.GetParameters();
        trainer.Train(data, global, round: 0);
        trainer.Evaluate(data);
        long afterFirstRound = LiveTensors();

        for (int round = 1; round <= 10; round++)
        {
            global = trainer.Train(data, global, round).Parameters;
            trainer.Evaluate(data);
        }

        // Read without collecting: a tensor left to the finalizer would count here as a leak.
        Assert.Equal(afterFirstRound, torch.Tensor.TotalCount);
    }

    // Finalizers of tensors that earlier tests dropped would change the count mid-test; settle them first.
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.Tensor.TotalCount;
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var trainer = LocalTrainer.Create(Plan, [4], 2, new LocalTrainerOptions { Device = DeviceOption.Cpu });
        trainer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => trainer.GetParameters());
    }
}
