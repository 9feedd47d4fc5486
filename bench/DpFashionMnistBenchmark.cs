using System.Diagnostics;
using System.Globalization;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Aggregation.UpdateEncoding.Noise;
using FedBioMed.Federation;
using FedBioMed.Federation.Internal;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Bench;

/// <summary>
/// `fmnist-dp`: client-level DP with 100 simulated clients on Fashion-MNIST. Every client trains the catalog
/// logistic regression (d = 7,850) for one local epoch per round on its part of the 60,000 training images
/// (Dirichlet α = 1 label skew by default); the server applies the average update (FedAvg, all clients every
/// round, server learning rate 2). For each target ε (δ = 1e-5) it runs:
/// <list type="bullet">
/// <item><b>distributed</b>: <see cref="ClientDpCalibration"/> picks z, the scale and σ_node for 16-bit words and a
/// minimum cohort; each client clips, rotates, scales, rounds and adds discrete Gaussian noise with
/// <see cref="DistributedDpEncoder"/>; the round runs through the real SecAgg+ state machines
/// (<see cref="SecAggSimulation"/>, full SecAgg k = n − 1, threshold t = min cohort); the server decodes the sum.</item>
/// <item><b>central</b> (trusted server): the same clipped updates averaged in floating point, plus continuous
/// Gaussian noise with the same per-coordinate σ as actually present in the distributed average
/// (√(n·σ²_node) / scale / n).</item>
/// <item><b>ideal central</b> (optional, --ideal): a trusted server that calibrates the Gaussian mechanism on C itself
/// for the full cohort (σ = z_c·C / n with z_c from the same zCDP accounting), i.e. no rounding slack and no
/// dropout slack; it shows what distributing the noise costs in σ.</item>
/// </list>
/// plus a no-noise reference (the same clipping, no noise). Prints the test accuracy after T rounds on the
/// official 10,000-image test set, the ε achieved, bits per coordinate and round times.
/// </summary>
/// <remarks>
/// Options: --data-dir DIR, --rounds 10, --clients 100, --epsilons 2,5,10, --delta 1e-5, --clip 0.3 (below almost
/// every client's update norm, so the noise, which scales with C, is as small as the signal allows), --server-lr 2
/// (the server adds server-lr × the average; a larger step makes up for the small clip), --min-nodes ⌈2n/3⌉,
/// --alpha 1 (0: IID), --lr 0.1, --batch 32, --repeats 1 (noise draws per variant; the training seeds and the
/// partition stay fixed), --central-repeats (default: --repeats; central runs are cheap, more draws tighten the
/// baseline), --word-bits 16, --seed 1, --ideal (add the ideal central column), --no-reference,
/// --central-only (skip the distributed runs, for exploring clip and learning rates quickly).
/// </remarks>
internal static class DpFashionMnistBenchmark
{

    private sealed record Settings(int Rounds, int Clients, double[] Epsilons, double Delta, double Clip, int MinNodes, double Alpha,
        double LearningRate, double ServerLearningRate, int BatchSize, int Repeats, int CentralRepeats, int WordBits, int Seed, bool Ideal, bool Reference, bool CentralOnly);

    /// <summary>What one run measured.</summary>
    private sealed record RunResult(double Accuracy, double MeanRoundSeconds, double MeanTrainSeconds, double MeanEncodeSeconds, double MeanAggregateSeconds,
        double MedianUpdateNorm, double ClippedFraction, double MeasuredSigma);

    /// <summary>How the server turns the clients' updates into the next global model.</summary>
    private abstract record Variant(string Name);

    private sealed record Plain(string Name, double SigmaAverage) : Variant(Name);

    private sealed record Distributed(string Name, ClientDpCalibration.Plan Plan) : Variant(Name);

