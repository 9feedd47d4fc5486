using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Node;
using FedBioMed.Node.Storage;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Bench;

/// <summary>
/// `fashion-mnist`: 5 nodes with a non-IID (Dirichlet α = 0.5) split of Fashion-MNIST train the catalog CNN
/// for 10 rounds through a real in-process federation (researcher and nodes as hosts on loopback gRPC),
/// once with secure aggregation and once without, interleaved (A, B, A, B, ...) in one process. Each final
/// global model is evaluated on the official 10,000-image test set. Prints the accuracies, the wall and
/// median round times, the time in aggregation per round, and the secure-aggregation overhead: the extra
/// median aggregation time over the median plain round (secagg_overhead) and, noisier, the difference of the
/// median round times (secagg_overhead_end_to_end).
/// </summary>
/// <remarks>
/// Options: --data-dir DIR (default /usr/share/datasets/fashion-mnist), --rounds 10, --nodes 5,
/// --train-limit N (first N of a seeded shuffle of the training set; 0 = all 60,000), --repeats 2
/// (runs per variant), --alpha 0.5, --seed 1.
/// </remarks>
internal static class FashionMnistBenchmark
{
    private const string Tag = "fashion-mnist";

    private sealed record RunResult(bool SecureAggregation, int Repeat, TimeSpan Wall, IReadOnlyList<RoundReport> Rounds, double TestAccuracy, double ValidationAccuracy);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    /// <summary>The plan every run trains: the catalog CNN, Adam 0.001, batch 64, one local epoch per round.</summary>
    public static TrainingPlan Plan() => new()
    {
        Model = ModelSpec.Cnn(),
        Optimizer = OptimizerSpec.Adam(0.001),
        LocalEpochs = 1,
        BatchSize = 64,
        Seed = 1,
    };

