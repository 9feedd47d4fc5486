using System.Diagnostics;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;

namespace FedBioMed.Bench;

/// <summary>
/// `server`: the server side of full rounds. (1) Memory: n nodes stream masked inputs of d 32-bit words
/// through the server; every byte the server allocates in the round is counted (an upper bound of
/// what it holds) and compared with the limit 3·d·4 + 16 MiB, for several n. (2) Unmask time for
/// n = 10, d = 10^7, k = 9.
/// </summary>
internal static class ServerBenchmark
{
    public static int Run(string[] args)
    {
        var d = BenchProcess.IntOption(args, "--d", 1_000_000);
        var limit = 3L * d * 4 + (16L << 20);
        Console.WriteLine($"server memory: d = {d:N0} 32-bit words, limit 3·d·4 + 16 MiB = {limit / 1048576.0:F1} MiB");
        var worst = 0.0;
        foreach (var n in new[] { 25, 50, 100 })
        {
            var cost = RunRound(n, k: n - 1, d, wordBits: 32);
            var ratio = cost.TotalAllocated / (double)limit;
            worst = Math.Max(worst, ratio);
            Console.WriteLine($"  n = {n,4}: server allocated {cost.TotalAllocated / 1048576.0,7:F1} MiB in the round ({ratio:F2} of the limit), server time {cost.TotalElapsed.TotalMilliseconds:F0} ms");
        }
        Console.WriteLine($"server_memory_vs_limit: {worst:F2}");

        var unmaskD = BenchProcess.IntOption(args, "--unmask-d", 10_000_000);
        var unmask = RunRound(10, k: 9, unmaskD, wordBits: 32);
        var unmaskTime = unmask.ByStage[SecAggStage.Unmask].Elapsed;
        Console.WriteLine($"unmask: n = 10, d = {unmaskD:N0}, k = 9: {unmaskTime.TotalMilliseconds:F0} ms (server total {unmask.TotalElapsed.TotalMilliseconds:F0} ms)");
        Console.WriteLine($"unmask_seconds: {unmaskTime.TotalSeconds:F3}");
        return worst < 1 ? 0 : 1;
    }

    internal static ServerCost RunRound(int n, int k, int d, int wordBits)
    {
        using var sim = new SecAggSimulation(n);
        var bound = (ulong)(int.MaxValue / n - 1);
        var config = sim.CreateConfig("bench", 1, threshold: (k + 1) / 2 + 1, neighbourDegree: k, vectorLength: d, wordBits: wordBits, maxAbsInput: bound);
        var input = BoundedInput(config, bound); // every node sends the same input: only sizes matter here
        var cost = new ServerCost();
        GC.Collect();
        var outcome = sim.Run(config, _ => input, new SimulationOptions { ServerCost = cost });
        if (!outcome.Completed) throw new InvalidOperationException($"round aborted: {outcome.AbortReason}");
        return cost;
    }

    /// <summary>Random signed words within ±bound (benchmark data, not secret).</summary>
    internal static byte[] BoundedInput(SecAggConfig config, ulong bound)
    {
        var random = new Random(1);
        var bytes = new byte[config.VectorBytes];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
        for (var i = 0; i < words.Length; i++) words[i] = (int)random.NextInt64(-(long)bound, (long)bound + 1);
        return bytes;
    }
}
