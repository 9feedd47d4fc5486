using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FedBioMed.Bench;

/// <summary>
/// `audit-cpu-share`: what audit and telemetry cost inside a real demo run, measured in place rather than by
/// comparing runs (the demo's round time moves by ±10 % between identical runs on a shared VM, more than the cost).
/// Runs `fedbiomed demo` (3 hospitals, secure aggregation, audit trails for every participant, OTLP traces and metrics
/// exported to a collector in this process) under Linux `perf record` with call stacks, then attributes each CPU sample
/// of the steady part of the run (after the first seconds of start-up and JIT) to the audit path, to telemetry, or to the
/// rest, by the managed frames on its stack. CPU time in the audit or telemetry code divided by the wall time of the same
/// window is their cost as a share of the round time (per round: its CPU per round over the round's duration).
/// </summary>
/// <remarks>
/// Needs `perf` (Debian: <c>apt-get install linux-perf</c>) and the right to profile (root, or kernel.perf_event_paranoid ≤ 1).
/// Options: --rounds 3000, --skip-seconds 12 (start-up left out), --frequency 1999 (samples per CPU second).
/// A sample counts for the audit when any frame on its stack is audit code (the recorder and digests, the audit span,
/// the trail's encoder, hash chain, signature and write), for telemetry when, otherwise, any frame is OpenTelemetry, the
/// federation's spans and metrics, or System.Diagnostics activities and meters. The shares leave out time inside OpenSSL:
/// Debian's libcrypto has no frame pointers, so those samples come without the stack that called them, and the audit's
/// SHA-256 work (digests, hash chain) is among them. They are printed apart, as "OpenSSL without a stack".
/// </remarks>
internal static class AuditCpuShareBenchmark
{
    // Ordered: a sample goes to the first part of the audit path its stack shows.
    private static readonly (string Part, Regex Frames)[] AuditParts =
    [
        ("seal signature", new(@"NodeIdentity::Sign|Rfc8032\.Ed25519", RegexOptions.Compiled)),
        ("trail write", new(@"FileStream|__libc_pwrite|__libc_write", RegexOptions.Compiled)),
        ("record encoding", new(@"AuditJson::", RegexOptions.Compiled)),
        ("chain hash and batch", new(@"AuditTrailWriter|BackgroundAuditSink", RegexOptions.Compiled)),
        ("audit span", new(@"RecordAuditEvent|ActivityAuditSink|AuditTrailProcessor", RegexOptions.Compiled)),
        ("message digests", new(@"AuditDigest", RegexOptions.Compiled)),
        ("recorder", new(@"FedBioMed\.(Federation|Node|Researcher)\.Audit\.", RegexOptions.Compiled)),
    ];

    private static readonly Regex AuditFrame = new(@"FedBioMed\.(Federation|Node|Researcher)\.Audit\.|RecordAuditEvent", RegexOptions.Compiled);

    // Where the audit's samples ran: the nodes' and the researcher's own threads (the protocol's path), or the trail writers'
    // background tasks (sealing and writing off that path). Ordered: the writer's drain runs no node or researcher frame.
    private static readonly (string Side, Regex Frames)[] AuditSides =
    [
        ("trail writers (background)", new(@"BackgroundAuditSink\+<DrainAsync>", RegexOptions.Compiled)),
        ("the nodes' threads", new(@"FedBioMed\.Node\.", RegexOptions.Compiled)),
        ("the researcher's threads", new(@"FedBioMed\.Researcher\.", RegexOptions.Compiled)),
        ("other threads", new(@"", RegexOptions.Compiled)),
    ];

