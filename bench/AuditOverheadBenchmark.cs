using System.Diagnostics;
using System.Globalization;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Researcher.Experiments;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Bench;

/// <summary>
/// `audit-overhead`: the demo's federation (3 hospitals, Breast Cancer Wisconsin, logistic regression, secure
/// aggregation) run with observability off, and on: signed audit trails for every participant plus OpenTelemetry
/// traces and metrics exported over OTLP/HTTP to a collector on loopback (a sink in a process of its own that reads and
/// counts every export). After one unmeasured run of each, variants alternate (off, on, on, off, …) in one
/// process; each run's first rounds are warm-up too. Prints the median round time of each variant, the overhead (on / off − 1), the process CPU time per
/// round of each, and checks that every "on" run's trails verify clean and that the collector received spans.
/// </summary>
/// <remarks>
/// Options: --rounds 40 (per run), --pairs 6, --warmup 5 (rounds left out of each run's figures), --on both|audit|telemetry
/// (what the "on" variant turns on; default both).
/// </remarks>
internal static class AuditOverheadBenchmark
{
    private sealed record RunResult(bool Observed, IReadOnlyList<double> RoundMs, double CpuMsPerRound);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchProcess.IntOption(args, "--rounds", 40);
        var pairs = BenchProcess.IntOption(args, "--pairs", 6);
        var warmup = BenchProcess.IntOption(args, "--warmup", 5);
        var on = BenchProcess.StringOption(args, "--on") ?? "both";
        if (on is not ("both" or "audit" or "telemetry"))
        {
            Console.Error.WriteLine("--on must be both, audit or telemetry");
            return 2;
        }
        if (rounds <= warmup || pairs < 1 || warmup < 0)
        {
            Console.Error.WriteLine("--rounds must exceed --warmup (≥ 0), --pairs must be at least 1");
            return 2;
        }

