using System.Text.Json;
using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Commands;

/// <summary>
/// Reads an experiment from JSON. Every error names the field and the value, for example
/// "experiment.rounds: 'ten' is not an integer".
/// </summary>
internal static class ExperimentFile
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "id", "datasetTag", "plan", "rounds", "minNodes", "cohortSize", "secureAggregation", "neighbourDegree",
        "thresholdFraction", "clipNorm", "stageTimeoutSeconds", "trainingTimeoutSeconds", "clientDp",
    };

    public static ExperimentSpec Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"experiment file '{path}' does not exist", path);
        return Parse(File.ReadAllText(path));
    }

    public static ExperimentSpec Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"experiment file is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("experiment file must hold a JSON object");
            RejectUnknown(root, Known, "");
            if (!root.TryGetProperty("plan", out var planElement) || planElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("experiment.plan: a training-plan object is required");
            TrainingPlan plan;
            try
            {
                plan = TrainingPlan.Parse(planElement.GetRawText());
            }
            catch (TrainingPlanException ex)
            {
                throw new InvalidDataException($"experiment.{ex.Message}");
            }
            var required = new ExperimentSpec
            {
                Id = String(root, "id") ?? throw new InvalidDataException("experiment.id: required"),
                DatasetTag = String(root, "datasetTag") ?? throw new InvalidDataException("experiment.datasetTag: required"),
                Plan = plan,
            };
            // A field the file leaves out keeps the spec's default.
            var spec = required with
            {
                Rounds = Int(root, "rounds") ?? required.Rounds,
                MinNodes = Int(root, "minNodes") ?? required.MinNodes,
                CohortSize = Int(root, "cohortSize"),
                SecureAggregation = Bool(root, "secureAggregation") ?? required.SecureAggregation,
                NeighbourDegree = Int(root, "neighbourDegree"),
                ThresholdFraction = Double(root, "thresholdFraction") ?? required.ThresholdFraction,
                ClipNorm = Double(root, "clipNorm") ?? required.ClipNorm,
                StageTimeout = Seconds(root, "stageTimeoutSeconds") ?? required.StageTimeout,
                TrainingTimeout = Seconds(root, "trainingTimeoutSeconds") ?? required.TrainingTimeout,
                ClientDp = ClientDp(root),
            };
            try
            {
                spec.Validate();
            }
            catch (TrainingPlanException ex)
            {
                throw new InvalidDataException($"experiment.{ex.Message}");
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex); // already "experiment.field: value ..."
            }
            return spec;
        }
    }

    private static readonly HashSet<string> KnownDp = new(StringComparer.Ordinal) { "targetEpsilon", "delta", "clipNorm", "wordBits", "rotate" };

    /// <summary>The optional "clientDp" object: client-level distributed DP.</summary>
    private static ClientDpSpec? ClientDp(JsonElement root)
    {
        if (!root.TryGetProperty("clientDp", out var dp) || dp.ValueKind == JsonValueKind.Null) return null;
        if (dp.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"experiment.clientDp: {dp.GetRawText()} is not an object");
        RejectUnknown(dp, KnownDp, "clientDp.");
        var required = new ClientDpSpec
        {
            TargetEpsilon = Double(dp, "targetEpsilon", "clientDp.") ?? throw new InvalidDataException("experiment.clientDp.targetEpsilon: required"),
        };
        return required with
        {
            Delta = Double(dp, "delta", "clientDp.") ?? required.Delta,
            ClipNorm = Double(dp, "clipNorm", "clientDp.") ?? required.ClipNorm,
            WordBits = Int(dp, "wordBits", "clientDp.") ?? required.WordBits,
            Rotate = Bool(dp, "rotate", "clientDp.") ?? required.Rotate,
        };
    }

    private static void RejectUnknown(JsonElement obj, HashSet<string> known, string prefix)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name)) throw new InvalidDataException($"experiment.{prefix}{property.Name}: unknown field");
        }
    }

    private static string? String(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var e) ? null
        : e.ValueKind == JsonValueKind.String ? e.GetString()
        : throw new InvalidDataException($"experiment.{name}: {e.GetRawText()} is not a string");

    private static int? Int(JsonElement root, string name, string prefix = "") =>
        !root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null ? null
        : e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v
        : throw new InvalidDataException($"experiment.{prefix}{name}: {e.GetRawText()} is not an integer");

    private static double? Double(JsonElement root, string name, string prefix = "") =>
        !root.TryGetProperty(name, out var e) ? null
        : e.ValueKind == JsonValueKind.Number ? e.GetDouble()
        : throw new InvalidDataException($"experiment.{prefix}{name}: {e.GetRawText()} is not a number");

    /// <summary>Deadlines are capped well below what CancelAfter accepts (about 49 days), so a typo fails here, not mid-experiment.</summary>
    private const double MaxSeconds = 30 * 24 * 3600;

    private static TimeSpan? Seconds(JsonElement root, string name) =>
        Double(root, name) is not { } seconds ? null
        : seconds > 0 && seconds <= MaxSeconds ? TimeSpan.FromSeconds(seconds)
        : throw new InvalidDataException($"experiment.{name}: {root.GetProperty(name).GetRawText()} must be a positive number of seconds, at most {MaxSeconds} (30 days)");

    private static bool? Bool(JsonElement root, string name, string prefix = "") =>
        !root.TryGetProperty(name, out var e) ? null
        : e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean()
        : throw new InvalidDataException($"experiment.{prefix}{name}: {e.GetRawText()} is not true or false");
}
