using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FedBioMed.Crypto;

namespace FedBioMed.Bench;

/// <summary>
/// `masking`: a client masks d = 10^7 32-bit words with 11 AES-128-CTR streams (its self mask plus 10 pairwise
/// masks, 5 added and 5 subtracted), compared with `openssl speed -evp aes-128-ctr` producing the same
/// 11 × 4·d bytes of keystream on one core. Ends with `masking_vs_openssl: R` (our time / OpenSSL's time).
/// </summary>
internal static class MaskingBenchmark
{
    private const int Terms = 11;
    private const int WarmUpRuns = 3;
    private const int TimedRuns = 15;

    public static int Run(string[] args)
    {
        int d = BenchProcess.IntOption(args, "--d", 10_000_000);
        long keystreamBytes = (long)Terms * d * sizeof(uint);
        Console.WriteLine($"masking: d = {d:N0} uint32 words, {Terms} terms (1 self + 5 added + 5 subtracted pairwise), {keystreamBytes / 1e6:F0} MB of keystream");

        var (best, median) = TimeExpander(d);
        Console.WriteLine($"  FedBioMed MaskExpander: best {best:F1} ms, median {median:F1} ms of {TimedRuns} runs ({keystreamBytes / (median / 1e3) / 1e9:F2} GB/s at the median)");

        double? opensslBytesPerSecond = OpenSslCtrThroughput();
        if (opensslBytesPerSecond is not double throughput)
        {
            return 1;
        }

        double opensslMs = keystreamBytes / throughput * 1e3;
        Console.WriteLine($"  openssl speed -evp aes-128-ctr -bytes 16384: {throughput / 1e9:F2} GB/s, so {opensslMs:F1} ms for the same {keystreamBytes / 1e6:F0} MB");
        Console.WriteLine($"  ratio at the best run: {best / opensslMs:F2}; at the median: {median / opensslMs:F2}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"masking_vs_openssl: {median / opensslMs:F2}"));
        return 0;
    }

    private static (double BestMs, double MedianMs) TimeExpander(int d)
    {
        var target = new uint[d];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(target.AsSpan()));
        var terms = new MaskTerm[Terms];
        for (int i = 0; i < Terms; i++)
        {
            var seed = RandomNumberGenerator.GetBytes(MaskPrg.SeedSize);
            var context = new ContextBuilder("mask").Add("bench").Add(i).ToArray();
            terms[i] = new MaskTerm(new MaskPrg(seed, context), Subtract: i > 5);
        }

        using var expander = new MaskExpander();
        try
        {
            for (int i = 0; i < WarmUpRuns; i++)
            {
                expander.Apply(target, 0, terms);
            }

            var times = new double[TimedRuns];
            for (int i = 0; i < TimedRuns; i++)
            {
                long start = Stopwatch.GetTimestamp();
                expander.Apply(target, 0, terms);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(times);
            return (times[0], times[TimedRuns / 2]);
        }
        finally
        {
            foreach (var term in terms)
            {
                term.Prg.Dispose();
            }
        }
    }

    /// <summary>Bytes per second of `openssl speed -evp aes-128-ctr -bytes 16384 -seconds 3`, or null (after saying why).</summary>
    private static double? OpenSslCtrThroughput()
    {
        var start = new ProcessStartInfo("openssl", ["speed", "-evp", "aes-128-ctr", "-bytes", "16384", "-seconds", "3"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string output;
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"openssl speed exited with code {process.ExitCode}; cannot compute masking_vs_openssl.");
                return null;
            }
        }
        catch (Win32Exception)
        {
            Console.Error.WriteLine("openssl is not installed (not on PATH); it is the baseline, so masking_vs_openssl cannot be computed.");
            return null;
        }

        double? throughput = OpenSslSpeedOutput.ParseBytesPerSecond(output, "aes-128-ctr");
        if (throughput is null)
        {
            Console.Error.WriteLine("Could not find the aes-128-ctr throughput in openssl's output:");
            Console.Error.WriteLine(output);
        }

        return throughput;
    }
}
