using TorchSharp;

namespace FedBioMed.Federation.Internal;

internal static class DeviceSelector
{
    public static torch.Device Select(DeviceOption option) => option switch
    {
        DeviceOption.Cpu => torch.CPU,
        DeviceOption.Auto => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        DeviceOption.Cuda => torch.cuda.is_available()
            ? torch.CUDA
            : throw new InvalidOperationException(
                "DeviceOption.Cuda was requested but torch.cuda.is_available() is false: this process has no usable GPU or "
                + "loads a CPU-only libtorch (the libtorch-cpu package). Use DeviceOption.Auto or Cpu, or install a CUDA libtorch."),
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, "Unknown device option"),
    };
}
