using System.Diagnostics;
using System.Globalization;

namespace FedBioMed.Bench;

/// <summary>
/// The OTLP collector stand-in (<see cref="OtlpSink"/>) in a process of its own (`otlp-sink`), for benchmarks that run the
/// federation in their own process: receiving and parsing the exports is a collector's work, done on another machine in a
/// deployment, and in-process it was counted as the telemetry's cost. It prints its endpoint, then, once its standard input
/// closes, what it received.
/// </summary>
internal sealed class OtlpSinkProcess : IAsyncDisposable
{
    private readonly Process _process;

    private OtlpSinkProcess(Process process, string endpoint) => (_process, Endpoint) = (process, endpoint);

    public string Endpoint { get; }

    public static async Task<OtlpSinkProcess> StartAsync()
    {
        // This benchmark's own executable again: the apphost, or `dotnet FedBioMed.Bench.dll`.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no path to this process's executable");
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(OtlpSinkProcess).Assembly.Location);
        info.ArgumentList.Add("otlp-sink");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {self} otlp-sink");
        var endpoint = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        if (string.IsNullOrEmpty(endpoint))
        {
            process.Kill();
            throw new InvalidOperationException("the otlp-sink process printed no endpoint");
        }
        return new OtlpSinkProcess(process, endpoint);
    }

    /// <summary>Stops the sink and returns what it received: exports, their bytes, and the bytes of trace exports.</summary>
    public async Task<(long Requests, long Bytes, long TraceBytes)> StopAsync()
    {
        _process.StandardInput.Close();
        var counts = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var fields = (counts ?? throw new InvalidOperationException("the otlp-sink process printed no counts")).Split(' ');
        return (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    /// <summary>`otlp-sink`: runs <see cref="OtlpSink"/> until standard input closes.</summary>
    public static int Run()
    {
        var sink = OtlpSink.StartAsync().GetAwaiter().GetResult();
        Console.WriteLine(sink.Endpoint);
        Console.Out.Flush();
        Console.In.ReadToEnd();
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sink.Requests} {sink.Bytes} {sink.TraceBytes}"));
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
    }
}
