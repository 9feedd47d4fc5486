using System.Globalization;

namespace FedBioMed.Bench;

/// <summary>Option parsing and process measurements shared by the federation benchmarks.</summary>
internal static class BenchProcess
{
    public static string? StringOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public static double DoubleOption(string[] args, string name, double fallback) =>
        StringOption(args, name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The text with numbers in the invariant culture (figures the docs quote).</summary>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Peak resident set size of this process (VmHWM), in MiB.</summary>
    public static double PeakRssMib() => StatusKib("VmHWM:")[0] is { } kib ? kib / 1024.0 : Environment.WorkingSet / 1048576.0;

    /// <summary>Current resident set size of this process (VmRSS), in MiB.</summary>
    public static double RssMib() => Memory().RssMib;

    /// <summary>
    /// This process's resident memory now, read from /proc/self/status in one pass: the whole (VmRSS), its anonymous
    /// part (RssAnon: heaps, tensors; NaN where unknown) and its mapped files (RssFile: the runtime's and libtorch's code).
    /// </summary>
    public static (double RssMib, double AnonMib, double FileMib) Memory()
    {
        var kib = StatusKib("VmRSS:", "RssAnon:", "RssFile:");
        return (kib[0] is { } rss ? rss / 1024.0 : Environment.WorkingSet / 1048576.0,
            kib[1] is { } anon ? anon / 1024.0 : double.NaN,
            kib[2] is { } file ? file / 1024.0 : double.NaN);
    }

    /// <summary>The named fields of /proc/self/status in KiB, in the order asked, read in one pass; null for a field (or a system) without it.</summary>
    private static long?[] StatusKib(params string[] fields)
    {
        const string status = "/proc/self/status";
        var values = new long?[fields.Length];
        if (!File.Exists(status)) return values;
        foreach (var line in File.ReadLines(status))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                if (!line.StartsWith(fields[i], StringComparison.Ordinal)) continue;
                var parts = line[fields[i].Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                values[i] = long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        return values;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The command line that starts this benchmark program again (apphost, or dotnet + dll).</summary>
    public static (string FileName, List<string> Prefix) Self()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var prefix = new List<string>();
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") prefix.Add(typeof(BenchProcess).Assembly.Location);
        return (process, prefix);
    }
}

/// <summary>
/// Samples this process's resident set size every few milliseconds and remembers, at the highest sample, how
/// much of it the managed heap held (live objects and garbage not yet collected) and what the process was doing.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopped;

    public MemorySampler()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    /// <summary>What the process is doing now (set by the caller).</summary>
    public string Phase { get; set; } = "start";

    public double PeakRssMib { get; private set; }

    public double ManagedAtPeakMib { get; private set; }

    public double CommittedAtPeakMib { get; private set; }

    public double FileAtPeakMib { get; private set; }

    /// <summary>The highest anonymous RSS sampled (heaps and tensors, without mapped library files).</summary>
    public double PeakAnonMib { get; private set; }

    public string PhaseAtPeakAnon { get; private set; } = "";

    public string PhaseAtPeak { get; private set; } = "";

    private void Loop()
    {
        while (!_stopped)
        {
            // One read of /proc/self/status per sample, taken every 5 ms while the process works.
            var (rss, anon, file) = BenchProcess.Memory();
            if (anon > PeakAnonMib)
            {
                PeakAnonMib = anon;
                PhaseAtPeakAnon = Phase;
            }
            if (rss > PeakRssMib)
            {
                FileAtPeakMib = file;
                PeakRssMib = rss;
                ManagedAtPeakMib = GC.GetTotalMemory(forceFullCollection: false) / 1048576.0;
                CommittedAtPeakMib = GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0;
                PhaseAtPeak = Phase;
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>One line: the sampled peak, the managed heap then, and the allocations over the process's life.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"sampled peak RSS {PeakRssMib:F0} MiB during '{PhaseAtPeak}' ({FileAtPeakMib:F0} MiB of it mapped files), peak anonymous RSS {PeakAnonMib:F0} MiB during '{PhaseAtPeakAnon}'; managed heap at the RSS peak {ManagedAtPeakMib:F0} MiB in objects, {CommittedAtPeakMib:F0} MiB committed at the last GC; allocated over the process's life {GC.GetTotalAllocatedBytes(precise: true) / 1048576.0:F0} MiB, {GC.CollectionCount(2)} gen-2 collections");

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}
