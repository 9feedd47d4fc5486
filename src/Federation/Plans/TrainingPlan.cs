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

    /// <summary>Lowercase hex SHA-256 of <see cref="ToCanonicalUtf8"/>: the plan's identity for approval and audit.</summary>
    /// <remarks>Computed on each call rather than cached, since <c>with</c> copies would carry a stale cache.</remarks>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(ToCanonicalUtf8()));

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
