using TorchSharp;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Builds the catalog models as named <c>Sequential</c> stacks. The names become the parameter names
/// ("linear.weight", "hidden0.bias", "conv1.weight", ...) and the registration order is the flat-vector order.
/// </summary>
internal static class ModelCatalog
{
    public const int CnnChannels1 = 8;
    public const int CnnChannels2 = 16;

    public static nn.Module<Tensor, Tensor> Build(ModelSpec spec, IReadOnlyList<int> featureShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        long inputs = featureShape.Aggregate(1L, (a, d) => a * d);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        switch (spec.Kind)
        {
            case ModelKind.LogisticRegression:
                layers.Add(("flatten", nn.Flatten()));
                layers.Add(("linear", nn.Linear(inputs, classCount)));
                break;
            case ModelKind.Mlp:
                layers.Add(("flatten", nn.Flatten()));
                long width = inputs;
                for (int i = 0; i < spec.HiddenSizes.Count; i++)
                {
                    layers.Add(($"hidden{i}", nn.Linear(width, spec.HiddenSizes[i])));
                    layers.Add(($"relu{i}", nn.ReLU()));
                    width = spec.HiddenSizes[i];
                }
                layers.Add(("output", nn.Linear(width, classCount)));
                break;
            case ModelKind.Cnn:
                if (featureShape.Count != 3 || featureShape[1] < 4 || featureShape[2] < 4)
                {
                    throw new ArgumentException(
                        $"A cnn needs images of shape [channels, height, width] with height and width >= 4, not [{string.Join(", ", featureShape)}]",
                        nameof(featureShape));
                }
                // Two 2×2 poolings with floor rounding: 28×28 → 14×14 → 7×7.
                long flat = (long)CnnChannels2 * (featureShape[1] / 2 / 2) * (featureShape[2] / 2 / 2);
                layers.Add(("conv1", nn.Conv2d(featureShape[0], CnnChannels1, 3, padding: 1)));
                layers.Add(("relu1", nn.ReLU()));
                layers.Add(("pool1", nn.MaxPool2d(2)));
                layers.Add(("conv2", nn.Conv2d(CnnChannels1, CnnChannels2, 3, padding: 1)));
                layers.Add(("relu2", nn.ReLU()));
                layers.Add(("pool2", nn.MaxPool2d(2)));
                layers.Add(("flatten", nn.Flatten()));
                layers.Add(("output", nn.Linear(flat, classCount)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown model kind");
        }
        return nn.Sequential(layers);
    }
}
