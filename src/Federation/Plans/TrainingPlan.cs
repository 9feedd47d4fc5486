using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>
/// A declarative training plan: which catalog model, loss, optimizer, how long to train locally, batch size,
/// preprocessing and seed. A node operator approves plans by <see cref="Hash"/>, so the plan is data, never code,
/// and has exactly one byte encoding (<see cref="ToCanonicalJson"/>).
/// </summary>
/// <example>
/// <code>{"format":"fedbiomed.training-plan/1","model":{"kind":"mlp","hidden":[32,16]},"loss":"cross-entropy","optimizer":{"kind":"sgd","lr":0.05,"momentum":0.9},"localEpochs":2,"batchSize":32,"preprocessing":"standardize","seed":7}</code>
/// </example>
public sealed record TrainingPlan
{
    /// <summary>The value of the "format" field; a different value is a different, unsupported schema.</summary>
    public const string Format = "fedbiomed.training-plan/1";

    public required ModelSpec Model { get; init; }

    /// <value><see cref="LossKind.CrossEntropy"/> by default.</value>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    public required OptimizerSpec Optimizer { get; init; }

    /// <summary>Passes over the local training split per round; exactly one of this and <see cref="LocalSteps"/> is set.</summary>
    public int? LocalEpochs { get; init; }

    /// <summary>Optimizer steps per round (batches, reshuffling after each pass); exactly one of this and <see cref="LocalEpochs"/> is set.</summary>
    public int? LocalSteps { get; init; }

    public required int BatchSize { get; init; }

    /// <value><see cref="PreprocessingKind.None"/> by default.</value>
    public PreprocessingKind Preprocessing { get; init; } = PreprocessingKind.None;

    /// <summary>Seeds weight initialization and batch order, so a run can be repeated.</summary>
    /// <remarks>Under <see cref="DifferentialPrivacy"/> the batches and the noise come from a CSPRNG instead: they must stay secret.</remarks>
    public long Seed { get; init; }

    /// <summary>Sample-level DP-SGD; null (the default) trains without it.</summary>
    /// <remarks>When null the section is absent from the canonical JSON, so plans without it keep their hash.</remarks>
    public DifferentialPrivacySpec? DifferentialPrivacy { get; init; }

    // Keyed by instance, not held in a field: a field would be copied into every `with` copy (a stale hash for the
    // changed plan) and would take part in record equality. A plan cannot change after construction (every property,
    // nested ones included, is init-only), so its first hash stays its hash.
    private static readonly ConditionalWeakTable<TrainingPlan, string> Hashes = new();

    /// <summary>Lowercase hex SHA-256 of <see cref="ToCanonicalUtf8"/>: the plan's identity for approval and audit.</summary>
    /// <remarks>Computed on the first read and remembered for this instance; a <c>with</c> copy is a new instance and hashes anew.</remarks>
    public string Hash => Hashes.GetValue(this, static plan => Convert.ToHexStringLower(SHA256.HashData(plan.ToCanonicalUtf8())));

    /// <summary>
    /// The DP-SGD schedule of one round on <paramref name="trainingSamples"/> samples: <see cref="LocalSteps"/>, or
    /// ⌈epochs·N / b⌉ steps for a plan in epochs, with b = min(<see cref="BatchSize"/>, N), at sampling rate q = b / N.
    /// What the trainer runs (<see cref="TrainingResult.DpSteps"/>) and what a node prices before it trains.
    /// </summary>
    public (long Steps, double SamplingRate) DpSgdSchedule(int trainingSamples)
    {
        int batchSize = Math.Min(BatchSize, trainingSamples);
        long steps = LocalSteps ?? ((long)LocalEpochs!.Value * trainingSamples + batchSize - 1) / batchSize;
        return (steps, (double)batchSize / trainingSamples);
    }

    /// <summary>Checks every field against its bounds.</summary>
    /// <exception cref="TrainingPlanException">Names the first bad field and its value.</exception>
    public void Validate() => PlanRules.Validate(this);

    /// <summary>
    /// The canonical form: compact JSON, properties in a fixed order, numbers in invariant culture (shortest
    /// round-trip form), optional fields present exactly when they apply. Validates first, so a hash always
    /// names a valid plan.
    /// </summary>
    public byte[] ToCanonicalUtf8()
    {
        Validate();
        return PlanJsonWriter.Write(this);
    }

    /// <inheritdoc cref="ToCanonicalUtf8"/>
    public string ToCanonicalJson() => System.Text.Encoding.UTF8.GetString(ToCanonicalUtf8());

    /// <summary>Parses and validates a plan; property order and whitespace in the input do not matter.</summary>
    /// <exception cref="TrainingPlanException">Names the bad field, e.g. "plan.optimizer.lr: -1 must be > 0".</exception>
    public static TrainingPlan Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static TrainingPlan Parse(ReadOnlySpan<byte> utf8Json)
    {
        var plan = PlanJsonReader.Read(utf8Json);
        plan.Validate();
        return plan;
    }
}
