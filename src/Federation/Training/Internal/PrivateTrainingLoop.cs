using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// DP-SGD (Abadi et al., 2016). Per step: draw a batch (<see cref="PrivateBatches"/>), clip each sample's gradient
/// to L2 norm C over all parameters jointly, sum, add N(0, (zC)²) to every coordinate, divide by the expected batch
/// size b = min(batchSize, N), and take an optimizer step. A plan in epochs takes ⌈epochs·N / b⌉ steps: on average
/// epochs passes over the data, whatever the sampling. The sampling rate is q = b / N.
/// </summary>
internal static class PrivateTrainingLoop
{
    internal readonly record struct Outcome(int Steps, long SamplesProcessed, double SamplingRate);

    public static int StepCount(TrainingPlan plan, int count) => checked((int)plan.DpSgdSchedule(count).Steps);

    /// <remarks>
    /// Validation of the plan is the caller's job; tests pass z = 0 here to see clipping alone.
    /// </remarks>
    public static Outcome Run(nn.Module<Tensor, Tensor> model, IReadOnlyList<Parameter> parameters, TrainingPlan plan,
        float[] features, LabeledDataset data, Device device)
    {
        var dp = plan.DifferentialPrivacy ?? throw new ArgumentException("the plan has no differentialPrivacy section", nameof(plan));
        int count = data.Count;
        int batchSize = Math.Min(plan.BatchSize, count);
        int totalSteps = StepCount(plan, count);
        double noiseStd = dp.NoiseMultiplier * dp.MaxGradNorm;

        using var scope = torch.NewDisposeScope();
        var (x, y) = TrainingLoop.ToTensors(features, data, device);
        using var optimizer = new LocalOptimizer(plan.Optimizer, parameters);
        model.train();

        using var random = new SecureSampling();
        var batches = PrivateBatches.Create(dp.Sampling, random, count, batchSize);
        int parameterCount = checked((int)parameters.Sum(p => p.numel()));
        var noise = new float[parameterCount];
        long processed = 0;
        // Held for the whole loop: an implicit Scalar temporary can be finalized during the native call that uses it.
        using Scalar one = 1.0, inverseBatch = 1.0 / batchSize;
        for (int step = 0; step < totalSteps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            long[] batch = batches.Next();
            var sums = ClippedSum(model, parameters, x, y, batch, dp.MaxGradNorm, device);
            random.FillGaussian(noise, noiseStd);
            var noiseTensor = torch.tensor(noise, torch.float32).to(device);
            long offset = 0;
            for (int i = 0; i < parameters.Count; i++)
            {
                var parameter = parameters[i];
                long length = parameter.numel();
                var noisy = sums[i].add_(noiseTensor.narrow(0, offset, length).view(parameter.shape), one).mul_(inverseBatch);
                offset += length;
                parameter.grad = noisy;
            }
            optimizer.Step();
            processed += batch.Length;
        }
        Array.Clear(noise);
        return new Outcome(totalSteps, processed, (double)batchSize / count);
    }

    /// <summary>Σ_i clip_C(g_i) per parameter, in <paramref name="parameters"/> order; zeros for an empty batch.</summary>
    internal static List<Tensor> ClippedSum(nn.Module<Tensor, Tensor> model, IReadOnlyList<Parameter> parameters,
        Tensor x, Tensor y, long[] batch, double maxGradNorm, Device device)
    {
        if (batch.Length == 0)
        {
            return [.. parameters.Select(p => torch.zeros_like(p))];
        }
        var indices = torch.tensor(batch, torch.int64).to(device);
        var gradients = PerSampleGradients.Compute(model, x.index_select(0, indices), y.index_select(0, indices));
        CheckCoverage(gradients, parameters);
        var factors = PerSampleGradients.ClipFactors(gradients.SquaredNorms(), maxGradNorm);
        return gradients.WeightedSum(factors);
    }

    // The flat layout and the per-sample layers must list the same tensors in the same order, or gradients would land on the wrong parameter.
    private static void CheckCoverage(PerSampleGradients gradients, IReadOnlyList<Parameter> parameters)
    {
        var covered = gradients.Parameters.ToArray();
        if (covered.Length != parameters.Count
            || covered.Zip(parameters).Any(pair => pair.First.Handle != pair.Second.Handle))
        {
            throw new NotSupportedException("DP-SGD's per-sample layers do not cover the model's parameters in registration order");
        }
    }
}