    private static readonly Regex TelemetryFrame = new(@"FedBioMed\.Federation\.Telemetry\.|OpenTelemetry|System\.Diagnostics\.Activity|System\.Diagnostics\.Metrics", RegexOptions.Compiled);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        // At 499 Hz over 1,500 rounds the audit got about 200 samples and runs differed by ±15 %; 1,999 Hz over 3,000 rounds
        // gives it about 1,500 and the CPU per round repeats within a few percent (the round time itself still moves).
        var rounds = BenchProcess.IntOption(args, "--rounds", 3000);
        var skip = BenchProcess.DoubleOption(args, "--skip-seconds", 12);
        var frequency = BenchProcess.IntOption(args, "--frequency", 1999);
        var fedbiomed = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fedbiomed.exe" : "fedbiomed");
        if (!File.Exists(fedbiomed))
        {
            Console.Error.WriteLine($"{fedbiomed} is missing: build the bench project, which carries the CLI");
            return 2;
        }
        var scratch = Directory.CreateTempSubdirectory("fedbiomed-audit-cpu-share-").FullName;
        try
        {
            await using var collector = await OtlpSink.StartAsync().ConfigureAwait(false);
            var data = Path.Combine(scratch, "perf.data");
            var record = Start("perf", ["record", "-F", frequency.ToString(CultureInfo.InvariantCulture), "-g", "-o", data, "--",
                fedbiomed, "demo", "--rounds", rounds.ToString(CultureInfo.InvariantCulture), "--audit-dir", Path.Combine(scratch, "trails")],
                new Dictionary<string, string>
                {
                    // JIT-compiled code named for perf (/tmp/perf-PID.map), in pages perf can map back to those names.
                    ["DOTNET_PerfMapEnabled"] = "1",
                    ["DOTNET_EnableWriteXorExecute"] = "0",
                    ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
                    ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                    ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
                });
            if (record is null) return 2;
            var readPerfErrors = record.StandardError.ReadToEndAsync(); // both pipes at once, so neither fills and stalls the run
            var demoOutput = await record.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            var perfErrors = await readPerfErrors.ConfigureAwait(false);
            await record.WaitForExitAsync().ConfigureAwait(false);
            if (record.ExitCode != 0 || !File.Exists(data))
            {
                Console.Error.WriteLine($"perf record failed ({record.ExitCode}): {perfErrors.Trim()}\n{demoOutput}");
                return 1;
            }
            if (collector.Requests == 0) throw new InvalidOperationException("the demo exported no telemetry to the collector");

            var script = Start("perf", ["script", "-i", data, "-F", "comm,tid,time,ip,sym,dso"], null)!;
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            var sides = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0, telemetry = 0, audit = 0, backgroundGc = 0, stacklessCrypto = 0;
            double first = double.NaN, windowStart = double.NaN, windowEnd = double.NaN;
            var readErrors = script.StandardError.ReadToEndAsync();
            await foreach (var sample in Samples(script.StandardOutput).ConfigureAwait(false))
            {
                if (double.IsNaN(first)) first = sample.Time;
                if (sample.Time < first + skip) continue;
                if (double.IsNaN(windowStart)) windowStart = sample.Time;
                windowEnd = sample.Time;
                total++;
                // The runtime's background GC thread: work that allocations anywhere cause, which no frame attributes to a part.
                if (sample.Thread == ".NET BGC") backgroundGc++;
                // Debian's libcrypto has no frame pointers, so a sample inside OpenSSL usually comes without the stack that called it.
                if (sample.Frames.Count > 0 && sample.Frames[0].Contains("libcrypto", StringComparison.Ordinal) && !sample.Frames.Any(IsManaged)) stacklessCrypto++;
                if (sample.Frames.Any(AuditFrame.IsMatch))
                {
                    audit++;
                    var part = AuditParts.First(p => sample.Frames.Any(p.Frames.IsMatch)).Part; // "recorder" matches every audit stack
                    counts[part] = counts.GetValueOrDefault(part) + 1;
                    var side = AuditSides.First(p => sample.Frames.Any(p.Frames.IsMatch)).Side;
                    sides[side] = sides.GetValueOrDefault(side) + 1;
                }
                else if (sample.Frames.Any(TelemetryFrame.IsMatch))
                {
                    telemetry++;
                }
            }
            await script.WaitForExitAsync().ConfigureAwait(false);
            var window = windowEnd - windowStart;
            if (script.ExitCode != 0 || total == 0 || window <= 0)
            {
                Console.Error.WriteLine($"perf script gave no samples after the first {skip} s ({script.ExitCode}): {(await readErrors.ConfigureAwait(false)).Trim()}");
                return 1;
            }

            // A sample stands for 1/frequency s of CPU: the CPU seconds of each part over the window's wall seconds.
            double Share(long samples) => samples / (double)frequency / window;
            var roundMs = SteadyRoundMs(Path.Combine(scratch, "trails", "researcher.audit.jsonl"), 0.5);
            Console.WriteLine(BenchProcess.Invariant($"audit-cpu-share: fedbiomed demo, {rounds} rounds, audit trails on, OTLP traces and metrics to a collector ({collector.Requests} exports); perf at {frequency} Hz with call stacks"));
            Console.WriteLine(BenchProcess.Invariant($"steady window: from +{skip:F0} s, {window:F1} s, {total} samples ({Share(total):F2} CPUs busy on average); mean round {roundMs:F2} ms over the run's second half"));
            foreach (var (part, _) in AuditParts)
                Console.WriteLine(BenchProcess.Invariant($"  audit, {part,-22} {Share(counts.GetValueOrDefault(part)) * 100,6:F2} % of wall time  ({Share(counts.GetValueOrDefault(part)) * roundMs * 1000,5:F0} µs per round)"));
            foreach (var (side, _) in AuditSides)
                Console.WriteLine(BenchProcess.Invariant($"  audit on {side,-27} {Share(sides.GetValueOrDefault(side)) * roundMs * 1000,5:F0} µs per round"));
            Console.WriteLine(BenchProcess.Invariant($"audit_cpu_share_of_round_time: {Share(audit):F4}  ({Share(audit) * roundMs * 1000:F0} µs CPU per round)"));
            // The audit's cost per record does not depend on how long a round takes, so it compares across machines and demos.
            var recordsPerRound = RecordsPerRound(Path.Combine(scratch, "trails"), rounds);
            Console.WriteLine(BenchProcess.Invariant($"audit records per round (all trails): {recordsPerRound:F1}; audit CPU per record: {Share(audit) * roundMs * 1000 / recordsPerRound:F1} µs"));
            Console.WriteLine(BenchProcess.Invariant($"telemetry_cpu_share_of_round_time: {Share(telemetry):F4}  ({Share(telemetry) * roundMs * 1000:F0} µs CPU per round)"));
            Console.WriteLine(BenchProcess.Invariant($"audit_telemetry_cpu_share_of_round_time: {Share(audit + telemetry):F4}"));
            // Not in any share above, though part of it is the audit's: OpenSSL's SHA-256 under the digests and the hash chain.
            // A DWARF-unwound run found about a quarter of these samples in SHA-256, 30–80 % of that under the audit's calls; the
            // rest is the protocol's key derivation, ciphers and random numbers.
            Console.WriteLine(BenchProcess.Invariant($"OpenSSL without a stack (unattributed): {Share(stacklessCrypto) * 100:F2} % of wall time  ({Share(stacklessCrypto) * roundMs * 1000:F0} µs per round)"));
            // Not in any share above: a busy background GC means objects living long enough to reach gen 2 (once, pinned
            // buffers allocated per round forced full GCs that cost 5 % of the CPU and showed up nowhere in these figures).
            Console.WriteLine(BenchProcess.Invariant($"background GC thread (unattributed): {Share(backgroundGc) * 100:F2} % of wall time"));
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static bool IsManaged(string frame) => frame.Contains("/perf-", StringComparison.Ordinal) || frame.Contains(".dll)", StringComparison.Ordinal);

    private static Process? Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (name, value) in environment) info.Environment[name] = value;
        }
        try
        {
            return Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"cannot run {file} ({ex.Message}): install it (Debian: apt-get install linux-perf) and run as a user allowed to profile");
            return null;
        }
    }

    private sealed record Sample(string Thread, double Time, List<string> Frames);

    /// <summary>Parses `perf script -F comm,tid,time,ip,sym,dso`: a "THREAD TID TIME:" line, one line per frame, a blank line.</summary>
    private static async IAsyncEnumerable<Sample> Samples(StreamReader output)
    {
        Sample? current = null;
        while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (current is not null) yield return current;
                current = null;
            }
            else if (line[0] != '\t')
            {
                // Frames are indented with a tab; the header is the thread's name (padded, and it may hold spaces), its tid and the
                // time, so it is read from the right.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                current = new Sample(string.Join(' ', fields[..^2]), double.Parse(fields[^1].TrimEnd(':'), CultureInfo.InvariantCulture), []);
            }
            else
            {
                current?.Frames.Add(line);
            }
        }
        if (current is not null) yield return current;
    }

    /// <summary>Records of every trail in <paramref name="directory"/> (headers left out) per training round.</summary>
    private static double RecordsPerRound(string directory, int rounds) =>
        Directory.GetFiles(directory, "*.jsonl").Sum(trail => File.ReadLines(trail).LongCount() - 1) / (double)rounds;

    /// <summary>The mean time between round starts in the last <paramref name="fraction"/> of the run, from the researcher's trail.</summary>
    private static double SteadyRoundMs(string trail, double fraction)
    {
        var starts = File.ReadLines(trail)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(record => record.GetProperty("event").GetString() == "round.start")
            .Select(record => DateTimeOffset.Parse(record.GetProperty("time").GetString()!, CultureInfo.InvariantCulture))
            .ToArray();
        var from = (int)(starts.Length * (1 - fraction));
        return (starts[^1] - starts[from]).TotalMilliseconds / (starts.Length - 1 - from);
    }
}
