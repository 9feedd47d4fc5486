using FedBioMed.Federation.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedBioMed.Federation;

/// <summary>
/// Trains one catalog model on a node with TorchSharp. Parameters cross the boundary as one flat float vector
/// whose order is <see cref="Layout"/>: the model's named parameters in registration order (layer by layer,
/// input side first; each layer's weight, then its bias), each tensor row-major. For example an MLP with hidden
/// [32, 16] on 30 features and 2 classes is hidden0.weight [32, 30], hidden0.bias [32], hidden1.weight [16, 32],
/// hidden1.bias [16], output.weight [2, 16], output.bias [2].
/// </summary>
/// <remarks>
/// Training without differential privacy is deterministic for a plan seed and round on a given device and thread
/// count: initial weights and batch order come from seeded generators, not from torch's process-wide one. Not thread-safe; use one
/// trainer per thread.
/// </remarks>
public sealed class LocalTrainer : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Parameter[] _parameters;
    private readonly ParameterEntry[] _layout;
    private readonly int[] _featureShape;
    private Standardizer? _standardizer;
    private LabeledDataset? _standardizerSource;
    private bool _disposed;
    private bool _federatedStandardization;

    private LocalTrainer(TrainingPlan plan, nn.Module<Tensor, Tensor> model, Device device, int[] featureShape, int classCount)
    {
        Plan = plan;
        _model = model;
        Device = device;
        _featureShape = featureShape;
        ClassCount = classCount;
        (_parameters, _layout) = Describe(model);
        ParameterCount = _layout.Length == 0 ? 0 : _layout[^1].Offset + _layout[^1].Length;
    }

    /// <summary>The plan this trainer was built for; its model, optimizer and schedule are fixed for the trainer's life.</summary>
    public TrainingPlan Plan { get; }

    /// <summary>Where the model lives.</summary>
    public Device Device { get; }

    /// <summary>Shape of one input sample.</summary>
    public IReadOnlyList<int> FeatureShape => _featureShape;

    public int ClassCount { get; }

    /// <summary>Length of the flat parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>Where each named tensor sits in the flat parameter vector.</summary>
    public IReadOnlyList<ParameterEntry> Layout => _layout;

    /// <summary>
    /// Builds the plan's model for samples of <paramref name="featureShape"/> and <paramref name="classCount"/>
    /// classes, initialized from the plan seed.
    /// </summary>
    /// <exception cref="TrainingPlanException">The plan is invalid.</exception>
    /// <exception cref="InvalidOperationException">CUDA was required but is not available.</exception>
    public static LocalTrainer Create(TrainingPlan plan, IReadOnlyList<int> featureShape, int classCount, LocalTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(featureShape);
        plan.Validate();
        options ??= new LocalTrainerOptions();
        if (featureShape.Count == 0 || featureShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"featureShape [{string.Join(", ", featureShape)}] must be non-empty with every dimension > 0", nameof(featureShape));
        }
        var device = DeviceSelector.Select(options.Device);
        int threads = options.IntraOpThreads ?? Math.Min(Environment.ProcessorCount, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, "options.IntraOpThreads");
        torch.set_num_threads(threads);

        var model = ModelCatalog.Build(plan.Model, featureShape, classCount);
        try
        {
            model.to(device);
            var trainer = new LocalTrainer(plan, model, device, [.. featureShape], classCount);
            var initial = new float[trainer.ParameterCount];
            ParameterInitializer.Fill(trainer._layout, initial, plan.Seed);
            trainer.SetParameters(initial);
            return trainer;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The flat layout of a plan's model without training anything, e.g. for a researcher saving an aggregate.</summary>
    public static IReadOnlyList<ParameterEntry> DescribeParameters(ModelSpec model, IReadOnlyList<int> featureShape, int classCount)
    {
        using var module = ModelCatalog.Build(model, featureShape, classCount);
        return Describe(module).Layout;
    }

    /// <summary>A copy of the current parameters in <see cref="Layout"/> order.</summary>
    public float[] GetParameters()
    {
        var parameters = new float[ParameterCount];
        CopyParametersTo(parameters);
        return parameters;
    }

    /// <summary>Writes the current parameters into <paramref name="destination"/>, in <see cref="Layout"/> order.</summary>
    public void CopyParametersTo(Span<float> destination)
    {
        ThrowIfDisposed();
        CheckLength(destination.Length, nameof(destination));
        FlatParameters.CopyTo(_parameters, _layout, destination);
    }

    /// <summary>Replaces the model's parameters, e.g. with the global model of a round.</summary>
    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        ThrowIfDisposed();
        CheckLength(parameters.Length, nameof(parameters));
        FlatParameters.CopyFrom(_parameters, _layout, parameters);
    }

    /// <summary>Sets <paramref name="globalParameters"/>, then trains as the plan says.</summary>
    /// <param name="trainData">The node's local training split.</param>
    /// <param name="globalParameters">Starting point, in <see cref="Layout"/> order.</param>
    /// <param name="round">Federated round; it varies the batch order between rounds while keeping runs repeatable.</param>
    public TrainingResult Train(LabeledDataset trainData, ReadOnlySpan<float> globalParameters, long round = 0)
    {
        SetParameters(globalParameters);
        return Train(trainData, round);
    }

    /// <summary>Trains from the current parameters for the plan's local epochs or steps.</summary>
    /// <remarks>
    /// With <see cref="PreprocessingKind.Standardize"/>, the statistics are fitted on <paramref name="trainData"/>
    /// (the node's training split) and reused by <see cref="Evaluate"/>. The optimizer starts fresh on each call,
    /// as a federated client does each round.
    /// With <see cref="TrainingPlan.DifferentialPrivacy"/>, training is DP-SGD: ⌈epochs·N / b⌉ steps (or the plan's
    /// local steps), with b = min(batchSize, N); batches and noise come from a CSPRNG, so runs do not repeat, and
    /// <see cref="TrainingResult.TrainLoss"/> is NaN because the loss is not privatized. The guarantee covers the
    /// returned parameters; the standardization statistics fitted on the split are not privatized either.
    /// </remarks>
    public TrainingResult Train(LabeledDataset trainData, long round = 0)
    {
        ThrowIfDisposed();
        CheckCompatible(trainData, nameof(trainData));
        if (trainData.Count == 0)
        {
            throw new ArgumentException("The training split is empty", nameof(trainData));
        }
        if (Plan.Preprocessing == PreprocessingKind.Standardize && !_federatedStandardization && !ReferenceEquals(trainData, _standardizerSource))
        {
            FitPreprocessing(trainData);
        }
        float[] features = Preprocess(trainData);
        if (Plan.DifferentialPrivacy is { } dp)
        {
            var run = PrivateTrainingLoop.Run(_model, _parameters, Plan, features, trainData, Device);
            return new TrainingResult(GetParameters(), double.NaN, trainData.Count, run.Steps, run.SamplesProcessed)
            {
                DpSteps = run.Steps,
                SamplingRate = run.SamplingRate,
                NoiseMultiplier = dp.NoiseMultiplier,
            };
        }
        var outcome = TrainingLoop.Run(_model, _parameters, Plan, features, trainData, Device, Seeds.ForBatchOrder(Plan.Seed, round));
        return new TrainingResult(GetParameters(), outcome.MeanLoss, trainData.Count, outcome.Steps, outcome.SamplesProcessed);
    }

    /// <summary>
    /// Fits the preprocessing statistics on the node's training split without training, so that a global model
    /// can be evaluated before the first local round. <see cref="Train(LabeledDataset, long)"/> does this itself.
    /// </summary>
    public void FitPreprocessing(LabeledDataset trainData)
    {
        ThrowIfDisposed();
        CheckCompatible(trainData, nameof(trainData));
        if (Plan.Preprocessing == PreprocessingKind.Standardize)
        {
            _standardizer = Standardizer.Fit(trainData);
            _standardizerSource = trainData;
        }
    }

    /// <summary>
    /// Uses the federation's feature statistics (mean and population standard deviation over every node's
    /// training split) instead of this node's own, so that every node and the global model see features on
    /// the same scale. Later calls to <see cref="Train(LabeledDataset, long)"/> keep them.
    /// </summary>
    public void SetStandardization(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        ThrowIfDisposed();
        var width = _featureShape.Aggregate(1, (a, b) => a * b);
        if (mean.Length != width || std.Length != width)
            throw new ArgumentException($"standardization needs {width} means and deviations, got {mean.Length} and {std.Length}");
        _standardizer = Standardizer.FromStatistics(mean, std);
        _standardizerSource = null;
        _federatedStandardization = true;
    }

    /// <summary>Accuracy and mean loss of the current parameters on <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOperationException">The plan standardizes, and no training split has been seen yet.</exception>
    public EvaluationResult Evaluate(LabeledDataset data)
    {
        ThrowIfDisposed();
        CheckCompatible(data, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException("The evaluation split is empty", nameof(data));
        }
        return Evaluator.Run(_model, Preprocess(data), data, Device);
    }

    /// <summary>Saves the model in TorchSharp's own format (<c>Module.save</c>), readable by <see cref="LoadTorch"/>.</summary>
    public void SaveTorch(string path)
    {
        ThrowIfDisposed();
        _model.save(path);
    }

    /// <summary>Loads a model saved by <see cref="SaveTorch"/>; names and shapes must match this trainer's model.</summary>
    public void LoadTorch(string path)
    {
        ThrowIfDisposed();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No TorchSharp model file at '{path}'", path);
        }
        _model.load(path, strict: true);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _model.Dispose();
        }
    }

    private float[] Preprocess(LabeledDataset data)
    {
        if (Plan.Preprocessing != PreprocessingKind.Standardize)
        {
            return data.FeatureArray;
        }
        var standardizer = _standardizer ?? throw new InvalidOperationException(
            "The plan standardizes features, but no training split has been seen to fit the statistics on; call Train or FitPreprocessing first");
        return standardizer.Apply(data);
    }

    private static (Parameter[] Parameters, ParameterEntry[] Layout) Describe(nn.Module<Tensor, Tensor> model)
    {
        var named = model.named_parameters().ToArray();
        var layout = new ParameterEntry[named.Length];
        long offset = 0;
        for (int i = 0; i < named.Length; i++)
        {
            long length = named[i].parameter.numel();
            if (offset + length > Array.MaxLength)
            {
                throw new ArgumentException($"The model has more than {Array.MaxLength} parameters; choose smaller layers");
            }
            layout[i] = new ParameterEntry(named[i].name, [.. named[i].parameter.shape], (int)offset, (int)length);
            offset += length;
        }
        return ([.. named.Select(n => n.parameter)], layout);
    }

    private void CheckLength(int length, string name)
    {
        if (length != ParameterCount)
        {
            throw new ArgumentException($"{name} has {length} values; this {PlanNames.Models[Plan.Model.Kind]} model has {ParameterCount} parameters", name);
        }
    }

    private void CheckCompatible(LabeledDataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (!data.FeatureShape.SequenceEqual(_featureShape))
        {
            throw new ArgumentException(
                $"{name} has samples of shape [{string.Join(", ", data.FeatureShape)}]; the model was built for [{string.Join(", ", _featureShape)}]", name);
        }
        if (data.ClassCount != ClassCount)
        {
            throw new ArgumentException($"{name} has {data.ClassCount} classes; the model was built for {ClassCount}", name);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
