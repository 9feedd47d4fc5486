using System.Diagnostics;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.Simulation;

namespace FedBioMed.Bench;

/// <summary>
/// `scale`: one SecAgg+ round with n simulated nodes (n = 100 and 1,000), d = 10^5, k = 2·⌈log2 n⌉,
/// t just over half the holders. Prints the round's wall time, the server's share, and the cost per
/// node, and how that per-node cost grows from n = 100 to n = 1,000.
/// </summary>
internal static class ScaleBenchmark
{
    public static int Run(string[] args)
    {
        var d = BenchProcess.IntOption(args, "--d", 100_000);
        var perNode = new Dictionary<int, double>();
        ServerBenchmark.RunRound(20, 8, d, 32); // warm-up: JIT and first-use costs stay out of the figures
        foreach (var n in new[] { 100, 1_000 })
        {
            var k = 2 * (int)Math.Ceiling(Math.Log2(n));
            var t = (k + 1) / 2 + 1;
            using var sim = new SecAggSimulation(n);
            var bound = (ulong)(int.MaxValue / n - 1);
            var config = sim.CreateConfig("scale", 1, t, k, d, 32, bound);
            var input = ServerBenchmark.BoundedInput(config, bound);
            var cost = new ServerCost();
            var started = Stopwatch.GetTimestamp();
            var outcome = sim.Run(config, _ => input, new SimulationOptions { ServerCost = cost });
            var wall = Stopwatch.GetElapsedTime(started);
            if (!outcome.Completed) throw new InvalidOperationException($"round aborted: {outcome.AbortReason}");
            var nodes = (wall - cost.TotalElapsed).TotalMilliseconds / n;
            perNode[n] = nodes;
            Console.WriteLine($"n = {n,5}, k = {k}, t = {t}, d = {d:N0}: round {wall.TotalSeconds:F2} s (server {cost.TotalElapsed.TotalSeconds:F2} s), per node {nodes:F2} ms");
        }
        Console.WriteLine($"per_node_cost_growth_100_to_1000: {perNode[1_000] / perNode[100]:F2}");
        return 0;
    }
}
