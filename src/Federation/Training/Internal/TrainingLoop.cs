using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>Local epochs or steps of minibatch training; every tensor it makes is disposed before it returns.</summary>
internal static class TrainingLoop
{
    internal readonly record struct Outcome(double MeanLoss, int Steps, long SamplesProcessed);

    public static Outcome Run(nn.Module<Tensor, Tensor> model, IEnumerable<Parameter> parameters, TrainingPlan plan,
        float[] features, LabeledDataset data, Device device, int batchOrderSeed)
    {
        int count = data.Count;
        int batchSize = Math.Min(plan.BatchSize, count);
        int batchesPerEpoch = (count + batchSize - 1) / batchSize;
        long totalSteps = plan.LocalSteps ?? (long)plan.LocalEpochs!.Value * batchesPerEpoch;

        using var scope = torch.NewDisposeScope();
        var (x, y) = ToTensors(features, data, device);
        using var optimizer = new LocalOptimizer(plan.Optimizer, parameters);
        model.train();

        // Seeded on purpose: batch order must repeat for a given plan seed and round; nothing secret depends on it.
        var random = new Random(batchOrderSeed);
        var order = new long[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        int steps = 0;
        long processed = 0;
        double lossSum = 0;
        while (steps < totalSteps)
        {
            SeededSampling.Shuffle(random, order.AsSpan());
            using var permutation = torch.tensor(order, torch.int64).to(device);
            for (int start = 0; start < count && steps < totalSteps; start += batchSize)
            {
                using var step = torch.NewDisposeScope();
                int length = Math.Min(batchSize, count - start);
                var indices = permutation.narrow(0, start, length);
                var xb = x.index_select(0, indices);
                var yb = y.index_select(0, indices);
                optimizer.ZeroGrad();
                var loss = nn.functional.cross_entropy(model.forward(xb), yb);
                loss.backward();
                optimizer.Step();
                lossSum += loss.item<float>() * (double)length;
                processed += length;
                steps++;
            }
        }
        return new Outcome(lossSum / processed, steps, processed);
    }

    /// <summary>The samples as a [count, ..feature shape] float tensor and their labels as int64, on <paramref name="device"/>, in the caller's dispose scope.</summary>
    internal static (Tensor X, Tensor Y) ToTensors(float[] features, LabeledDataset data, Device device)
    {
        long[] shape = [data.Count, .. data.FeatureShape.Select(d => (long)d)];
        return (torch.tensor(features, shape, torch.float32).to(device), torch.tensor(LongLabels(data), torch.int64).to(device));
    }

    internal static long[] LongLabels(LabeledDataset data)
    {
        var labels = data.Labels;
        var result = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            result[i] = labels[i];
        }
        return result;
    }
}