    public static int Run(string[] args)
    {
        Settings settings;
        try
        {
            settings = Parse(args);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        var directory = BenchProcess.StringOption(args, "--data-dir") ?? FashionMnistFiles.DefaultDirectory;
        var started = Stopwatch.GetTimestamp();
        if (FashionMnistFiles.TryLoad(directory) is not { } files) return 1;

        var (train, test) = files;
        var parts = settings.Alpha > 0
            ? NodePartitioner.Dirichlet(train, settings.Clients, settings.Alpha, settings.Seed, minSamplesPerNode: 50)
            : IidSplit(train, settings.Clients, settings.Seed);
        var plan = new TrainingPlan
        {
            Model = ModelSpec.LogisticRegression(),
            Optimizer = OptimizerSpec.Sgd(settings.LearningRate),
            LocalEpochs = 1,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
        };
        // One trainer serves every simulated client in turn (they run one after another on this thread).
        using var trainer = LocalTrainer.Create(plan, train.FeatureShape, train.ClassCount, new LocalTrainerOptions { Device = DeviceOption.Cpu, IntraOpThreads = 1 });
        var initial = trainer.GetParameters();
        var d = initial.Length;
        var sizes = parts.Select(p => p.Count).Order().ToArray();

        Console.WriteLine(BenchProcess.Invariant($"Fashion-MNIST client-level DP: {train.Count} training images over {settings.Clients} clients ({(settings.Alpha > 0 ? $"Dirichlet α = {settings.Alpha}" : "IID")}, seed {settings.Seed}; {sizes[0]}–{sizes[^1]} images, median {sizes[sizes.Length / 2]}), {test.Count} test images"));
        Console.WriteLine(BenchProcess.Invariant($"  logistic regression (d = {d}), SGD lr {settings.LearningRate}, batch {settings.BatchSize}, 1 local epoch, FedAvg of all {settings.Clients} clients (server learning rate {settings.ServerLearningRate}), {settings.Rounds} rounds, clip C = {settings.Clip}"));
        Console.WriteLine(BenchProcess.Invariant($"  distributed: {settings.WordBits}-bit words, randomized Hadamard rotation, full SecAgg (k = {settings.Clients - 1}), threshold t = min cohort = {settings.MinNodes}; δ = {settings.Delta}; {settings.Repeats} noise draw(s) per distributed run, {settings.CentralRepeats} per central one"));
        Console.WriteLine($"  machine: {Environment.ProcessorCount} cores shared with other work (timings are noisy), .NET {Environment.Version}");
        Console.WriteLine();

        var rows = new List<(double Epsilon, ClientDpCalibration.Plan Dp, double SigmaCentral, double IdealSigma, double Epsilon100, List<RunResult> Dist, List<RunResult> Central, List<RunResult> Ideal)>();
        RunResult? reference = null;
        if (settings.Reference)
        {
            reference = RunVariant(new Plain("reference (clipped, no noise)", 0), settings, trainer, initial, parts, test, 0);
            Report(reference, "reference", 0);
        }

        foreach (var epsilon in settings.Epsilons)
        {
            var spec = new ClientDpSpec { TargetEpsilon = epsilon, Delta = settings.Delta, ClipNorm = settings.Clip, WordBits = settings.WordBits, Rotate = true };
            var dp = ClientDpCalibration.For(spec, d, settings.Rounds, settings.MinNodes, settings.Clients);
            var config = dp.Config;
            var sigmaNode = Math.Sqrt(config.NoiseVariancePerNode);
            // The noise in the distributed average when all n clients survive: √(n·σ²_node) integer units, over scale and n.
            var sigmaCentral = Math.Sqrt(settings.Clients * config.NoiseVariancePerNode) / config.Scale / settings.Clients;
            var idealZ = GaussianNoiseMultiplierFor(epsilon, settings.Delta, settings.Rounds);
            var idealSigma = idealZ * settings.Clip / settings.Clients;
            var achieved = DistributedDiscreteGaussian.Epsilon(settings.Rounds * dp.RhoPerRound, settings.Delta);
            var epsilon100 = DistributedDiscreteGaussian.Epsilon(
                settings.Rounds * DistributedDiscreteGaussian.Rho(config.L2Sensitivity, sigmaNode, settings.Clients, config.PaddedDimension), settings.Delta);
            Console.WriteLine(BenchProcess.Invariant($"ε target {epsilon}: z = {dp.NoiseMultiplier:F3}, scale = {config.Scale:F1} units per 1.0 (s·C = {config.Scale * settings.Clip:F0}, Δ₂ = {config.L2Sensitivity:F0} with the rounding slack √D = {Math.Sqrt(config.PaddedDimension):F1}), σ_node = {sigmaNode:F1}, D = {config.PaddedDimension}"));
            Console.WriteLine(BenchProcess.Invariant($"  ε achieved {achieved:F3} with {dp.MinNodes} survivors ({epsilon100:F3} when all {settings.Clients} survive); |sum| ≤ {config.MaxAbsSum(settings.Clients)} < 2^{settings.WordBits - 1}, per-node |x| ≤ {config.MaxAbsInput}"));
            Console.WriteLine(BenchProcess.Invariant($"  σ per coordinate of the average: {sigmaCentral:E3} (z·C/n for the ideal trusted server: {idealSigma:E3}, z_c = {idealZ:F3})"));
            var dist = new List<RunResult>();
            var central = new List<RunResult>();
            var ideal = new List<RunResult>();
            for (var repeat = 0; repeat < Math.Max(settings.Repeats, settings.CentralRepeats); repeat++)
            {
                if (!settings.CentralOnly && repeat < settings.Repeats)
                {
                    var a = RunVariant(new Distributed($"fmnist-dp-eps{epsilon}-r{repeat}", dp), settings, trainer, initial, parts, test, 1000 * repeat + 1);
                    Report(a, "distributed", repeat);
                    dist.Add(a);
                }
                if (repeat >= settings.CentralRepeats) continue;
                var b = RunVariant(new Plain("central", sigmaCentral), settings, trainer, initial, parts, test, 1000 * repeat + 2);
                Report(b, "central", repeat);
                central.Add(b);
                if (settings.Ideal)
                {
                    var c = RunVariant(new Plain("ideal central", idealSigma), settings, trainer, initial, parts, test, 1000 * repeat + 3);
                    Report(c, "ideal central", repeat);
                    ideal.Add(c);
                }
            }
            rows.Add((achieved, dp, sigmaCentral, idealSigma, epsilon100, dist, central, ideal));
            Console.WriteLine();
        }

        Console.WriteLine(BenchProcess.Invariant($"Test accuracy after {settings.Rounds} rounds (mean ± sd over {settings.Repeats} distributed and {settings.CentralRepeats} central noise draws); {settings.WordBits} bits per coordinate in the distributed runs"));
        Console.WriteLine(settings.Ideal
            ? "| ε target | ε achieved (t survivors / all) | z | σ of the average | distributed | central, same σ | gap ± SE (points) | ideal central σ | ideal central | distributed round |"
            : "| ε target | ε achieved (t survivors / all) | z | σ of the average | distributed | central, same σ | gap ± SE (points) | distributed round |");
        Console.WriteLine(settings.Ideal ? "|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var a = Mean(row.Dist, r => r.Accuracy);
            var b = Mean(row.Central, r => r.Accuracy);
            var line = BenchProcess.Invariant($"| {settings.Epsilons[i]} | {row.Epsilon:F2} / {row.Epsilon100:F2} | {row.Dp.NoiseMultiplier:F2} | {row.SigmaCentral:E2} | {Percent(row.Dist)} | {Percent(row.Central)} | {100 * (a - b):+0.00;-0.00} ± {100 * GapError(row.Dist, row.Central):F2} |");
            if (settings.Ideal) line += BenchProcess.Invariant($" {row.IdealSigma:E2} | {Percent(row.Ideal)} |");
            line += BenchProcess.Invariant($" {Mean(row.Dist, r => r.MeanRoundSeconds):F2} s |");
            Console.WriteLine(line);
        }
        if (reference is not null) Console.WriteLine(BenchProcess.Invariant($"| ∞ (no noise, clipped) | | | 0 | | {100 * reference.Accuracy:F2} % | | | reference round {reference.MeanRoundSeconds:F2} s |"));
        Console.WriteLine();
        Console.WriteLine(BenchProcess.Invariant($"total wall time: {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s"));
        var last = Array.IndexOf(settings.Epsilons, 10.0);
        if (last < 0) last = rows.Count - 1;
        if (last >= 0)
        {
            var a = Mean(rows[last].Dist, r => r.Accuracy);
            var b = Mean(rows[last].Central, r => r.Accuracy);
            var tag = settings.Epsilons[last] == 10 ? "eps10" : BenchProcess.Invariant($"eps{settings.Epsilons[last]}");
            Console.WriteLine(BenchProcess.Invariant($"fmnist_dp_accuracy_{tag}: {a:F4}"));
            Console.WriteLine(BenchProcess.Invariant($"fmnist_central_accuracy_{tag}: {b:F4}"));
            Console.WriteLine(BenchProcess.Invariant($"fmnist_dp_gap_points: {100 * Math.Abs(a - b):F2}"));
        }
        return 0;
    }

    private static double Mean(List<RunResult> runs, Func<RunResult, double> value) => runs.Count == 0 ? double.NaN : runs.Average(value);

    private static double Sd(List<RunResult> runs)
    {
        if (runs.Count < 2) return double.NaN;
        var mean = runs.Average(r => r.Accuracy);
        return Math.Sqrt(runs.Sum(r => (r.Accuracy - mean) * (r.Accuracy - mean)) / (runs.Count - 1));
    }

    /// <summary>Standard error of the difference of two means (NaN with a single draw on either side).</summary>
    private static double GapError(List<RunResult> a, List<RunResult> b) =>
        a.Count == 0 || b.Count == 0 ? double.NaN : Math.Sqrt(Sd(a) * Sd(a) / a.Count + Sd(b) * Sd(b) / b.Count);

    private static string Percent(List<RunResult> runs)
    {
        if (runs.Count == 0) return "–";
        var mean = 100 * runs.Average(r => r.Accuracy);
        if (runs.Count == 1) return BenchProcess.Invariant($"{mean:F2} %");
        var sd = 100 * Sd(runs);
        return BenchProcess.Invariant($"{mean:F2} ± {sd:F2} %");
    }

    private static void Report(RunResult r, string name, int repeat) =>
        Console.WriteLine(BenchProcess.Invariant($"  {name,-14} draw {repeat}: test accuracy {100 * r.Accuracy:F2} %, round {r.MeanRoundSeconds:F2} s (training {r.MeanTrainSeconds:F2} s, clip/encode {r.MeanEncodeSeconds:F2} s, aggregation {r.MeanAggregateSeconds:F2} s), update norm median {r.MedianUpdateNorm:F2}, {100 * r.ClippedFraction:F0} % clipped{(double.IsNaN(r.MeasuredSigma) ? "" : $", measured σ of the average's noise {r.MeasuredSigma:E3}")}"));

    /// <summary>T rounds of FedAvg over every client, aggregated as <paramref name="variant"/> says; test accuracy at the end.</summary>
    private static RunResult RunVariant(Variant variant, Settings settings, LocalTrainer trainer, float[] initial, LabeledDataset[] parts, LabeledDataset test, int noiseSeed)
    {
        var n = parts.Length;
        var global = (float[])initial.Clone();
        var d = global.Length;
        // Seeded noise (SeededSampling's Box–Muller) is fine for the trusted-server baseline, never for a real node.
        var gaussian = new Random(settings.Seed * 7919 + noiseSeed);
        using var simulation = variant is Distributed ? new SecAggSimulation(n) : null;
        double trainSeconds = 0, encodeSeconds = 0, aggregateSeconds = 0, roundSeconds = 0, residualSquares = 0;
        long residualCount = 0;
        var norms = new List<double>();
        var clipped = 0;
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var roundStarted = Stopwatch.GetTimestamp();
            var config = variant is Distributed dist ? ClientDpCalibration.ForRound(dist.Plan) : null;
            var encoded = new byte[n][];
            var sum = new double[d];
            for (var i = 0; i < n; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var update = trainer.Train(parts[i], global, round).Parameters;
                trainSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
                double squared = 0;
                for (var j = 0; j < d; j++)
                {
                    update[j] -= global[j];
                    squared += (double)update[j] * update[j];
                }
                var norm = Math.Sqrt(squared);
                norms.Add(norm);
                if (norm > settings.Clip) clipped++;
                var t1 = Stopwatch.GetTimestamp();
                if (config is not null)
                {
                    // The node's side: clip, rotate, scale, round, add its share of the discrete Gaussian noise.
                    using var random = new CryptoRandomSource();
                    encoded[i] = DistributedDpEncoder.Encode(update, config, random);
                }
                // The trusted server's side: clip as the encoder does, sum in floating point. In the distributed runs
                // this exact average is only kept to measure the noise the decoded average actually carries.
                var factor = norm > settings.Clip ? settings.Clip / norm : 1.0;
                for (var j = 0; j < d; j++) sum[j] += update[j] * factor;
                encodeSeconds += Stopwatch.GetElapsedTime(t1).TotalSeconds;
            }

            var t2 = Stopwatch.GetTimestamp();
            float[] average;
            if (variant is Distributed distributed && config is not null)
            {
                var secagg = simulation!.CreateConfig(distributed.Name, round, threshold: distributed.Plan.MinNodes, neighbourDegree: n - 1,
                    vectorLength: config.VectorLength, wordBits: config.WordBits, maxAbsInput: config.MaxAbsInput) with { MaxAbsSum = config.MaxAbsSum(n) };
                var ids = simulation.NodeIds;
                var byId = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => encoded[x.i], StringComparer.Ordinal);
                var outcome = simulation.Run(secagg, id => byId[id]);
                if (!outcome.Completed)
                    throw new InvalidOperationException($"round {round} of {distributed.Name} aborted: {outcome.AbortReason}");
                if (outcome.Result!.Survivors.Count != n)
                    throw new InvalidOperationException($"round {round}: only {outcome.Result.Survivors.Count} of {n} clients survived");
                var signedSum = outcome.Result.SignedSum();
                // Secure aggregation must give exactly the sum of the encoded inputs (16-bit two's complement words).
                var plainSum = new long[config.VectorLength];
                foreach (var input in encoded)
                {
                    for (var j = 0; j < plainSum.Length; j++) plainSum[j] += ReadWord(input, j, config.WordBits);
                }
                if (!plainSum.AsSpan().SequenceEqual(signedSum))
                    throw new InvalidOperationException($"round {round}: the SecAgg sum differs from the plain sum of the encoded inputs");
                average = DistributedDpEncoder.Decode(signedSum, config);
                for (var j = 0; j < d; j++)
                {
                    var residual = average[j] - sum[j] / n;
                    residualSquares += residual * residual;
                }
                residualCount += d;
            }
            else
            {
                var sigma = ((Plain)variant).SigmaAverage;
                average = new float[d];
                for (var j = 0; j < d; j++) average[j] = (float)(sum[j] / n + (sigma > 0 ? sigma * SeededSampling.StandardNormal(gaussian) : 0));
            }
            for (var j = 0; j < d; j++) global[j] += (float)(settings.ServerLearningRate * average[j]);
            aggregateSeconds += Stopwatch.GetElapsedTime(t2).TotalSeconds;
            roundSeconds += Stopwatch.GetElapsedTime(roundStarted).TotalSeconds;
        }
        trainer.SetParameters(global);
        var accuracy = trainer.Evaluate(test).Accuracy;
        norms.Sort();
        return new RunResult(accuracy, roundSeconds / settings.Rounds, trainSeconds / settings.Rounds, encodeSeconds / settings.Rounds, aggregateSeconds / settings.Rounds,
            norms[norms.Count / 2], (double)clipped / norms.Count, residualCount > 0 ? Math.Sqrt(residualSquares / residualCount) : double.NaN);
    }

    private static long ReadWord(byte[] input, int index, int wordBits) => wordBits switch
    {
        16 => System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(input.AsSpan(index * 2)),
        32 => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(input.AsSpan(index * 4)),
        _ => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(input.AsSpan(index * 8)),
    };

    /// <summary>z for T rounds of the Gaussian mechanism (ρ = 1/(2z²) per round, zCDP) to stay within ε at δ: the ideal central calibration.</summary>
    private static double GaussianNoiseMultiplierFor(double epsilon, double delta, int rounds)
    {
        double low = 0.01, high = 1000;
        for (var i = 0; i < 100; i++)
        {
            var mid = Math.Sqrt(low * high);
            if (DistributedDiscreteGaussian.Epsilon(rounds / (2 * mid * mid), delta) <= epsilon) high = mid; else low = mid;
        }
        return high;
    }

    private static LabeledDataset[] IidSplit(LabeledDataset data, int clients, int seed)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        return [.. Enumerable.Range(0, clients).Select(c => data.Subset(order[(int)((long)c * data.Count / clients)..(int)((long)(c + 1) * data.Count / clients)].Order().ToArray()))];
    }

