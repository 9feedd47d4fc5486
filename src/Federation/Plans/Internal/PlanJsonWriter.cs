using System.Buffers;
using System.Text.Json;

namespace FedBioMed.Federation.Internal;

/// <summary>Writes the canonical plan bytes. The property order here is part of the hash: changing it changes every plan's identity.</summary>
internal static class PlanJsonWriter
{
    public static byte[] Write(TrainingPlan plan)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            json.WriteStartObject();
            json.WriteString("format", TrainingPlan.Format);

            json.WriteStartObject("model");
            json.WriteString("kind", PlanNames.Models[plan.Model.Kind]);
            if (plan.Model.Kind == ModelKind.Mlp)
            {
                json.WriteStartArray("hidden");
                foreach (int width in plan.Model.HiddenSizes)
                {
                    json.WriteNumberValue(width);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();

            json.WriteString("loss", PlanNames.Losses[plan.Loss]);

            json.WriteStartObject("optimizer");
            json.WriteString("kind", PlanNames.Optimizers[plan.Optimizer.Kind]);
            WriteDouble(json, "lr", plan.Optimizer.LearningRate);
            if (plan.Optimizer.Kind == OptimizerKind.Sgd)
            {
                WriteDouble(json, "momentum", plan.Optimizer.Momentum);
            }
            json.WriteEndObject();

            if (plan.LocalEpochs is { } epochs)
            {
                json.WriteNumber("localEpochs", epochs);
            }
            else
            {
                json.WriteNumber("localSteps", plan.LocalSteps!.Value);
            }
            json.WriteNumber("batchSize", plan.BatchSize);
            json.WriteString("preprocessing", PlanNames.Preprocessings[plan.Preprocessing]);
            json.WriteNumber("seed", plan.Seed);
            // Only when set: every plan written before DP-SGD existed keeps its bytes and hash.
            if (plan.DifferentialPrivacy is { } dp)
            {
                json.WriteStartObject("differentialPrivacy");
                WriteDouble(json, "noiseMultiplier", dp.NoiseMultiplier);
                WriteDouble(json, "maxGradNorm", dp.MaxGradNorm);
                json.WriteString("sampling", PlanNames.Samplings[dp.Sampling]);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // "R" with the invariant culture is the shortest text that round-trips the double, fixed by us rather than by
    // whatever default the JSON writer of a future runtime picks.
    private static void WriteDouble(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(PlanRules.Show(value));
    }
}
