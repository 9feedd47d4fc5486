using System.Diagnostics;
using System.Globalization;
using System.Net;
using FedBioMed.Federation;
using FedBioMed.Federation.Wire;
using FedBioMed.Node;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Storage;
using FedBioMed.Researcher;
using FedBioMed.Researcher.Experiments;
using FedBioMed.Researcher.Hosting;
using FedBioMed.Researcher.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FedBioMed.Bench;

/// <summary>
/// `large-model`: one federated round of an MLP with at least 25 million parameters (100 MB of float32) on the
/// Breast Cancer Wisconsin data, through secure aggregation over real gRPC (payloads in chunks of at most
/// 1 MiB), with a researcher process and 3 node processes, so that each process's peak resident set size
/// (VmHWM) is its own. Prints the parameter count, the round time and the peak RSS of each process.
/// </summary>
/// <remarks>
/// Options: --nodes 3, --hidden 5000,5000 (MLP hidden widths), --csv PATH (default: the repository's
/// data/breast-cancer-wisconsin/wdbc.csv). The child processes are this program again with the internal
/// commands large-model-researcher and large-model-node.
/// </remarks>
internal static class LargeModelBenchmark
{
    private const string Tag = "large-model";
    private const string Target = BreastCancerFiles.Target;
    private const string DefaultHidden = "5000,5000";

    /// <summary>One local SGD step so that training stays quick and the round is about moving and masking the model.</summary>
    private static TrainingPlan Plan(int[] hidden) => new()
    {
        Model = ModelSpec.Mlp(hidden),
        Optimizer = OptimizerSpec.Sgd(0.001),
        LocalSteps = 1,
        BatchSize = 32,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 1,
    };

    private static int[] Hidden(string[] args) =>
        (BenchProcess.StringOption(args, "--hidden") ?? DefaultHidden)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray();

    // ---- parent: sets up identities, roster and data, starts the processes, collects the figures ----

