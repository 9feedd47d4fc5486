using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Copies between a model's parameter tensors and one flat float vector. On the CPU it reads and writes the
/// tensors' own memory through spans, so the only copy is the one into or out of the caller's buffer.
/// </summary>
internal static class FlatParameters
{
    public static void CopyTo(IReadOnlyList<Parameter> parameters, IReadOnlyList<ParameterEntry> layout, Span<float> destination)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var target = destination.Slice(layout[i].Offset, layout[i].Length);
            var parameter = parameters[i];
            if (parameter.device_type == DeviceType.CPU && parameter.is_contiguous())
            {
                MemoryMarshal.Cast<byte, float>(parameter.bytes).CopyTo(target);
            }
            else
            {
                using var host = parameter.detach().cpu().contiguous();
                MemoryMarshal.Cast<byte, float>(host.bytes).CopyTo(target);
            }
        }
    }

    public static void CopyFrom(IReadOnlyList<Parameter> parameters, IReadOnlyList<ParameterEntry> layout, ReadOnlySpan<float> source)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var values = source.Slice(layout[i].Offset, layout[i].Length);
            var parameter = parameters[i];
            if (parameter.device_type == DeviceType.CPU && parameter.is_contiguous())
            {
                // Writing the storage directly bypasses autograd's version counter; that is safe because no graph
                // is alive between training steps.
                values.CopyTo(MemoryMarshal.Cast<byte, float>(parameter.bytes));
            }
            else
            {
                using var staging = torch.empty([.. layout[i].Shape], torch.float32, torch.CPU);
                values.CopyTo(MemoryMarshal.Cast<byte, float>(staging.bytes));
                using var noGrad = torch.no_grad();
                parameter.copy_(staging);
            }
        }
    }
}