        if (BreastCancerFiles.TryLoad() is not { } data) return 1;
        var parts = NodePartitioner.Dirichlet(data, 3, alpha: 1.0, seed: 7, minSamplesPerNode: 40);
        var scratch = Directory.CreateTempSubdirectory("fedbiomed-audit-overhead-").FullName;
        // The collector runs in a process of its own: receiving the exports is not the federation's work.
        await using var collector = await OtlpSinkProcess.StartAsync().ConfigureAwait(false);
        // The standard variables every OTLP exporter reads; a 1 s metric interval so metrics really flow during the runs.
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        try
        {
            var files = BreastCancerFiles.WriteHospitalFiles(scratch, parts);
            Console.WriteLine($"audit-overhead: demo federation (3 hospitals, {data.Count} patients, secure aggregation), {rounds} rounds per run, {pairs} pairs, first {warmup} rounds of each run left out");
            Console.WriteLine("variant   run  median round ms  cpu ms/round  records  verify");
            // One unmeasured run of each variant first: the JIT's tiered compilation keeps improving the code for a few hundred rounds.
            foreach (var observed in new[] { false, true })
                await RunOnceAsync(files, rounds, warmup, observed, -1, scratch, on).ConfigureAwait(false);
            var results = new List<RunResult>();
            for (var pair = 0; pair < pairs; pair++)
            {
                // off, on | on, off | … so that drift in machine load falls on both variants alike.
                bool[] order = pair % 2 == 0 ? [false, true] : [true, false];
                foreach (var observed in order)
                    results.Add(await RunOnceAsync(files, rounds, warmup, observed, pair, scratch, on).ConfigureAwait(false));
            }

            var offRounds = results.Where(r => !r.Observed).SelectMany(r => r.RoundMs).ToArray();
            var onRounds = results.Where(r => r.Observed).SelectMany(r => r.RoundMs).ToArray();
            var offMedian = BenchProcess.Median(offRounds);
            var onMedian = BenchProcess.Median(onRounds);
            var offCpu = BenchProcess.Median(results.Where(r => !r.Observed).Select(r => r.CpuMsPerRound));
            var onCpu = BenchProcess.Median(results.Where(r => r.Observed).Select(r => r.CpuMsPerRound));
            // Per pair: the ratio of its two runs' medians, so one noisy stretch does not sway the headline alone.
            var pairRatios = results.Chunk(2)
                .Select(pair => BenchProcess.Median(pair.Single(r => r.Observed).RoundMs) / BenchProcess.Median(pair.Single(r => !r.Observed).RoundMs))
                .ToArray();
            Console.WriteLine();
            Console.WriteLine(BenchProcess.Invariant($"median_round_ms_off: {offMedian:F2}  ({offRounds.Length} rounds)"));
            Console.WriteLine(BenchProcess.Invariant($"median_round_ms_on: {onMedian:F2}  ({onRounds.Length} rounds)"));
            Console.WriteLine(BenchProcess.Invariant($"cpu_ms_per_round_off: {offCpu:F2}"));
            Console.WriteLine(BenchProcess.Invariant($"cpu_ms_per_round_on: {onCpu:F2}"));
            Console.WriteLine(BenchProcess.Invariant($"pair_ratios: {string.Join(' ', pairRatios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}"));
            var received = await collector.StopAsync().ConfigureAwait(false);
            Console.WriteLine(BenchProcess.Invariant($"otlp_exports_received: {received.Requests} ({received.Bytes / 1024.0:F0} KiB, traces {received.TraceBytes / 1024.0:F0} KiB)"));
            Console.WriteLine(BenchProcess.Invariant($"audit_telemetry_overhead: {onMedian / offMedian - 1:F4}"));
            Console.WriteLine(BenchProcess.Invariant($"audit_telemetry_overhead_median_of_pairs: {BenchProcess.Median(pairRatios) - 1:F4}"));
            // The pairs' geometric mean with a 95 % interval (normal approximation on log ratios): how precisely this run pins the cost.
            var logs = pairRatios.Select(r => Math.Log(r)).ToArray();
            var mean = logs.Average();
            var half = pairs > 1 ? 1.96 * Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / (pairs - 1) / pairs) : double.NaN;
            Console.WriteLine(BenchProcess.Invariant($"audit_telemetry_overhead_mean_of_pairs: {Math.Exp(mean) - 1:F4}  (95 % interval {Math.Exp(mean - half) - 1:F4} to {Math.Exp(mean + half) - 1:F4}, {pairs} pairs)"));
            Console.WriteLine(BenchProcess.Invariant($"audit_telemetry_cpu_overhead: {onCpu / offCpu - 1:F4}"));
            if (on != "telemetry")
            {
                // The end-to-end figures above move by ±10 % between identical runs on a shared 2-core VM, more than the
                // cost itself. So the audit path is also timed on its own: the real records of one audited run, replayed
                // through the same pipeline (spans, 4 tracer providers as in the demo, trail processor, sealed batches).
                var replay = AuditReplay.Run(Path.Combine(scratch, $"audit-{pairs - 1}"), rounds, passes: 5);
                Console.WriteLine(BenchProcess.Invariant($"audit_replay: {replay.Events} events per pass ({replay.Events / (double)rounds:F0} per round), {replay.CpuMsPerRound:F3} ms CPU and {replay.WallMsPerRound:F3} ms on the protocol's threads per round"));
                Console.WriteLine(BenchProcess.Invariant($"audit_cpu_vs_round_time: {replay.CpuMsPerRound / offMedian:F4}"));
                Console.WriteLine(BenchProcess.Invariant($"audit_protocol_path_vs_round_time: {replay.WallMsPerRound / offMedian:F4}"));
            }
            return on == "audit" || received.Requests > 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<RunResult> RunOnceAsync(IReadOnlyList<string> files, int rounds, int warmup, bool observed, int pair, string scratch, string on)
    {
        var auditDirectory = observed && on != "telemetry" ? Directory.CreateDirectory(Path.Combine(scratch, pair < 0 ? "audit-warmup" : $"audit-{pair}")).FullName : null;
        var telemetry = observed && on != "audit";
        var observability = observed
            ? new FederationObservability
            {
                AuditDirectory = auditDirectory,
                ResearcherTelemetry = telemetry ? new TelemetryOptions { ServiceName = "fedbiomed-researcher", Otlp = true } : null,
                NodeTelemetry = telemetry ? new TelemetryOptions { ServiceName = "fedbiomed-node", Otlp = true } : null,
            }
            : new FederationObservability();
        var spec = new ExperimentSpec
        {
            Id = $"overhead-{pair}-{(observed ? "on" : "off")}", DatasetTag = DemoCommand.Tag, Plan = DemoCommand.DemoPlan(), Rounds = rounds,
            MinNodes = 2, SecureAggregation = true,
        };
        ExperimentResult result;
        TimeSpan cpu;
        await using (var federation = await InProcessFederation.StartAsync(files, DemoCommand.Target, DemoCommand.Tag, spec.Plan, LogLevel.Warning,
            observability: observability).ConfigureAwait(false))
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            result = await federation.Runner.RunAsync(spec).ConfigureAwait(false);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }
        if (!result.Rounds.All(r => r.Completed)) throw new InvalidOperationException($"a round did not complete in run {spec.Id}");
        var measured = result.Rounds.Where(r => r.Round > warmup).Select(r => r.Duration.TotalMilliseconds).ToArray();
        var cpuPerRound = cpu.TotalMilliseconds / result.Rounds.Count;
        var verify = "-";
        var records = "-";
        if (auditDirectory is not null)
        {
            var report = AuditVerifier.Verify(Directory.GetFiles(auditDirectory, "*.jsonl"));
            records = report.Records.ToString(CultureInfo.InvariantCulture);
            verify = report.Clean ? "clean" : $"{report.Findings.Count} findings: {report.Findings[0]}";
            if (!report.Clean) throw new InvalidOperationException($"the trails of run {spec.Id} do not verify: {verify}");
        }
        Console.WriteLine(BenchProcess.Invariant($"{(observed ? "on" : "off"),-7}  {(pair < 0 ? "warm" : pair.ToString(CultureInfo.InvariantCulture)),4}  {BenchProcess.Median(measured),15:F2}  {cpuPerRound,12:F2}  {records,7}  {verify}"));
        return new RunResult(observed, measured, cpuPerRound);
    }
}
