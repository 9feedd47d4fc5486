using TorchSharp;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>Accuracy and mean cross-entropy without gradients, in fixed-size chunks so memory stays bounded.</summary>
internal static class Evaluator
{
    private const int ChunkSize = 2048;

    public static EvaluationResult Run(nn.Module<Tensor, Tensor> model, float[] features, LabeledDataset data, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        model.eval();
        var (x, y) = TrainingLoop.ToTensors(features, data, device);
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += ChunkSize)
        {
            using var chunk = torch.NewDisposeScope();
            int length = Math.Min(ChunkSize, data.Count - start);
            var xb = x.narrow(0, start, length);
            var yb = y.narrow(0, start, length);
            var logits = model.forward(xb);
            lossSum += nn.functional.cross_entropy(logits, yb, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(yb).sum().item<long>();
        }
        model.train();
        return new EvaluationResult((double)correct / data.Count, lossSum / data.Count, data.Count);
    }
}
