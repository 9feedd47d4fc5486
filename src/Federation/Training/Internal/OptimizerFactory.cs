using TorchSharp;
using TorchSharp.Modules;

namespace FedBioMed.Federation.Internal;

internal static class OptimizerFactory
{
    public static torch.optim.Optimizer Create(OptimizerSpec spec, IEnumerable<Parameter> parameters) => spec.Kind switch
    {
        OptimizerKind.Sgd => torch.optim.SGD(parameters, spec.LearningRate, momentum: spec.Momentum),
        OptimizerKind.Adam => torch.optim.Adam(parameters, spec.LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown optimizer kind"),
    };
}