    private static async Task<int> RunAsync(string[] args)
    {
        var directory = BenchProcess.StringOption(args, "--data-dir") ?? FashionMnistFiles.DefaultDirectory;
        var rounds = BenchProcess.IntOption(args, "--rounds", 10);
        var nodes = BenchProcess.IntOption(args, "--nodes", 5);
        var trainLimit = BenchProcess.IntOption(args, "--train-limit", 0);
        var repeats = BenchProcess.IntOption(args, "--repeats", 2);
        var alpha = BenchProcess.DoubleOption(args, "--alpha", 0.5);
        var seed = BenchProcess.IntOption(args, "--seed", 1);
        if (rounds < 1 || nodes < 2 || repeats < 1 || trainLimit < 0)
        {
            Console.Error.WriteLine("--rounds and --repeats must be at least 1, --nodes at least 2, --train-limit at least 0");
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        if (FashionMnistFiles.TryLoad(directory) is not { } files) return 1;

        var (train, test) = files;
        if (trainLimit > 0 && trainLimit < train.Count)
        {
            var order = Enumerable.Range(0, train.Count).ToArray();
            new Random(seed).Shuffle(order);
            train = train.Subset(order.AsSpan(0, trainLimit).ToArray().Order().ToArray());
        }

        var (parts, partitionSeed) = Partition(train, nodes, alpha, seed);
        var plan = Plan();
        var scratch = Directory.CreateTempSubdirectory("fedbiomed-fmnist-").FullName;
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fashion-MNIST: {train.Count} training images over {nodes} nodes (Dirichlet α = {alpha}, seed {partitionSeed}), {test.Count} test images; CNN, Adam 0.001, batch 64, 1 local epoch, {rounds} rounds; {repeats} run(s) per variant, interleaved"));
            var registrations = new List<Func<string, DatasetRegistration>>();
            for (var i = 0; i < parts.Length; i++)
            {
                var images = Path.Combine(scratch, $"node-{i}-images-idx3-ubyte");
                var labels = Path.Combine(scratch, $"node-{i}-labels-idx1-ubyte");
                WriteIdx(parts[i], images, labels);
                registrations.Add(nodeId => new DatasetRegistration(nodeId + "-fmnist", [Tag], DatasetKind.Idx, images, LabelsLocation: labels));
                Console.WriteLine($"  node {i}: {parts[i].Count,6} images, per class [{string.Join(' ', parts[i].ClassCounts().Select(c => c.ToString(CultureInfo.InvariantCulture).PadLeft(5)))}]");
            }
            Console.WriteLine("  (each node holds out 20 % of its images for validation and trains on the rest)");

            // Two identical federations, one per variant, so that their rounds can alternate: round r of one,
            // then round r of the other, and so on (each waits while the other trains; nothing overlaps).
            // The nodes' operators allow plain updates (their default refuses them), so the same nodes serve both variants.
            await using var first = await InProcessFederation.StartAsync(registrations, plan, configureNode: AllowPlainUpdates).ConfigureAwait(false);
            await using var second = await InProcessFederation.StartAsync(registrations, plan, configureNode: AllowPlainUpdates).ConfigureAwait(false);
            var results = new List<RunResult>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                // The variant that goes first in each round alternates between repeats.
                var secureFirst = repeat % 2 == 0;
                var pair = await RunInLockstepAsync(first, second, plan, test, rounds, nodes, secureFirst, repeat).ConfigureAwait(false);
                if (pair is null) return 1;
                results.AddRange(pair);
            }
            return Summarize(results, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void AllowPlainUpdates(NodeOptions node) => node.Privacy.RequireSecureAggregation = false;

    /// <summary>
    /// Runs the two variants at once, one per federation, in lockstep: a round of the first, then the same round
    /// of the second. The turn passes when a round reports "done", after its duration was measured and before
    /// the next round's clock starts, so neither variant's rounds overlap the other's.
    /// </summary>
    private static async Task<RunResult[]?> RunInLockstepAsync(InProcessFederation first, InProcessFederation second, TrainingPlan plan,
        LabeledDataset test, int rounds, int nodes, bool secureFirst, int repeat)
    {
        using var firstTurn = new SemaphoreSlim(0);
        using var secondTurn = new SemaphoreSlim(0);
        var firstSpec = Spec(plan, rounds, nodes, secureFirst, repeat);
        var secondSpec = Spec(plan, rounds, nodes, !secureFirst, repeat);
        var firstTask = Task.Run(() => Timed(first, firstSpec, new Lockstep(mine: firstTurn, other: secondTurn)));
        var secondTask = Task.Run(async () =>
        {
            await secondTurn.WaitAsync(TimeSpan.FromMinutes(10)).ConfigureAwait(false);
            return await Timed(second, secondSpec, new Lockstep(mine: secondTurn, other: firstTurn)).ConfigureAwait(false);
        });
        var outcomes = await Task.WhenAll(firstTask, secondTask).ConfigureAwait(false);

        var results = new List<RunResult>();
        foreach (var (spec, result, wall) in outcomes)
        {
            var variant = spec.SecureAggregation ? "secagg" : "plain";
            var aborted = result.Rounds.FirstOrDefault(r => !r.Completed || r.Survivors.Count != nodes);
            if (aborted is not null)
            {
                Console.Error.WriteLine($"{variant} run {repeat}: round {aborted.Round} did not complete with all {nodes} nodes: {aborted.AbortReason ?? string.Join(", ", aborted.Dropped.Select(d => $"{d.Key}: {d.Value}"))}");
                return null;
            }
            double accuracy;
            using (var trainer = LocalTrainer.Create(plan, test.FeatureShape, test.ClassCount, new LocalTrainerOptions { Device = DeviceOption.Cpu }))
            {
                trainer.SetParameters(result.GlobalParameters);
                accuracy = trainer.Evaluate(test).Accuracy;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{variant,-6} run {repeat}: wall {wall.TotalSeconds,6:F1} s (its own; waits for the other variant left out), median round {BenchProcess.Median(result.Rounds.Select(r => r.Duration.TotalMilliseconds)),6:F0} ms, median aggregation {BenchProcess.Median(result.Rounds.Select(r => r.AggregationTime.TotalMilliseconds)),6:F1} ms, test accuracy {accuracy:F4} (nodes' validation {result.FinalValidationAccuracy:F4})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"         rounds (ms, aggregation ms): {string.Join("  ", result.Rounds.Select(r => $"{r.Duration.TotalMilliseconds:F0} ({r.AggregationTime.TotalMilliseconds:F0})"))}"));
            results.Add(new RunResult(spec.SecureAggregation, repeat, wall, result.Rounds, accuracy, result.FinalValidationAccuracy));
        }
        return [.. results];
    }

    private static ExperimentSpec Spec(TrainingPlan plan, int rounds, int nodes, bool secure, int repeat) => new()
    {
        Id = $"fmnist-{(secure ? "secagg" : "plain")}-{repeat}-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}",
        DatasetTag = Tag, Plan = plan, Rounds = rounds, MinNodes = nodes, SecureAggregation = secure,
    };

    private static async Task<(ExperimentSpec Spec, ExperimentResult Result, TimeSpan Wall)> Timed(InProcessFederation federation, ExperimentSpec spec, Lockstep lockstep)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await federation.Runner.RunAsync(spec, lockstep).ConfigureAwait(false);
        return (spec, result, Stopwatch.GetElapsedTime(started) - lockstep.Waited);
    }

    /// <summary>
    /// Passes the turn to the other experiment when a round reports "done" (and waits for it to come back), and
    /// for good when the experiment reports "finished". Report runs synchronously inside the runner, so waiting
    /// here holds the runner between two rounds, after one round's clock stopped and before the next one's starts.
    /// </summary>
    private sealed class Lockstep(SemaphoreSlim mine, SemaphoreSlim other) : IProgress<ExperimentProgress>
    {
        /// <summary>Time spent waiting for the other experiment's rounds.</summary>
        public TimeSpan Waited { get; private set; }

        public void Report(ExperimentProgress value)
        {
            if (value.Stage == "finished")
            {
                other.Release();
                return;
            }
            if (value.Stage != "done") return;
            other.Release();
            var started = Stopwatch.GetTimestamp();
            if (!mine.Wait(TimeSpan.FromMinutes(10))) throw new TimeoutException("the other experiment did not finish its round within 10 minutes");
            Waited += Stopwatch.GetElapsedTime(started);
        }
    }

    /// <summary>One variant's medians over its runs (accuracy, wall) and over all its runs' rounds (round, aggregation, the rest).</summary>
    private sealed record VariantSummary(int Runs, double Accuracy, double WallSeconds, double RoundMs, double AggregationMs, double RestMs)
    {
        public static VariantSummary Of(IReadOnlyList<RunResult> runs)
        {
            var rounds = runs.SelectMany(r => r.Rounds).ToArray();
            return new VariantSummary(runs.Count,
                BenchProcess.Median(runs.Select(r => r.TestAccuracy)),
                BenchProcess.Median(runs.Select(r => r.Wall.TotalSeconds)),
                BenchProcess.Median(rounds.Select(r => r.Duration.TotalMilliseconds)),
                BenchProcess.Median(rounds.Select(r => r.AggregationTime.TotalMilliseconds)),
                BenchProcess.Median(rounds.Select(r => (r.Duration - r.AggregationTime).TotalMilliseconds)));
        }
    }

    private static int Summarize(List<RunResult> results, TimeSpan total)
    {
        var secure = VariantSummary.Of(results.Where(r => r.SecureAggregation).ToArray());
        var plain = VariantSummary.Of(results.Where(r => !r.SecureAggregation).ToArray());
        Console.WriteLine();
        Console.WriteLine("variant  runs  test accuracy  median wall  median round  median aggregation");
        foreach (var (name, summary) in new[] { ("secagg", secure), ("plain", plain) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-7}  {summary.Runs,4}  {summary.Accuracy,13:F4}  {summary.WallSeconds,9:F1} s  {summary.RoundMs,9:F0} ms  {summary.AggregationMs,15:F1} ms"));
        }
        var overhead = (secure.RoundMs - plain.RoundMs) / plain.RoundMs;
        // Cross-checks: round r with SecAgg against round r without, from the same repeat (they ran back to back),
        // and the aggregation time alone (the rounds differ only there: same data, plan and seed).
        var paired = new List<double>();
        foreach (var repeat in results.Select(r => r.Repeat).Distinct())
        {
            var secureRounds = results.Single(r => r.Repeat == repeat && r.SecureAggregation).Rounds;
            var plainRounds = results.Single(r => r.Repeat == repeat && !r.SecureAggregation).Rounds;
            paired.AddRange(secureRounds.Zip(plainRounds, (a, b) => (a.Duration.TotalMilliseconds - b.Duration.TotalMilliseconds) / b.Duration.TotalMilliseconds));
        }
        var aggregationShare = (secure.AggregationMs - plain.AggregationMs) / plain.RoundMs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rest of the round (model transfer, evaluation, training: the same work in both variants): median {secure.RestMs:F0} ms with SecAgg, {plain.RestMs:F0} ms without ({(secure.RestMs - plain.RestMs) / plain.RestMs:P1}: the machine's noise)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"overhead from median round times {overhead:P1}; median of paired rounds {BenchProcess.Median(paired):P1} (paired rounds range {paired.Min():P0} to {paired.Max():P0}); aggregation time difference / plain round {aggregationShare:P2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total time {total.TotalSeconds:F0} s (loading, partitioning and every run)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fashion_mnist_accuracy_secagg: {secure.Accuracy:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fashion_mnist_accuracy_plain: {plain.Accuracy:F4}"));
        // Both variants train the same data with the same plan and seed; their rounds differ only in the
        // aggregation step, which RoundReport.AggregationTime times directly. On a shared machine the end-to-end
        // difference of round times is dominated by other work, so the overhead is that step's extra time over
        // the plain round; the end-to-end figure follows it for comparison.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"secagg_overhead: {aggregationShare:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"secagg_overhead_end_to_end: {overhead:F4}"));
        return 0;
    }

    /// <summary>
    /// Dirichlet label skew. A node infers its class count from the largest label in its own file
    /// (LocalDataCatalog loads IDX without class names), and the researcher needs every node to agree,
    /// so the partition is redrawn (next seed) until every node holds at least one image of the last class.
    /// </summary>
    private static (LabeledDataset[] Parts, int Seed) Partition(LabeledDataset train, int nodes, double alpha, int seed)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var parts = NodePartitioner.Dirichlet(train, nodes, alpha, seed + attempt, minSamplesPerNode: Math.Min(100, train.Count / nodes));
            if (parts.All(p => p.ClassCounts()[^1] > 0)) return (parts, seed + attempt);
        }
        throw new InvalidOperationException($"no Dirichlet(α={alpha}) partition in 100 seeds gave every node an image of the last class");
    }

    /// <summary>Writes a dataset back as uncompressed IDX files (pixels were scaled by 1/255 on load; scaling back is exact).</summary>
    private static void WriteIdx(LabeledDataset data, string imagesPath, string labelsPath)
    {
        var shape = data.FeatureShape; // [1, rows, cols]
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), data.Count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), shape[1]);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), shape[2]);
        var pixels = new byte[data.Features.Length];
        var features = data.Features;
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Round(features[i] * 255f);
        using (var images = File.Create(imagesPath))
        {
            images.Write(header);
            images.Write(pixels);
        }

        var labelHeader = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(labelHeader, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labelHeader.AsSpan(4), data.Count);
        var labels = new byte[data.Count];
        for (var i = 0; i < labels.Length; i++) labels[i] = (byte)data.Labels[i];
        using var stream = File.Create(labelsPath);
        stream.Write(labelHeader);
        stream.Write(labels);
    }
}
