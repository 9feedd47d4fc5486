using System.Globalization;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher;
using FedBioMed.Researcher.Experiments;
using FedBioMed.Researcher.Hosting;
using FedBioMed.Researcher.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Cli.Commands;

/// <summary>`fedbiomed researcher run`: host the gRPC server, wait for the nodes, run an experiment file.</summary>
internal static class ResearcherCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args is not ["run", .. var rest]) throw new UsageException($"unknown researcher command '{string.Join(' ', args)}'");
        var options = Options.Parse(rest);
        var spec = ExperimentFile.Load(options.Required("--experiment"));
        var roster = RosterFile.Load(options.Required("--roster"));
        var listen = options.Get("--listen") ?? "http://127.0.0.1:50051";
        var wait = options.Int("--wait-seconds", 300, min: 1);
        // A node that stops reading its stream is dropped once a message has waited this long for room in its queue.
        var sendTimeout = options.Int("--send-timeout-seconds", 60, min: 1);
        var outputDir = options.Get("--output");
        var identityKey = options.Get("--identity-key");
        var auditDir = options.Get("--audit-dir");
        var runId = options.Get("--run-id");
        options.RejectUnknown();
        if (auditDir is not null && identityKey is null) throw new UsageException("--audit-dir needs --identity-key FILE (the researcher's Ed25519 key, created on first use)");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        var researcherOptions = new ResearcherOptions
        {
            IdentityKeyPath = identityKey, AuditDirectory = auditDir, Telemetry = TelemetrySettings.FromEnvironment("fedbiomed-researcher"),
            SendTimeout = TimeSpan.FromSeconds(sendTimeout),
        };
        if (runId is not null) researcherOptions = researcherOptions with { AuditRunId = runId };
        builder.Services.AddFedBioMedResearcher(researcherOptions, roster);
        await using var app = builder.Build();
        app.MapFedBioMedResearcher();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"researcher listening on {listen}; waiting for {spec.MinNodes} nodes with tag '{spec.DatasetTag}'");
        if (auditDir is not null) output.WriteLine($"audit trail in {auditDir}, run {researcherOptions.AuditRunId} (nodes receive it when admitted)");
        await app.Services.GetRequiredService<NodeRegistry>().WaitForNodesAsync(spec.MinNodes, TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
        var result = await app.Services.GetRequiredService<ExperimentRunner>()
            .RunAsync(spec, new Demo.RoundProgressPrinter(output, spec.Rounds), cancellationToken).ConfigureAwait(false);
        foreach (var r in result.Rounds)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {r.Round}: {(r.Completed ? "completed" : "aborted: " + r.AbortReason)}; survivors {string.Join(',', r.Survivors)}; dropped {string.Join(", ", r.Dropped.Select(d => $"{d.Key} ({d.Value})"))}; accuracy {r.ValidationAccuracy:F4}"));
        }
        if (outputDir is not null)
        {
            Directory.CreateDirectory(outputDir);
            ModelExport.Save(result, outputDir);
            output.WriteLine($"global model saved to {outputDir} (model.safetensors)");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final accuracy: {result.FinalValidationAccuracy:F3}"));
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
