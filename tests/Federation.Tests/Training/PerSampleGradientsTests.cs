using FedBioMed.Federation.Internal;
using FedBioMed.Federation.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation.Tests.Training;

/// <summary>The one-pass per-sample gradients of DP-SGD against the definition: one backward pass per sample.</summary>
[Collection(TorchCollection.Name)]
public sealed class PerSampleGradientsTests
{
    private const double Tolerance = 1e-5;
    private const int Batch = 6;

    public static TheoryData<string, ModelSpec, int[], int> Models => new()
    {
        { "logistic regression", ModelSpec.LogisticRegression(), [5], 3 },
        { "mlp", ModelSpec.Mlp(7, 4), [5], 3 },
        { "cnn", ModelSpec.Cnn(), [2, 8, 8], 3 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Materialize_EqualsOneBackwardPassPerSample(string name, ModelSpec spec, int[] featureShape, int classes)
    {
        using var scope = torch.NewDisposeScope();
        using var model = ModelCatalog.Build(spec, featureShape, classes);
        var (x, y) = Inputs(featureShape, classes, seed: 3);

        var perSample = PerSampleGradients.Compute(model, x, y).Materialize();
        var naive = NaivePerSample(model, x, y);

        for (int i = 0; i < Batch; i++)
        {
            for (int p = 0; p < naive[i].Length; p++)
            {
                AssertClose(naive[i][p], perSample[p][i].contiguous().data<float>().ToArray(), $"{name}, sample {i}, parameter {p}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ClippedSum_EqualsTheNaiveClippedSum(string name, ModelSpec spec, int[] featureShape, int classes)
    {
        using var scope = torch.NewDisposeScope();
        // A fixed initialization: with whatever the generator held after earlier tests, the norms could all be within a few percent.
        torch.manual_seed(4);
        using var model = ModelCatalog.Build(spec, featureShape, classes);
        var (x, y) = Inputs(featureShape, classes, seed: 4);
        var naive = NaivePerSample(model, x, y);
        double[] norms = [.. naive.Select(g => Math.Sqrt(g.Sum(t => t.Sum(v => (double)v * v))))];
        // Halfway between the smallest and the largest norm as C: some samples are clipped, some pass unchanged.
        double maxNorm = (norms.Min() + norms.Max()) / 2;
        var expected = naive[0].Select(t => new double[t.Length]).ToArray();
        for (int i = 0; i < Batch; i++)
        {
            double factor = Math.Min(1, maxNorm / norms[i]);
            for (int p = 0; p < expected.Length; p++)
            {
                for (int j = 0; j < expected[p].Length; j++)
                {
                    expected[p][j] += factor * naive[i][p][j];
                }
            }
        }

        var gradients = PerSampleGradients.Compute(model, x, y);
        var squaredNorms = gradients.SquaredNorms().data<float>().ToArray();
        var sums = gradients.WeightedSum(PerSampleGradients.ClipFactors(gradients.SquaredNorms(), maxNorm));

        Assert.Contains(norms, n => n > maxNorm * 1.01);
        for (int i = 0; i < Batch; i++)
        {
            Assert.True(Math.Abs(Math.Sqrt(squaredNorms[i]) - norms[i]) <= Tolerance * (1 + norms[i]), $"{name}: norm of sample {i}");
        }
        for (int p = 0; p < expected.Length; p++)
        {
            AssertClose([.. expected[p].Select(v => (float)v)], sums[p].contiguous().data<float>().ToArray(), $"{name}, parameter {p}");
        }
    }

    [Fact]
    public void ClipFactors_AreMinOfOneAndNormRatio()
    {
        using var scope = torch.NewDisposeScope();
        var squaredNorms = torch.tensor(new[] { 0f, 0.25f, 1f, 4f, 100f });

        var factors = PerSampleGradients.ClipFactors(squaredNorms, maxNorm: 1).data<float>().ToArray();

        Assert.Equal([1f, 1f, 1f, 0.5f, 0.1f], factors);
    }

    [Fact]
    public void Compute_ModelWithAnUnsupportedParameterLayer_Refuses()
    {
        using var scope = torch.NewDisposeScope();
        using var model = nn.Sequential(("norm", nn.LayerNorm(4)), ("output", nn.Linear(4, 2)));

        var error = Assert.Throws<NotSupportedException>(
            () => PerSampleGradients.Compute(model, torch.ones(3, 4), torch.zeros(3, dtype: torch.int64)));

        Assert.Contains("'norm'", error.Message);
    }

    internal static (Tensor X, Tensor Y) Inputs(int[] featureShape, int classes, int seed)
    {
        var random = new Random(seed);
        int width = featureShape.Aggregate(1, (a, b) => a * b);
        var features = new float[Batch * width];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)(2 * random.NextDouble() - 1);
        }
        var labels = Enumerable.Range(0, Batch).Select(i => (long)(i % classes)).ToArray();
        return (torch.tensor(features, [Batch, .. featureShape.Select(d => (long)d)]), torch.tensor(labels));
    }

    /// <summary>[sample][parameter] flat gradients, by a separate backward pass for each sample.</summary>
    internal static float[][][] NaivePerSample(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        var parameters = model.parameters().ToArray();
        var result = new float[x.shape[0]][][];
        for (int i = 0; i < x.shape[0]; i++)
        {
            using var scope = torch.NewDisposeScope();
            model.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x.narrow(0, i, 1)), y.narrow(0, i, 1), reduction: nn.Reduction.Sum);
            loss.backward();
            result[i] = [.. parameters.Select(p => p.grad!.contiguous().data<float>().ToArray())];
        }
        model.zero_grad();
        return result;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) <= Tolerance, $"{what}[{j}]: expected {expected[j]}, got {actual[j]}");
        }
    }
}