    public static int Run(string[] args)
    {
        var nodes = BenchProcess.IntOption(args, "--nodes", 3);
        var hidden = Hidden(args);
        var csv = BenchProcess.StringOption(args, "--csv") ?? BreastCancerFiles.Find();
        if (csv is null || !File.Exists(csv))
        {
            Console.Error.WriteLine("data/breast-cancer-wisconsin/wdbc.csv not found; run from the repository or pass --csv");
            return 1;
        }
        var data = TabularDataset.Load(csv, new TabularDatasetOptions { TargetColumn = Target });
        var layout = LocalTrainer.DescribeParameters(ModelSpec.Mlp(hidden), data.FeatureShape, data.ClassCount);
        var parameters = layout[^1].Offset + layout[^1].Length;
        var modelMib = parameters * 4.0 / 1048576;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"large model: MLP [{data.FeatureLength} → {string.Join(" → ", hidden)} → {data.ClassCount}], {parameters:N0} parameters = {modelMib:F1} MiB of float32; {nodes} nodes, secure aggregation, 1 round of 1 local step"));

        var root = Directory.CreateTempSubdirectory("fedbiomed-large-").FullName;
        var processes = new List<Process>();
        try
        {
            var keys = new List<KeyValuePair<string, byte[]>>();
            var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
            for (var i = 0; i < nodes; i++)
            {
                var id = $"node-{i}";
                var directory = Directory.CreateDirectory(Path.Combine(root, id)).FullName;
                using (var identity = IdentityKeyFile.LoadOrCreate(id, Path.Combine(directory, "identity.key")))
                    keys.Add(KeyValuePair.Create(id, identity.PublicKey.ToArray()));
                // Rows dealt round-robin: every node gets both diagnoses.
                File.WriteAllLines(Path.Combine(directory, "data.csv"), lines.Take(1).Concat(lines.Skip(1).Where((_, row) => row % nodes == i)));
            }
            RosterFile.Save(Path.Combine(root, "roster.json"), keys);

            var researcherOutput = new List<string>();
            var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var researcher = Start("researcher", ["large-model-researcher", "--root", root, "--nodes", $"{nodes}", "--hidden", string.Join(',', hidden)], researcherOutput, line =>
            {
                if (line.StartsWith("listening: ", StringComparison.Ordinal)) address.TrySetResult(line["listening: ".Length..]);
            });
            processes.Add(researcher);
            if (!address.Task.Wait(TimeSpan.FromSeconds(60)))
            {
                Console.Error.WriteLine("the researcher did not start listening within 60 s");
                return 1;
            }

            var nodeOutputs = new List<List<string>>();
            var nodeProcesses = new List<Process>();
            for (var i = 0; i < nodes; i++)
            {
                var output = new List<string>();
                nodeOutputs.Add(output);
                var node = Start($"node-{i}", ["large-model-node", "--root", root, "--id", $"node-{i}", "--researcher", address.Task.Result, "--hidden", string.Join(',', hidden)], output, null, redirectInput: true);
                processes.Add(node);
                nodeProcesses.Add(node);
            }

            if (!researcher.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                Console.Error.WriteLine("the researcher did not finish within 10 minutes");
                return 1;
            }
            researcher.WaitForExit(); // drains the output
            foreach (var node in nodeProcesses) node.StandardInput.Close(); // tells the node to report and stop
            foreach (var node in nodeProcesses)
            {
                if (!node.WaitForExit(TimeSpan.FromSeconds(60))) Console.Error.WriteLine($"node process {node.Id} did not stop within 60 s");
                else node.WaitForExit();
            }
            if (researcher.ExitCode != 0)
            {
                Console.Error.WriteLine($"the researcher exited with {researcher.ExitCode}");
                return 1;
            }

            var researcherPeak = Value(researcherOutput, "peak_rss_mib");
            var nodePeaks = nodeOutputs.Select(o => Value(o, "peak_rss_mib")).ToArray();
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"large_model_parameters: {parameters}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"large_model_mib: {modelMib:F1}"));
            Console.WriteLine($"round_time_s: {Value(researcherOutput, "round_time_s")}");
            Console.WriteLine($"aggregation_time_s: {Value(researcherOutput, "aggregation_time_s")}");
            Console.WriteLine($"researcher_idle_rss_mib: {Value(researcherOutput, "idle_rss_mib")}");
            Console.WriteLine($"researcher_peak_rss_mib: {researcherPeak}");
            Console.WriteLine($"researcher_peak_anon_rss_mib: {Value(researcherOutput, "peak_anon_rss_mib")}");
            Console.WriteLine($"node_idle_rss_mib: {Value(nodeOutputs[0], "idle_rss_mib")}");
            Console.WriteLine($"node_peak_rss_mib: {nodePeaks[0]}");
            Console.WriteLine($"node_peak_rss_mib_all: {string.Join(' ', nodePeaks)}");
            Console.WriteLine($"node_peak_anon_rss_mib: {Value(nodeOutputs[0], "peak_anon_rss_mib")}");
            return 0;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.Dispose();
            }
            Directory.Delete(root, recursive: true);
        }
    }

    private static Process Start(string name, string[] args, List<string> output, Action<string>? onLine, bool redirectInput = false)
    {
        var (file, prefix) = BenchProcess.Self();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        foreach (var a in prefix.Concat(args)) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            Console.WriteLine($"  [{name}] {e.Data}");
            onLine?.Invoke(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        return process;
    }

    private static string Value(List<string> output, string key)
    {
        lock (output)
        {
            return output.LastOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..] ?? "?";
        }
    }

    // ---- child: the researcher alone ----

    public static int RunResearcher(string[] args) => RunResearcherAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunResearcherAsync(string[] args)
    {
        var root = BenchProcess.StringOption(args, "--root") ?? throw new ArgumentException("--root is required");
        var nodes = BenchProcess.IntOption(args, "--nodes", 3);
        var plan = Plan(Hidden(args));
        var roster = RosterFile.Load(Path.Combine(root, "roster.json"));
        using var sampler = new MemorySampler();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddFedBioMedResearcher(new ResearcherOptions(), roster);
        await using var app = builder.Build();
        app.MapFedBioMedResearcher();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening: {address}");
        await app.Services.GetRequiredService<NodeRegistry>().WaitForNodesAsync(nodes, TimeSpan.FromSeconds(120), CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle_rss_mib: {BenchProcess.RssMib():F0}"));

        var spec = new ExperimentSpec
        {
            Id = $"large-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", DatasetTag = Tag, Plan = plan, Rounds = 1, MinNodes = nodes,
            SecureAggregation = true, StageTimeout = TimeSpan.FromMinutes(2),
        };
        var started = Stopwatch.GetTimestamp();
        var progress = new PhaseProgress(sampler);
        var result = await app.Services.GetRequiredService<ExperimentRunner>().RunAsync(spec, progress).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(started);
        var round = result.Rounds[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round 1: {(round.Completed ? "completed" : "aborted: " + round.AbortReason)}, survivors {string.Join(',', round.Survivors)}, {result.GlobalParameters.Length:N0} parameters"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round_time_s: {round.Duration.TotalSeconds:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregation_time_s: {round.AggregationTime.TotalSeconds:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"experiment_time_s: {wall.TotalSeconds:F2} (feature statistics, the round and the final evaluation)"));
        Console.WriteLine(sampler.Describe());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_rss_mib: {BenchProcess.PeakRssMib():F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_anon_rss_mib: {sampler.PeakAnonMib:F0}"));
        await app.StopAsync().ConfigureAwait(false);
        return round.Completed && round.Survivors.Count == nodes ? 0 : 1;
    }

    /// <summary>Names the researcher's current stage for the memory sampler.</summary>
    private sealed class PhaseProgress(MemorySampler sampler) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value) => sampler.Phase = $"round {value.Round}: {value.Stage}";
    }

    // ---- child: one node alone; it reports its peak RSS and stops when its standard input closes ----

    public static int RunNode(string[] args) => RunNodeAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunNodeAsync(string[] args)
    {
        var root = BenchProcess.StringOption(args, "--root") ?? throw new ArgumentException("--root is required");
        var id = BenchProcess.StringOption(args, "--id") ?? throw new ArgumentException("--id is required");
        var researcher = BenchProcess.StringOption(args, "--researcher") ?? throw new ArgumentException("--researcher is required");
        var plan = Plan(Hidden(args));
        var directory = Path.Combine(root, id);
        using var sampler = new MemorySampler();
        var options = new NodeOptions { NodeId = id, ResearcherUrl = researcher, DataDirectory = directory, RosterPath = Path.Combine(root, "roster.json") };

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Warnings to the console; the node's information events name the sampler's phases.
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddConsole().AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Logging.AddProvider(new PhaseLoggerProvider(sampler));
        builder.Services.AddFedBioMedNode(options);
        using var host = builder.Build();
        host.Services.GetRequiredService<DatasetStore>().Add(new DatasetRegistration(id + "-bcw", [Tag], DatasetKind.Csv, Path.Combine(directory, "data.csv"), TargetColumn: Target));
        host.Services.GetRequiredService<PlanStore>().Approve(plan.Hash, plan.ToCanonicalJson());
        await host.StartAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle_rss_mib: {BenchProcess.RssMib():F0}"));
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        Console.WriteLine(sampler.Describe());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_rss_mib: {BenchProcess.PeakRssMib():F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_anon_rss_mib: {sampler.PeakAnonMib:F0}"));
        await host.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Turns the node's own log events (connected, trained, round ended) into phases for the memory sampler.</summary>
    private sealed class PhaseLoggerProvider(MemorySampler sampler) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var phase = eventId.Id switch
            {
                2001 => "connected: statistics, model download, training",
                2004 => "trained: secure aggregation",
                2005 => "round ended: final evaluation",
                _ => null,
            };
            if (phase is not null) sampler.Phase = phase;
        }

        public void Dispose()
        {
        }
    }
}
