using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Commands;

/// <summary>Saves the global model as safetensors (loadable from PyTorch) with the experiment id and model hash as metadata.</summary>
internal static class ModelExport
{
    public static void Save(ExperimentResult result, string directory)
    {
        var hash = result.Rounds.LastOrDefault(r => r.Completed)?.GlobalModelSha256 ?? "";
        SafeTensors.Save(Path.Combine(directory, "model.safetensors"), result.Layout, result.GlobalParameters,
            new Dictionary<string, string> { ["experiment"] = result.ExperimentId, ["sha256"] = hash });
    }
}
