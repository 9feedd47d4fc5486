using System.Diagnostics;
using System.Globalization;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Node.Tasks;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Bench;

/// <summary>
/// `bcw-dpsgd`: sample-level DP-SGD on Breast Cancer Wisconsin, 3 hospitals, over the real gRPC path
/// (<see cref="InProcessFederation"/>: researcher and nodes as hosts on loopback, secure aggregation on).
/// A stratified 20% of the patients is held out (seed 42); the other 80% is split across the three hospitals
/// (Dirichlet α = 1, at least 40 patients each), each of which keeps 20% of its part for validation, as the
/// demo and the end-to-end tests do. The plan is the demo's DP plan: logistic regression on standardized
/// features, SGD lr 0.5 momentum 0.9, batch 16, one local epoch per round, Poisson sampling, per-sample clip 1.
/// For each target ε (δ = 1e-5) the noise multiplier z is calibrated, as `demo --dp` does, with
/// <see cref="RdpAccountant.NoiseMultiplierFor"/> for the smallest hospital (the largest sampling rate q = b/N
/// and the same T·⌈N/b⌉ steps its trainer takes); then the final global model is evaluated on the held-out
/// patients with the federation's feature statistics. Prints test accuracy per ε (and without DP) and the ε the
/// nodes report for the last round (the largest any node's ledger holds).
/// </summary>
/// <remarks>Options: --rounds 10, --epsilons 1,3,8, --delta 1e-5, --repeats 5 (federations per ε), --seed 42.</remarks>
internal static class DpBreastCancerBenchmark
{
    private const string Tag = "breast-cancer";
    private const string Target = BreastCancerFiles.Target;
    private const int Nodes = 3;

