using System.Text.Json;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// Reads plan JSON strictly: unknown, duplicate, missing and mistyped properties are errors that name their path,
/// because a field the node silently ignored would still change the hash the operator approved.
/// </summary>
internal static class PlanJsonReader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    public static TrainingPlan Read(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), Options);
        }
        catch (JsonException e)
        {
            throw new TrainingPlanException("plan", $"not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = Properties(document.RootElement, "plan",
                ["format", "model", "loss", "optimizer", "localEpochs", "localSteps", "batchSize", "preprocessing", "seed", "differentialPrivacy"]);

            string format = String(Required(root, "format", "plan"), "plan.format");
            if (format != TrainingPlan.Format)
            {
                throw new TrainingPlanException("plan.format", $"'{format}' is not the supported '{TrainingPlan.Format}'");
            }
            return new TrainingPlan
            {
                Model = ReadModel(Required(root, "model", "plan")),
                Loss = root.TryGetValue("loss", out var loss)
                    ? PlanNames.ValueOf(PlanNames.Losses, String(loss, "plan.loss"), "plan.loss")
                    : LossKind.CrossEntropy,
                Optimizer = ReadOptimizer(Required(root, "optimizer", "plan")),
                LocalEpochs = root.TryGetValue("localEpochs", out var epochs) ? Int32(epochs, "plan.localEpochs") : null,
                LocalSteps = root.TryGetValue("localSteps", out var steps) ? Int32(steps, "plan.localSteps") : null,
                BatchSize = Int32(Required(root, "batchSize", "plan"), "plan.batchSize"),
                Preprocessing = root.TryGetValue("preprocessing", out var pre)
                    ? PlanNames.ValueOf(PlanNames.Preprocessings, String(pre, "plan.preprocessing"), "plan.preprocessing")
                    : PreprocessingKind.None,
                Seed = Int64(Required(root, "seed", "plan"), "plan.seed"),
                DifferentialPrivacy = root.TryGetValue("differentialPrivacy", out var dp) ? ReadPrivacy(dp) : null,
            };
        }
    }

    private static ModelSpec ReadModel(JsonElement element)
    {
        var model = Properties(element, "plan.model", ["kind", "hidden"]);
        var kind = PlanNames.ValueOf(PlanNames.Models, String(Required(model, "kind", "plan.model"), "plan.model.kind"), "plan.model.kind");
        int[] hidden = [];
        if (model.TryGetValue("hidden", out var hiddenElement))
        {
            if (hiddenElement.ValueKind != JsonValueKind.Array)
            {
                throw new TrainingPlanException("plan.model.hidden", $"must be an array of integers, not {Describe(hiddenElement)}");
            }
            hidden = [.. hiddenElement.EnumerateArray().Select((e, i) => Int32(e, $"plan.model.hidden[{i}]"))];
        }
        else if (kind == ModelKind.Mlp)
        {
            throw new TrainingPlanException("plan.model.hidden", "is missing; an mlp needs its hidden layer widths");
        }
        return new ModelSpec { Kind = kind, HiddenSizes = hidden };
    }

    private static OptimizerSpec ReadOptimizer(JsonElement element)
    {
        var optimizer = Properties(element, "plan.optimizer", ["kind", "lr", "momentum"]);
        var kind = PlanNames.ValueOf(PlanNames.Optimizers, String(Required(optimizer, "kind", "plan.optimizer"), "plan.optimizer.kind"), "plan.optimizer.kind");
        if (kind != OptimizerKind.Sgd && optimizer.ContainsKey("momentum"))
        {
            throw new TrainingPlanException("plan.optimizer.momentum", $"only sgd takes a momentum, not {PlanNames.Optimizers[kind]}");
        }
        return new OptimizerSpec
        {
            Kind = kind,
            LearningRate = Double(Required(optimizer, "lr", "plan.optimizer"), "plan.optimizer.lr"),
            Momentum = optimizer.TryGetValue("momentum", out var momentum) ? Double(momentum, "plan.optimizer.momentum") : 0,
        };
    }

    private static DifferentialPrivacySpec ReadPrivacy(JsonElement element)
    {
        const string Path = "plan.differentialPrivacy";
        var dp = Properties(element, Path, ["noiseMultiplier", "maxGradNorm", "sampling"]);
        return new DifferentialPrivacySpec
        {
            NoiseMultiplier = Double(Required(dp, "noiseMultiplier", Path), $"{Path}.noiseMultiplier"),
            MaxGradNorm = Double(Required(dp, "maxGradNorm", Path), $"{Path}.maxGradNorm"),
            Sampling = dp.TryGetValue("sampling", out var sampling)
                ? PlanNames.ValueOf(PlanNames.Samplings, String(sampling, $"{Path}.sampling"), $"{Path}.sampling")
                : BatchSampling.Poisson,
        };
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement element, string path, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TrainingPlanException(path, $"must be an object, not {Describe(element)}");
        }
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new TrainingPlanException($"{path}.{property.Name}", $"unknown property (allowed: {string.Join(", ", allowed)})");
            }
            if (!properties.TryAdd(property.Name, property.Value))
            {
                throw new TrainingPlanException($"{path}.{property.Name}", "appears more than once");
            }
        }
        return properties;
    }

    private static JsonElement Required(Dictionary<string, JsonElement> properties, string name, string path) =>
        properties.TryGetValue(name, out var value) ? value : throw new TrainingPlanException($"{path}.{name}", "is missing");

    private static string String(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new TrainingPlanException(field, $"must be a string, not {Describe(element)}");

    private static int Int32(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value)
            ? value
            : throw new TrainingPlanException(field, $"{Describe(element)} is not a 32-bit integer");

    private static long Int64(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long value)
            ? value
            : throw new TrainingPlanException(field, $"{Describe(element)} is not a 64-bit integer");

    private static double Double(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double value) && double.IsFinite(value)
            ? value
            : throw new TrainingPlanException(field, $"{Describe(element)} is not a finite number");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"'{element.GetString()}'",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => element.GetRawText(),
    };
}