    private static Settings Parse(string[] args)
    {
        var epsilons = (BenchProcess.StringOption(args, "--epsilons") ?? "2,5,10").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => double.Parse(e, CultureInfo.InvariantCulture)).ToArray();
        var settings = new Settings(
            Rounds: BenchProcess.IntOption(args, "--rounds", 10),
            Clients: BenchProcess.IntOption(args, "--clients", 100),
            Epsilons: epsilons,
            Delta: BenchProcess.DoubleOption(args, "--delta", 1e-5),
            Clip: BenchProcess.DoubleOption(args, "--clip", 0.3),
            MinNodes: BenchProcess.IntOption(args, "--min-nodes", -1),
            Alpha: BenchProcess.DoubleOption(args, "--alpha", 1.0),
            LearningRate: BenchProcess.DoubleOption(args, "--lr", 0.1),
            ServerLearningRate: BenchProcess.DoubleOption(args, "--server-lr", 2.0),
            BatchSize: BenchProcess.IntOption(args, "--batch", 32),
            Repeats: BenchProcess.IntOption(args, "--repeats", 1),
            CentralRepeats: BenchProcess.IntOption(args, "--central-repeats", -1),
            WordBits: BenchProcess.IntOption(args, "--word-bits", 16),
            Seed: BenchProcess.IntOption(args, "--seed", 1),
            Ideal: args.Contains("--ideal"),
            Reference: !args.Contains("--no-reference"),
            CentralOnly: args.Contains("--central-only"));
        // Default minimum cohort: two thirds of the clients (the threshold ExperimentSpec's default fraction gives).
        if (settings.CentralRepeats < 0) settings = settings with { CentralRepeats = settings.Repeats };
        if (settings.MinNodes < 0) settings = settings with { MinNodes = (int)Math.Ceiling(settings.Clients * 2.0 / 3.0) };
        if (settings.Rounds < 1 || settings.Clients < 3 || settings.Repeats < 1 || settings.CentralRepeats < 1 || epsilons.Length == 0 || epsilons.Any(e => !(e > 0)))
            throw new ArgumentException("--rounds and --repeats must be at least 1, --clients at least 3, --epsilons positive");
        if (settings.MinNodes * 2 <= settings.Clients || settings.MinNodes > settings.Clients)
            throw new ArgumentException($"--min-nodes {settings.MinNodes} must be more than half of the {settings.Clients} clients (the SecAgg threshold) and at most all of them");
        return settings;
    }
}