    private sealed record RunResult(double Accuracy, double Epsilon, double Seconds, bool AllCompleted);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchProcess.IntOption(args, "--rounds", 10);
        var repeats = BenchProcess.IntOption(args, "--repeats", 5);
        var seed = BenchProcess.IntOption(args, "--seed", 42);
        var delta = BenchProcess.DoubleOption(args, "--delta", 1e-5);
        var epsilons = (BenchProcess.StringOption(args, "--epsilons") ?? "1,3,8").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => double.Parse(e, CultureInfo.InvariantCulture)).ToArray();
        if (rounds < 1 || repeats < 1 || epsilons.Length == 0 || epsilons.Any(e => !(e > 0)))
        {
            Console.Error.WriteLine("--rounds and --repeats must be at least 1, --epsilons positive");
            return 2;
        }
        var started = Stopwatch.GetTimestamp();
        if (BreastCancerFiles.TryLoad() is not { } data) return 1;
        var splits = DatasetSplitter.Split(data, 0, 0.2, seed);
        var test = splits.Test;
        var parts = NodePartitioner.Dirichlet(splits.Train, Nodes, alpha: 1.0, seed: seed, minSamplesPerNode: 40);
        var scratch = Directory.CreateTempSubdirectory("fedbiomed-bcw-dpsgd-").FullName;
        try
        {
            var files = BreastCancerFiles.WriteHospitalFiles(scratch, parts);
            var trainCounts = new List<int>();
            for (var i = 0; i < files.Count; i++)
            {
                // Exactly the training split the node will derive from its file (its validation split is seeded by the
                // dataset id, which InProcessFederation makes from the node's id: hospital-a-data, …).
                var reloaded = TabularDataset.Load(files[i], new TabularDatasetOptions { TargetColumn = Target });
                trainCounts.Add(DatasetSplitter.Split(reloaded, 0.2, 0, LocalDataCatalog.SplitSeed(BreastCancerFiles.HospitalId(i) + "-data")).Train.Count);
            }
            var basePlan = new TrainingPlan
            {
                Model = ModelSpec.LogisticRegression(),
                Optimizer = OptimizerSpec.Sgd(0.5, 0.9),
                LocalEpochs = 1,
                BatchSize = 16,
                Preprocessing = PreprocessingKind.Standardize,
                Seed = 42,
            };
            var smallest = trainCounts.Min();
            var q = Math.Min(1.0, (double)basePlan.BatchSize / smallest);
            var steps = (long)rounds * ((smallest + basePlan.BatchSize - 1) / basePlan.BatchSize);

            Console.WriteLine(BenchProcess.Invariant($"Breast Cancer Wisconsin DP-SGD: {data.Count} patients, {test.Count} held out for testing (stratified, seed {seed}); {splits.Train.Count} over {Nodes} hospitals (Dirichlet α = 1)"));
            for (var i = 0; i < parts.Length; i++)
                Console.WriteLine(BenchProcess.Invariant($"  {BreastCancerFiles.HospitalId(i)}: {parts[i].Count} patients, {trainCounts[i]} in its training split"));
            Console.WriteLine(BenchProcess.Invariant($"  logistic regression on standardized features, SGD lr 0.5 momentum 0.9, batch 16, 1 local epoch, {rounds} rounds, secure aggregation on, real gRPC on loopback"));
            Console.WriteLine(BenchProcess.Invariant($"  DP-SGD: Poisson sampling, per-sample clip 1; z calibrated for the smallest hospital: q = {q:F4}, {steps} steps, δ = {delta}"));
            Console.WriteLine($"  {repeats} federation(s) per setting; machine: {Environment.ProcessorCount} cores shared with other work");
            Console.WriteLine();

            var table = new List<(string Label, double? Z, List<RunResult> Runs)>();
            var reference = new List<RunResult>();
            for (var r = 0; r < repeats; r++)
            {
                var run = await RunFederationAsync(files, basePlan, test, rounds, $"bcw-nodp-{r}").ConfigureAwait(false);
                Console.WriteLine(BenchProcess.Invariant($"  no DP         run {r}: test accuracy {100 * run.Accuracy:F2} % ({run.Seconds:F1} s)"));
                reference.Add(run);
            }
            table.Add(("∞ (no DP)", null, reference));
            foreach (var epsilon in epsilons)
            {
                var z = RdpAccountant.NoiseMultiplierFor(epsilon, steps, delta, q);
                var plan = basePlan with { DifferentialPrivacy = DifferentialPrivacySpec.Poisson(z, 1.0) };
                var runs = new List<RunResult>();
                for (var r = 0; r < repeats; r++)
                {
                    var run = await RunFederationAsync(files, plan, test, rounds, BenchProcess.Invariant($"bcw-dpsgd-eps{epsilon}-{r}")).ConfigureAwait(false);
                    Console.WriteLine(BenchProcess.Invariant($"  ε = {epsilon,-4} z = {z:F3} run {r}: test accuracy {100 * run.Accuracy:F2} %, nodes report ε = {run.Epsilon:F3} after round {rounds} ({run.Seconds:F1} s)"));
                    runs.Add(run);
                }
                table.Add((epsilon.ToString(CultureInfo.InvariantCulture), z, runs));
            }

            Console.WriteLine();
            Console.WriteLine(BenchProcess.Invariant($"| target ε | noise multiplier z | ε reported by the nodes (last round) | test accuracy (mean over {repeats}) | runs |"));
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (label, z, runs) in table)
            {
                var mean = runs.Average(x => x.Accuracy);
                var reported = z is null ? "–" : BenchProcess.Invariant($"{runs.Max(x => x.Epsilon):F3}");
                Console.WriteLine(BenchProcess.Invariant($"| {label} | {(z is { } value ? value.ToString("F3", CultureInfo.InvariantCulture) : "0")} | {reported} | {100 * mean:F2} % | {string.Join(", ", runs.Select(x => (100 * x.Accuracy).ToString("F1", CultureInfo.InvariantCulture)))} |"));
            }
            Console.WriteLine();
            Console.WriteLine(BenchProcess.Invariant($"total wall time: {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s"));
            foreach (var (label, z, runs) in table.Where(t => t.Z is not null))
                Console.WriteLine(BenchProcess.Invariant($"bcw_dpsgd_accuracy_eps{label}: {runs.Average(x => x.Accuracy):F4}"));
            Console.WriteLine(BenchProcess.Invariant($"bcw_nodp_accuracy: {reference.Average(x => x.Accuracy):F4}"));
            return table.All(t => t.Runs.All(x => x.AllCompleted)) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>One experiment on a fresh federation (fresh node ledgers); the final global model scored on the held-out patients.</summary>
    private static async Task<RunResult> RunFederationAsync(List<string> files, TrainingPlan plan, LabeledDataset test, int rounds, string id)
    {
        var started = Stopwatch.GetTimestamp();
        await using var federation = await InProcessFederation.StartAsync(files, Target, Tag, plan).ConfigureAwait(false);
        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = id, DatasetTag = Tag, Plan = plan, Rounds = rounds, MinNodes = 2, SecureAggregation = true,
        }).ConfigureAwait(false);
        var completed = result.Rounds.All(r => r.Completed && r.Survivors.Count == Nodes);
        if (!completed)
        {
            foreach (var r in result.Rounds.Where(r => !r.Completed || r.Survivors.Count != Nodes))
                Console.WriteLine($"    round {r.Round}: {r.Survivors.Count} survivors, {r.AbortReason ?? string.Join("; ", r.Dropped.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        }
        using var evaluator = LocalTrainer.Create(plan with { DifferentialPrivacy = null }, test.FeatureShape, test.ClassCount);
        evaluator.SetParameters(result.GlobalParameters);
        evaluator.SetStandardization(result.FeatureMean!, result.FeatureStd!);
        var accuracy = evaluator.Evaluate(test).Accuracy;
        return new RunResult(accuracy, result.Rounds[^1].Epsilon, Stopwatch.GetElapsedTime(started).TotalSeconds, completed);
    }
}
