using System.Diagnostics;
using System.Globalization;
using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Demo;

/// <summary>
/// `fedbiomed demo`: three hospitals hold non-IID parts of the Breast Cancer Wisconsin data and train a
/// logistic regression together through a researcher, over gRPC on loopback, with secure aggregation on.
/// </summary>
internal static class DemoCommand
{
    public const string Tag = "breast-cancer";
    public const string Target = "diagnosis";

    public static async Task<int> RunAsync(DemoArguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var csv = Path.Combine(AppContext.BaseDirectory, "data", "breast-cancer-wisconsin", "wdbc.csv");
        var data = TabularDataset.Load(csv, new TabularDatasetOptions { TargetColumn = Target });
        var parts = NodePartitioner.Dirichlet(data, args.Nodes, alpha: 1.0, seed: 7, minSamplesPerNode: 40);
        var plan = DemoPlan();
        if (args.DifferentialPrivacy)
        {
            // DP-SGD on every node, calibrated so the smallest hospital (the largest sampling rate) ends near ε = 3 at δ = 1e-5.
            var smallest = (int)Math.Floor(parts.Min(p => p.Count) * 0.8);
            var q = Math.Min(1.0, (double)plan.BatchSize / smallest);
            var steps = (long)args.Rounds * ((smallest + plan.BatchSize - 1) / plan.BatchSize);
            var z = Aggregation.Privacy.RdpAccountant.NoiseMultiplierFor(DemoEpsilon, steps, 1e-5, q);
            plan = plan with { Optimizer = OptimizerSpec.Sgd(0.5, 0.9), DifferentialPrivacy = DifferentialPrivacySpec.Poisson(z, 1.0) };
        }
        var spec = new ExperimentSpec
        {
            Id = $"demo-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}", DatasetTag = Tag, Plan = plan, Rounds = args.Rounds,
            MinNodes = 2, SecureAggregation = !args.NoSecureAggregation,
        };

        output.WriteLine($"FedBioMed.NET demo: {args.Nodes} hospitals, Breast Cancer Wisconsin ({data.Count} patients), {args.Rounds} rounds, secure aggregation {(spec.SecureAggregation ? "on" : "OFF")}"
            + (plan.DifferentialPrivacy is { } dp ? $", DP-SGD (noise multiplier {dp.NoiseMultiplier:F2}, clip {dp.MaxGradNorm})" : ""));
        var scratch = Directory.CreateTempSubdirectory("fedbiomed-demo-data-").FullName;
        try
        {
            var files = new List<string>();
            for (var i = 0; i < parts.Length; i++)
            {
                var path = Path.Combine(scratch, $"hospital-{(char)('a' + i)}.csv");
                CsvPartitionWriter.Write(path, parts[i], Target);
                files.Add(path);
                var counts = parts[i].ClassCounts();
                output.WriteLine($"  hospital-{(char)('a' + i)}: {parts[i].Count} patients ({string.Join(", ", parts[i].ClassNames.Select((c, j) => $"{counts[j]} {c}"))})");
            }
            output.WriteLine($"  plan {plan.Hash[..16]}… approved by each node's operator");

            // The nodes' operators must allow plain updates for a run without secure aggregation (their default refuses).
            var auditDirectory = args.AuditDirectory is null ? null : Path.GetFullPath(args.AuditDirectory);
            var observability = new FederationObservability
            {
                AuditDirectory = auditDirectory,
                ResearcherTelemetry = TelemetrySettings.FromEnvironment("fedbiomed-researcher", prometheus: args.PrometheusPort is not null),
                NodeTelemetry = TelemetrySettings.FromEnvironment("fedbiomed-node"),
                PrometheusPort = args.PrometheusPort,
            };
            await using var federation = await InProcessFederation.StartAsync(files, Target, Tag, plan, cancellationToken: cancellationToken,
                configureNode: node =>
                {
                    node.Privacy.RequireSecureAggregation = spec.SecureAggregation;
                    // With --dp each operator also caps ε a little above the target the plan was calibrated for.
                    if (args.DifferentialPrivacy) node.Privacy.MaxEpsilon = DemoEpsilonCap;
                }, observability: observability).ConfigureAwait(false);
            if (auditDirectory is not null)
            {
                var researcherKey = Convert.ToHexStringLower(federation.ResearcherIdentity!.PublicKey);
                output.WriteLine($"  audit trails in {auditDirectory} (run {federation.RunId}); researcher key {researcherKey}");
                output.WriteLine($"  check them with: fedbiomed audit verify --roster {Path.Combine(auditDirectory, "keys", "roster.json")} --researcher-key {researcherKey} {auditDirectory}");
            }
            var progress = new RoundProgressPrinter(output, args.Rounds, printEpsilon: args.DifferentialPrivacy);
            if (args.PrometheusPort is { } port) output.WriteLine($"  researcher metrics at http://127.0.0.1:{port}/metrics");
            var result = await federation.Runner.RunAsync(spec, progress, cancellationToken).ConfigureAwait(false);
            PrintTable(output, result);
            if (args.PrometheusPort is not null)
            {
                // Stay up until a scrape has read the final figures (or give up after the wait).
                output.WriteLine($"waiting up to {args.PrometheusWaitSeconds} s for a scrape of the final metrics…");
                var scraped = await federation.Scrapes.WaitForNextAsync(TimeSpan.FromSeconds(args.PrometheusWaitSeconds), cancellationToken).ConfigureAwait(false);
                output.WriteLine(scraped ? "metrics scraped" : "no scrape came; stopping");
            }
            output.WriteLine($"wall time: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final accuracy: {result.FinalValidationAccuracy:F3}"));
            return result.Rounds.All(r => r.Completed) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The ε the DP demo aims for (δ = 1e-5).</summary>
    public const double DemoEpsilon = 3;

    /// <summary>The ε cap of each node's policy in `demo --dp` (10% above <see cref="DemoEpsilon"/>).</summary>
    public const double DemoEpsilonCap = 3.3;

    /// <summary>The demo's training plan: logistic regression on standardized features.</summary>
    public static TrainingPlan DemoPlan() => new()
    {
        Model = ModelSpec.LogisticRegression(),
        Optimizer = OptimizerSpec.Adam(0.05),
        LocalEpochs = 1,
        BatchSize = 16,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 42,
    };

    private static void PrintTable(TextWriter output, ExperimentResult result)
    {
        output.WriteLine();
        output.WriteLine("round  nodes  accuracy  val loss  train loss  secagg ms  round ms  epsilon");
        foreach (var r in result.Rounds)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Round,5}  {r.Survivors.Count,5}  {r.ValidationAccuracy,8:F4}  {r.ValidationLoss,8:F4}  {r.TrainLoss,10:F4}  {r.AggregationTime.TotalMilliseconds,9:F0}  {r.Duration.TotalMilliseconds,8:F0}  {(double.IsNaN(r.Epsilon) ? "-" : r.Epsilon.ToString("F3", CultureInfo.InvariantCulture)),7}{(r.Completed ? "" : "  aborted: " + r.AbortReason)}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final  {"",5}  {result.FinalValidationAccuracy,8:F4}  {result.FinalValidationLoss,8:F4}"));
        output.WriteLine("(accuracy and loss: the global model the round started from, on the nodes' held-out validation splits, sample-weighted)");
    }
}

