using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Per-sample gradients of a catalog model without a backward pass per sample. One forward pass keeps each
/// layer's input A and output Z; one <c>autograd.grad</c> of the summed loss gives dZ, whose row i depends on
/// sample i alone. A Linear layer's per-sample gradient is then dZ_i ⊗ A_i (bias dZ_i), so its squared norm is
/// ‖dZ_i‖²·‖A_i‖² + ‖dZ_i‖² and the clipped sum is (c ⊙ dZ)ᵀA: never a [B, out, in] tensor ("ghost clipping",
/// Goodfellow 2015; Li et al. 2022). A Conv2d's per-sample gradient is dZ_i [out, L] times the unfolded input
/// U_iᵀ [L, in·k·k], materialized because the catalog's convolutions are small (72 and 1,152 weights).
/// </summary>
/// <remarks>
/// Every <see cref="Scalar"/> here is a <c>using</c> local: TorchSharp's implicit Scalar temporaries (as in
/// <c>a + b</c>, which passes alpha = 1) can be finalized while the native call still reads them, which showed up
/// as intermittent "toFloat" errors under GC pressure.
/// </remarks>
internal sealed class PerSampleGradients
{
    private readonly Layer[] _layers;

    private PerSampleGradients(Layer[] layers, Tensor lossSum, long batchSize)
    {
        _layers = layers;
        LossSum = lossSum;
        BatchSize = batchSize;
    }

    /// <summary>Σ_i loss_i over the batch, detached.</summary>
    public Tensor LossSum { get; }

    public long BatchSize { get; }

    /// <summary>Every parameter the gradients cover, in the model's registration order.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Bias is null ? [l.Weight] : new[] { l.Weight, l.Bias });

    /// <summary>
    /// Runs the catalog model layer by layer on a non-empty batch. Tensors are created in the caller's dispose scope.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer with parameters that is neither Linear nor a plain Conv2d.</exception>
    public static PerSampleGradients Compute(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        if (model is not Sequential sequential)
        {
            throw new NotSupportedException($"DP-SGD needs a catalog Sequential model, not {model.GetType().Name}");
        }
        var traces = new List<(nn.Module Module, Tensor Input, Tensor Output)>();
        Tensor h = x;
        foreach (var (name, module) in sequential.named_children())
        {
            switch (module)
            {
                case Linear linear:
                {
                    var output = linear.forward(h);
                    traces.Add((linear, h, output));
                    h = output;
                    break;
                }
                case Conv2d conv:
                {
                    CheckConvolution(name, conv);
                    var output = conv.forward(h);
                    traces.Add((conv, h, output));
                    h = output;
                    break;
                }
                case nn.Module<Tensor, Tensor> other when !other.parameters().Any():
                    h = other.forward(h);
                    break;
                default:
                    throw new NotSupportedException($"DP-SGD has no per-sample gradients for layer '{name}' ({module.GetType().Name})");
            }
        }
        var loss = nn.functional.cross_entropy(h, y, reduction: nn.Reduction.Sum);
        var outputGrads = torch.autograd.grad([loss], [.. traces.Select(t => t.Output)], retain_graph: false);
        var layers = new Layer[traces.Count];
        for (int l = 0; l < traces.Count; l++)
        {
            var (module, input, _) = traces[l];
            var dz = outputGrads[l];
            layers[l] = module switch
            {
                Linear linear => new Layer(linear.weight!, linear.bias, input.detach(), dz, null),
                Conv2d conv => ConvolutionLayer(conv, input.detach(), dz),
                _ => throw new InvalidOperationException("unreachable"),
            };
        }
        return new PerSampleGradients(layers, loss.detach(), x.shape[0]);
    }

