using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FedBioMed.Cli.Tests.Commands;
using Xunit.Abstractions;

namespace FedBioMed.Cli.Tests;

/// <summary>
/// A real Prometheus server (Debian's `prometheus` package, which .ci/run installs) scrapes the demo's
/// researcher on loopback every second, and its HTTP API reports the rounds the demo completed. The
/// federation's meter is one per process, so this runs alone: another test's rounds would count too.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed class PrometheusScrapeTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 2;
    private readonly string _root = Directory.CreateTempSubdirectory("fedbiomed-prometheus-").FullName;

    [Fact]
    public async Task RealPrometheus_ScrapingTheDemo_CountsTheCompletedRounds()
    {
        var binary = FindOnPath("prometheus")
            ?? throw new InvalidOperationException("the `prometheus` binary is not on PATH: install Debian's prometheus package (.ci/run does: apt-get install -y prometheus)");
        var metricsPort = LoopbackPorts.Free();
        var apiPort = LoopbackPorts.Free();
        var config = Path.Combine(_root, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: fedbiomed-demo
                scrape_interval: 1s
                scrape_timeout: 1s
                static_configs:
                  - targets: ['127.0.0.1:{metricsPort}']
            """);
        using var prometheus = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_root, "data")}",
                $"--web.listen-address=127.0.0.1:{apiPort}", "--log.level=warn",
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        prometheus.OutputDataReceived += (_, e) => { };
        prometheus.ErrorDataReceived += (_, e) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            // The demo keeps its endpoint up until a scrape has read the final figures.
            var demo = await CliRun.RunAsync("demo", "--rounds", Rounds.ToString(CultureInfo.InvariantCulture),
                "--prometheus", $"http://127.0.0.1:{metricsPort}", "--prometheus-wait", "60");
            output.WriteLine(demo.ToString());
            Assert.True(demo.ExitCode == 0, demo.ToString());
            Assert.Contains("metrics scraped", demo.Output, StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            // The demo has stopped by now (its series are marked stale), so ask for the last value scraped.
            var query = Uri.EscapeDataString("sum(max_over_time(fedbiomed_rounds_completed_total{fedbiomed_role=\"researcher\"}[5m]))");
            double? completed = null;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                var body = await http.GetStringAsync($"/api/v1/query?query={query}");
                using var json = JsonDocument.Parse(body);
                var result = json.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0)
                {
                    completed = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (completed == Rounds) break;
                }
                await Task.Delay(500);
            }
            Assert.Equal(Rounds, completed);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}

/// <summary>Tests that read the process-wide federation metrics run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PrometheusCollection
{
    public const string Name = "process-wide metrics";
}