internal sealed record DemoArguments(int Nodes = 3, int Rounds = 10, bool NoSecureAggregation = false, bool DifferentialPrivacy = false, string? AuditDirectory = null,
    int? PrometheusPort = null, int PrometheusWaitSeconds = 60)
{
    /// <summary>The options of `fedbiomed demo`.</summary>
    public static DemoArguments Parse(string[] args)
    {
        var options = Options.Parse(args, flags: ["--no-secagg", "--dp"]);
        var parsed = new DemoArguments(
            Nodes: options.Int("--nodes", 3, min: 2),
            Rounds: options.Int("--rounds", 10, min: 1),
            NoSecureAggregation: options.Flag("--no-secagg"),
            DifferentialPrivacy: options.Flag("--dp"),
            AuditDirectory: options.Get("--audit-dir"),
            PrometheusPort: LoopbackPort(options.Get("--prometheus")),
            PrometheusWaitSeconds: options.Int("--prometheus-wait", 60, min: 0));
        options.RejectUnknown();
        return parsed;
    }

    /// <summary>The port of a loopback scrape URL (http://127.0.0.1:PORT or http://localhost:PORT).</summary>
    private static int? LoopbackPort(string? url)
    {
        if (url is null) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http" || !uri.IsLoopback || uri.IsDefaultPort || uri.AbsolutePath is not ("/" or "/metrics"))
            throw new UsageException($"option --prometheus: '{url}' must be a loopback URL with a port, like http://127.0.0.1:9464");
        return uri.Port;
    }
}