    /// <summary>‖g_i‖² over all parameters jointly, shape [B].</summary>
    public Tensor SquaredNorms()
    {
        using Scalar one = 1.0;
        var total = torch.zeros(BatchSize, dtype: torch.float32, device: _layers[0].OutputGrad.device);
        foreach (var layer in _layers)
        {
            if (layer.PerSampleWeight is { } g)
            {
                total.add_(g.square().sum([1, 2]), one);
                if (layer.Bias is not null)
                {
                    total.add_(layer.OutputGrad.sum(2).square().sum(1), one);
                }
            }
            else
            {
                var dzSquared = layer.OutputGrad.square().sum(1);
                var inputSquared = layer.Input.square().sum(1);
                total.add_(dzSquared.mul_(layer.Bias is null ? inputSquared : inputSquared.add_(one, one)), one);
            }
        }
        return total;
    }

    /// <summary>c_i = min(1, C/‖g_i‖); 1 for a zero gradient.</summary>
    public static Tensor ClipFactors(Tensor squaredNorms, double maxNorm)
    {
        using Scalar max = maxNorm, tiny = 1e-12, one = 1.0;
        return squaredNorms.sqrt().clamp_min(tiny).reciprocal_().mul_(max).clamp_max(one);
    }

    /// <summary>Σ_i c_i g_i for each parameter, in <see cref="Parameters"/> order and shaped like the parameter.</summary>
    public List<Tensor> WeightedSum(Tensor factors)
    {
        var sums = new List<Tensor>();
        var column = factors.unsqueeze(1);
        foreach (var layer in _layers)
        {
            if (layer.PerSampleWeight is { } g)
            {
                sums.Add(torch.einsum("b,boj->oj", factors, g).view(layer.Weight.shape));
                if (layer.Bias is not null)
                {
                    sums.Add((layer.OutputGrad.sum(2) * column).sum(dim: 0));
                }
            }
            else
            {
                var scaled = layer.OutputGrad * column;
                sums.Add(scaled.t().mm(layer.Input));
                if (layer.Bias is not null)
                {
                    sums.Add(scaled.sum(dim: 0));
                }
            }
        }
        return sums;
    }

    /// <summary>Every per-sample gradient, [B, ..parameter shape], in <see cref="Parameters"/> order. For tests: it is what the fast path avoids.</summary>
    public List<Tensor> Materialize()
    {
        var perSample = new List<Tensor>();
        foreach (var layer in _layers)
        {
            long[] weightShape = [BatchSize, .. layer.Weight.shape];
            perSample.Add(layer.PerSampleWeight is { } g
                ? g.reshape(weightShape)
                : torch.einsum("bo,bi->boi", layer.OutputGrad, layer.Input));
            if (layer.Bias is not null)
            {
                perSample.Add(layer.PerSampleWeight is null ? layer.OutputGrad : layer.OutputGrad.sum(2));
            }
        }
        return perSample;
    }

    private static Layer ConvolutionLayer(Conv2d conv, Tensor input, Tensor dz)
    {
        long batch = input.shape[0];
        var unfolded = nn.functional.unfold(input, conv.kernel_size[0], conv.dilation[0], conv.padding![0], conv.stride[0]);
        var dzFlat = dz.reshape(batch, dz.shape[1], -1);
        var perSample = dzFlat.bmm(unfolded.transpose(1, 2));
        return new Layer(conv.weight!, conv.bias, unfolded, dzFlat, perSample);
    }

    // The unfold above covers square kernels with equal padding, stride and dilation per axis, one group: the catalog's convolutions.
    private static void CheckConvolution(string name, Conv2d conv)
    {
        static bool Square(long[]? pair) => pair is { Length: > 0 } && pair.All(v => v == pair[0]);
        if (conv.groups != 1 || conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros
            || !Square(conv.kernel_size) || !Square(conv.padding) || !Square(conv.stride) || !Square(conv.dilation))
        {
            throw new NotSupportedException($"DP-SGD supports only square, ungrouped, zero-padded convolutions; layer '{name}' is not one");
        }
    }

    // Input: A [B, in] for a Linear, the unfolded input [B, in·k·k, L] for a Conv2d. OutputGrad: dZ [B, out] or
    // [B, out, L]. PerSampleWeight: Conv2d only, the per-sample weight gradients [B, out, in·k·k].
    private sealed record Layer(Parameter Weight, Parameter? Bias, Tensor Input, Tensor OutputGrad, Tensor? PerSampleWeight);
}
