using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// The plan's optimizer (SGD with momentum, or Adam with torch's defaults), stepping the parameters in place exactly as
/// <c>torch.optim.SGD</c> and <c>torch.optim.Adam</c> do. TorchSharp's own optimizers pass their coefficients to libtorch as
/// implicit <see cref="Scalar"/> temporaries (<c>param.add_(grad, alpha: -lr)</c>), which the finalizer can free while the
/// native call still reads them: 4 of about 76,000 local trainings in one benchmark run failed with "Expected false to be
/// true" from <c>c10::Scalar::toFloat</c> inside <c>SGD.step</c> (docs/benchmarks.md). Here every Scalar is a <c>using</c>
/// local that outlives the native calls that read it, and no overload that makes its own is called.
/// </summary>
internal sealed class LocalOptimizer : IDisposable
{
    // torch.optim.Adam's defaults, which TorchSharp's Adam uses too.
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly OptimizerSpec _spec;
    private readonly IReadOnlyList<Parameter> _parameters;
    // Per parameter: SGD's momentum buffer or Adam's first moment; Adam's second moment. Created at a parameter's first
    // step, outside every dispose scope, and disposed with the optimizer.
    private readonly Tensor?[] _first;
    private readonly Tensor?[] _second;
    // Adam's step count per parameter (torch counts a parameter's steps, skipping those without a gradient).
    private readonly long[] _steps;

    public LocalOptimizer(OptimizerSpec spec, IEnumerable<Parameter> parameters)
    {
        _spec = spec ?? throw new ArgumentNullException(nameof(spec));
        if (spec.Kind is not (OptimizerKind.Sgd or OptimizerKind.Adam))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown optimizer kind");
        _parameters = [.. parameters];
        _first = new Tensor?[_parameters.Count];
        _second = new Tensor?[_parameters.Count];
        _steps = new long[_parameters.Count];
    }

    /// <summary>Zeroes every parameter's gradient (<c>optimizer.zero_grad()</c>).</summary>
    public void ZeroGrad()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var parameter in _parameters)
        {
            if (parameter.grad is { } grad)
            {
                grad.detach_();
                grad.zero_();
            }
        }
    }

    /// <summary>One update of every parameter that has a gradient (<c>optimizer.step()</c>).</summary>
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (_spec.Kind == OptimizerKind.Sgd) SgdStep();
        else AdamStep();
    }

    // p ← p − lr·d, where d is the gradient, or with momentum μ the buffer b ← μ·b + g (b = g at the first step).
    private void SgdStep()
    {
        using Scalar negativeLearningRate = -_spec.LearningRate, momentum = _spec.Momentum, one = 1.0;
        for (var i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            if (parameter.grad is not { } grad) continue;
            var direction = grad;
            if (_spec.Momentum != 0)
            {
                if (_first[i] is { } buffer) buffer.mul_(momentum).add_(grad, one);
                else _first[i] = grad.clone().detach().DetachFromDisposeScope();
                direction = _first[i]!;
            }
            parameter.add_(direction, negativeLearningRate);
        }
    }

    // Adam (Kingma and Ba 2015) in torch's form: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    // p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
    private void AdamStep()
    {
        // add_(Scalar) alone would pass TorchSharp's own alpha = 1 temporary: `one` is passed instead.
        using Scalar beta1 = Beta1, oneMinusBeta1 = 1 - Beta1, beta2 = Beta2, oneMinusBeta2 = 1 - Beta2, epsilon = Epsilon, one = 1.0;
        for (var i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            if (parameter.grad is not { } grad) continue;
            var step = ++_steps[i];
            var biasCorrection1 = 1 - Math.Pow(Beta1, step);
            using Scalar sqrtBiasCorrection2 = Math.Sqrt(1 - Math.Pow(Beta2, step)), negativeStepSize = -_spec.LearningRate / biasCorrection1;
            var firstMoment = _first[i] ??= torch.zeros_like(parameter).DetachFromDisposeScope();
            var secondMoment = _second[i] ??= torch.zeros_like(parameter).DetachFromDisposeScope();
            firstMoment.mul_(beta1).add_(grad, oneMinusBeta1);
            secondMoment.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = secondMoment.sqrt().div_(sqrtBiasCorrection2).add_(epsilon, one);
            parameter.addcdiv_(firstMoment, denominator, negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _first) tensor?.Dispose();
        foreach (var tensor in _second) tensor?.Dispose();
    }
}
