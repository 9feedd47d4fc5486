using System.Diagnostics;
using System.Security.Cryptography;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.UpdateEncoding;
using FedBioMed.Federation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Telemetry;
using FedBioMed.Federation.Wire;
using FedBioMed.Researcher.Transport;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Researcher.Experiments;

/// <summary>
/// Runs an experiment over the connected nodes: each round sends the global model, lets the nodes
/// train, aggregates their updates (through SecAgg+ unless the experiment turned it off) and applies
/// the weighted average (FedAvg). The researcher never receives a node's update in the clear when
/// secure aggregation is on: only masked vectors and, at the end, their sum.
/// </summary>
public sealed class ExperimentRunner(NodeRegistry registry, Roster roster, ResearcherOptions options, ILogger<ExperimentRunner> logger, IAuditSink? auditSink = null)
{
    /// <summary>The researcher's audit recorder; null when auditing is off (nothing is computed then).</summary>
    private readonly AuditRecorder? _audit = NullAuditSink.For(auditSink);

    /// <summary>The largest per-node weight (sample count) a round accepts.</summary>
    public const long MaxWeightCap = 1_000_000;

    /// <summary>Server-side limits of each secure-aggregation round.</summary>
    public SecAggServerOptions SecAggOptions { get; init; } = new();

    public async Task<ExperimentResult> RunAsync(ExperimentSpec spec, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        FederationTelemetry.RunAs(options.ResearcherId); // this experiment's spans are the researcher's
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        using var experimentSpan = FederationTelemetry.StartExperiment(spec.Id, spec.Rounds, spec.Plan.Hash);
        var (shape, classes) = DatasetShape(spec);
        float[] global;
        IReadOnlyList<ParameterEntry> layout;
        using (var initial = LocalTrainer.Create(spec.Plan, shape, classes, new LocalTrainerOptions { Device = DeviceOption.Cpu }))
        {
            global = initial.GetParameters();
            layout = initial.Layout;
        }

        Standardization? standardization = null;
        if (spec.Plan.Preprocessing == PreprocessingKind.Standardize)
        {
            progress?.Report(new ExperimentProgress(0, spec.Rounds, "feature statistics", 0));
            standardization = await FeatureStatisticsAsync(spec, global, cancellationToken).ConfigureAwait(false);
        }

        ClientDpCalibration.Plan? dp = null;
        if (spec.ClientDp is not null)
        {
            var n = Math.Min(spec.CohortSize ?? int.MaxValue, Matching(spec).Count);
            var minNodes = Math.Max(spec.MinNodes, spec.ThresholdFor(spec.DegreeFor(n)));
            dp = ClientDpCalibration.For(spec.ClientDp, global.Length, spec.Rounds, minNodes, n);
        }

        var reports = new List<RoundReport>();
        for (long round = 1; round <= spec.Rounds; round++)
        {
            var report = await RunRoundAsync(spec, round, global, standardization, dp, progress, cancellationToken).ConfigureAwait(false);
            reports.Add(report.Report);
            progress?.Report(new ExperimentProgress(round, spec.Rounds, "done", 1) { Report = report.Report });
            if (report.NewGlobal is not null) global = report.NewGlobal;
        }

        progress?.Report(new ExperimentProgress(spec.Rounds, spec.Rounds, "final evaluation", 0));
        var final = await EvaluateAsync(spec, spec.Rounds + 1, global, standardization, cancellationToken).ConfigureAwait(false);
        progress?.Report(new ExperimentProgress(spec.Rounds, spec.Rounds, "finished", 1));
        return new ExperimentResult(spec.Id, global, reports, final.Accuracy, final.Loss, layout)
        {
            FeatureMean = standardization?.Mean, FeatureStd = standardization?.Std,
        };
    }

    /// <summary>The federation's feature mean and deviation, for plans that standardize.</summary>
    private sealed record Standardization(float[] Mean, float[] Std);

    /// <summary>
    /// Round 0 of a standardizing plan: every node sends Σx, Σx² and its count through the same aggregation
    /// as updates, so the researcher learns the federation's statistics and no node's own.
    /// </summary>
    private async Task<Standardization> FeatureStatisticsAsync(ExperimentSpec spec, float[] global, CancellationToken cancellationToken)
    {
        var matching = Matching(spec);
        var selected = matching.Select(m => m.Node).ToArray();
        var width = matching[0].Info.FeatureShape.Aggregate(1, (a, b) => a * b);
        var request = Request(spec, 0, $"{spec.Id}/0/model", null);
        request.SecureAggregation = spec.SecureAggregation;
        request.WordBits = 64;
        request.StatisticsOnly = true;
        var model = GlobalModel.ToBytes(global);
        var requestSha256 = StartPlainRound(spec, request, model, AuditTasks.Statistics, selected);
        var replies = await new TrainingCollector(registry, options, logger, _audit)
            .RunAsync(selected, request, model, !spec.SecureAggregation, spec.TrainingTimeout, cancellationToken, requestSha256).ConfigureAwait(false);
        if (replies.Ready.Count < spec.MinNodes)
        {
            var reason = $"only {replies.Ready.Count} nodes sent feature statistics; the experiment needs {spec.MinNodes}";
            if (!spec.SecureAggregation) _audit?.RoundAborted(spec.Id, 0, null, reason);
            throw new InvalidOperationException(reason);
        }
        var maxAbs = (ulong)(long.MaxValue / (replies.Ready.Count + 1));
        var aggregate = await AggregateAsync(spec, 0, replies, FeatureStatistics.VectorLength(width), 64, maxAbs, cancellationToken, task: AuditTasks.Statistics).ConfigureAwait(false);
        if (aggregate.Sum is null) throw new InvalidOperationException($"the feature-statistics round failed: {aggregate.AbortReason}");
        // Round 0 has no global model; its result is the digest of the sum of the statistics, which the nodes are told as well.
        var digest = AuditDigest.Bytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(aggregate.Sum.AsSpan()));
        await SendOutcomeAsync(spec.Id, 0, selected, digest, aggregate.Survivors, null, aggregate.Session, aggregate.CohortDropped ?? [], cancellationToken).ConfigureAwait(false);
        var (mean, std, _) = FeatureStatistics.Decode(aggregate.Sum);
        return new Standardization(mean, std);
    }

    private (int[] Shape, int Classes) DatasetShape(ExperimentSpec spec)
    {
        var matching = Matching(spec);
        if (matching.Count < spec.MinNodes)
            throw new InvalidOperationException($"only {matching.Count} connected nodes have a dataset tagged '{spec.DatasetTag}'; the experiment needs {spec.MinNodes}");
        var first = matching[0];
        foreach (var (node, info) in matching)
        {
            if (!info.FeatureShape.SequenceEqual(first.Info.FeatureShape) || info.ClassCount != first.Info.ClassCount)
                throw new InvalidOperationException(
                    $"node '{node}' has shape [{string.Join(',', info.FeatureShape)}] with {info.ClassCount} classes, node '{first.Node}' has [{string.Join(',', first.Info.FeatureShape)}] with {first.Info.ClassCount}");
        }
        return (first.Info.FeatureShape.ToArray(), first.Info.ClassCount);
    }

    private List<(string Node, DatasetInfo Info)> Matching(ExperimentSpec spec) =>
        registry.Sessions
            .Select(s => (Node: s.NodeId, Info: s.Datasets.FirstOrDefault(d => d.Tags.Contains(spec.DatasetTag))))
            .Where(x => x.Info is not null)
            .OrderBy(x => x.Node, StringComparer.Ordinal)
            .Select(x => (x.Node, x.Info!))
            .ToList();

    private async Task<(RoundReport Report, float[]? NewGlobal)> RunRoundAsync(ExperimentSpec spec, long round, float[] global, Standardization? standardization,
        ClientDpCalibration.Plan? dp, IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var matching = Matching(spec);
        var selected = Select(matching.Select(m => m.Node).ToArray(), spec.CohortSize);
        using var roundSpan = FederationTelemetry.StartRound(spec.Id, round, selected.Length);
        var cohort = Math.Max(selected.Length, 2);
        var maxWeight = RoundMaxWeight(matching.Where(m => selected.Contains(m.Node)).Select(m => (long)m.Info.SampleCount), cohort, spec.ClipNorm);
        var encoding = EncodingConfig.WithLargestScale(cohort, 32, spec.ClipNorm, maxWeight);
        var request = Request(spec, round, $"{spec.Id}/{round}/model", standardization);
        request.SecureAggregation = spec.SecureAggregation;
        request.WordBits = 32;
        request.Encoding = new EncodingMsg { ClipNorm = encoding.ClipNorm, Scale = encoding.Scale, MaxWeight = encoding.MaxWeight };
        var dpRound = dp is null ? null : ClientDpCalibration.ForRound(dp);
        if (dpRound is not null) request.Dp = DpWireMapper.ToWire(dpRound, dp!.MinNodes, selected.Length);

        progress?.Report(new ExperimentProgress(round, spec.Rounds, "training", 0.1));
        var model = GlobalModel.ToBytes(global);
        var requestSha256 = StartPlainRound(spec, request, model, AuditTasks.Train, selected);
        var collector = new TrainingCollector(registry, options, logger, _audit);
        var replies = await collector.RunAsync(selected, request, model, !spec.SecureAggregation, spec.TrainingTimeout, cancellationToken, requestSha256).ConfigureAwait(false);
        var dropped = new Dictionary<string, string>(replies.Failed, StringComparer.Ordinal);
        var report = new RoundReport
        {
            Round = round,
            Selected = selected,
            Dropped = dropped,
            ValidationAccuracy = Weighted(replies.Ready.Values, r => r.ValidationAccuracy),
            ValidationLoss = Weighted(replies.Ready.Values, r => r.ValidationLoss),
            TrainLoss = Weighted(replies.Ready.Values, r => r.TrainLoss),
        };
        if (replies.Ready.Count < spec.MinNodes)
            return (await Finish(report with { AbortReason = $"only {replies.Ready.Count} nodes trained; the experiment needs {spec.MinNodes}" }, started, spec, null, cancellationToken).ConfigureAwait(false), null);

        progress?.Report(new ExperimentProgress(round, spec.Rounds, "aggregating", 0.6));
        var aggregationStarted = Stopwatch.GetTimestamp();
        var aggregate = dpRound is null
            ? await AggregateAsync(spec, round, replies, EncodingConfig.VectorLength(global.Length), 32, encoding.MaxAbsInput, cancellationToken).ConfigureAwait(false)
            : await AggregateAsync(spec, round, replies, dpRound.VectorLength, dpRound.WordBits, dpRound.MaxAbsInput, cancellationToken,
                dpRound.MaxAbsSum(selected.Length), dp!.MinNodes).ConfigureAwait(false);
        foreach (var (node, reason) in aggregate.Dropped) dropped.TryAdd(node, reason);
        if (aggregate.Sum is null)
            return (await Finish(report with { AbortReason = aggregate.AbortReason }, started, spec, null, cancellationToken, aggregate).ConfigureAwait(false), null);
        var survivors = aggregate.Survivors;

        var average = dpRound is null ? UpdateDecoder.Decode(aggregate.Sum, encoding).Average : DistributedDpEncoder.Decode(aggregate.Sum, dpRound);
        var next = (float[])global.Clone();
        for (var i = 0; i < next.Length; i++) next[i] += average[i];
        report = report with
        {
            Survivors = survivors, Dropped = dropped, AggregationTime = Stopwatch.GetElapsedTime(aggregationStarted),
            // Distributed DP: the researcher's own accounting; DP-SGD: the largest ε any node reports from its ledger.
            Epsilon = dp is not null ? DistributedDiscreteGaussian.Epsilon(round * dp.RhoPerRound, spec.ClientDp!.Delta)
                : replies.Ready.Values.Any(r => r.EpsilonSpent > 0) ? replies.Ready.Values.Max(r => r.EpsilonSpent) : double.NaN,
        };
        report = await Finish(report, started, spec, next, cancellationToken, aggregate).ConfigureAwait(false);
        return (report, next);
    }

    /// <summary>
    /// The request's audit digest (null when not auditing); without secure aggregation also the researcher's
    /// round.start, whose parameters are that request (the nodes record the same digest on receipt).
    /// </summary>
    private string? StartPlainRound(ExperimentSpec spec, TrainingRequest request, byte[] model, string task, IReadOnlyList<string> selected)
    {
        if (_audit is null) return null;
        var requestSha256 = AuditDigest.TrainingRequest(request, AuditDigest.Bytes(model));
        if (!spec.SecureAggregation) _audit.RoundStart(spec.Id, request.Round, task, requestSha256, request.WordBits, selected);
        return requestSha256;
    }

    // Session: the SecAgg session id (lowercase hex) as audit records carry it, null without secure aggregation;
    // CohortDropped: nodes of the aggregation cohort that did not survive (what the audit trail records).
    private sealed record Aggregate(long[]? Sum, IReadOnlyList<string> Survivors, Dictionary<string, string> Dropped, string? AbortReason, string? Session = null,
        IReadOnlyList<string>? CohortDropped = null);

    /// <summary>Sums the ready nodes' encoded vectors: through SecAgg+, or in the clear when the experiment turned it off.</summary>
    private async Task<Aggregate> AggregateAsync(ExperimentSpec spec, long round, TrainingCollector.Replies replies, int vectorLength, int wordBits, ulong maxAbsInput,
        CancellationToken cancellationToken, ulong? maxAbsSum = null, int minThreshold = 2, string task = AuditTasks.Train)
    {
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!spec.SecureAggregation)
        {
            // The round started when the requests went out (StartPlainRound); everyone asked who sent no update dropped.
            var plain = replies.PlainUpdates.Keys.Order(StringComparer.Ordinal).ToArray();
            var asked = replies.Ready.Keys.Concat(replies.Failed.Keys).Except(plain, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return new Aggregate(PlainSum(replies.PlainUpdates, vectorLength, wordBits), plain, dropped, null, CohortDropped: asked);
        }
        var cohort = replies.Ready.Keys.Order(StringComparer.Ordinal).ToArray();
        var degree = spec.DegreeFor(cohort.Length);
        var threshold = Math.Max(spec.ThresholdFor(degree), minThreshold);
        if (threshold > degree + 1)
            return new Aggregate(null, [], dropped, $"only {cohort.Length} nodes are ready; the DP noise needs at least {minThreshold} in every round");
        var config = new SecAggConfig
        {
            Header = new RoundHeader(spec.Id, round, RandomNumberGenerator.GetBytes(RoundHeader.SessionIdSize)),
            Cohort = cohort, Threshold = threshold, NeighbourDegree = degree,
            VectorLength = vectorLength, WordBits = wordBits, MaxAbsInput = maxAbsInput, MaxAbsSum = maxAbsSum,
        };
        var session = _audit is null ? null : AuditRecorder.Session(config.Header);
        using var secagg = new RemoteSecAggRound(config, roster, registry, logger, SecAggOptions) { Audit = _audit, AuditTask = task };
        var step = await secagg.RunAsync(spec.StageTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var (node, reason) in secagg.Refusals) dropped[node] = $"refused: {reason}";
        if (step.Result is null)
        {
            _audit?.RoundAborted(spec.Id, round, session, step.AbortReason ?? "aborted");
            return new Aggregate(null, [], dropped, step.AbortReason, session);
        }
        foreach (var node in step.Result.Dropped) dropped.TryAdd(node, "dropped during secure aggregation");
        return new Aggregate(step.Result.SignedSum(), step.Result.Survivors, dropped, null, session,
            cohort.Except(step.Result.Survivors, StringComparer.Ordinal).ToArray());
    }

    private async Task<RoundReport> Finish(RoundReport report, long started, ExperimentSpec spec, float[]? newGlobal, CancellationToken cancellationToken, Aggregate? aggregate = null)
    {
        var hash = newGlobal is null ? null : GlobalModel.Sha256(newGlobal);
        var session = aggregate?.Session;
        if (hash is null && !spec.SecureAggregation)
            _audit?.RoundAborted(spec.Id, report.Round, null, report.AbortReason ?? "aborted"); // a SecAgg round records its own abort
        await SendOutcomeAsync(spec.Id, report.Round, report.Selected, hash, report.Survivors, report.AbortReason, session, aggregate?.CohortDropped ?? [], cancellationToken).ConfigureAwait(false);
        if (report.Completed)
        {
            FederationTelemetry.RoundCompleted(AuditRoles.Researcher);
            if (!double.IsNaN(report.Epsilon)) FederationTelemetry.EpsilonSpent(spec.Id, report.Epsilon);
        }
        else FederationTelemetry.RoundAborted(AuditRoles.Researcher);
        FederationTelemetry.Dropouts(report.Dropped.Count);
        if (report.Completed) ResearcherLog.RoundCompleted(logger, spec.Id, report.Round, report.Survivors.Count, report.Dropped.Count, report.ValidationAccuracy);
        else ResearcherLog.RoundAborted(logger, spec.Id, report.Round, report.AbortReason!);
        return report with { GlobalModelSha256 = hash, Duration = Stopwatch.GetElapsedTime(started) };
    }

    /// <summary>
    /// Tells the selected nodes how the round ended; with a result, the audit trail's round.result then records it, who
    /// survived and who dropped (<paramref name="dropped"/>), and the surviving nodes it was sent to.
    /// </summary>
    private async Task SendOutcomeAsync(string experimentId, long round, IReadOnlyList<string> selected, string? hash, IReadOnlyList<string> survivors,
        string? abortReason, string? session, IReadOnlyList<string> dropped, CancellationToken cancellationToken)
    {
        var outcome = new RoundOutcome
        {
            ExperimentId = experimentId, Round = round, Completed = abortReason is null && hash is not null, GlobalModelSha256 = hash ?? "",
            Survivors = { survivors }, AbortReason = abortReason ?? "",
        };
        var told = new List<string>(selected.Count);
        foreach (var node in selected)
        {
            if (registry.Find(node) is { } nodeSession
                && await nodeSession.SendAsync(new ResearcherEnvelope { RoundOutcome = outcome }, cancellationToken).ConfigureAwait(false)
                && hash is not null && survivors.Contains(node, StringComparer.Ordinal))
                told.Add(node);
        }
        if (hash is not null) _audit?.RoundResult(experimentId, round, session, hash, survivors, dropped, to: told);
    }

    private async Task<(double Accuracy, double Loss)> EvaluateAsync(ExperimentSpec spec, long round, float[] global, Standardization? standardization, CancellationToken cancellationToken)
    {
        var nodes = Matching(spec).Select(m => m.Node).ToArray();
        var request = Request(spec, round, $"{spec.Id}/{round}/final-model", standardization);
        request.EvaluateOnly = true;
        // No round.start: evaluation aggregates nothing, but the requests and replies are recorded.
        var replies = await new TrainingCollector(registry, options, logger, _audit)
            .RunAsync(nodes, request, GlobalModel.ToBytes(global), false, spec.TrainingTimeout, cancellationToken).ConfigureAwait(false);
        return (Weighted(replies.Ready.Values, r => r.ValidationAccuracy), Weighted(replies.Ready.Values, r => r.ValidationLoss));
    }

    /// <summary>A request for <paramref name="round"/> of the experiment's plan and data, with the federation's feature statistics if any.</summary>
    private static TrainingRequest Request(ExperimentSpec spec, long round, string modelTransferId, Standardization? standardization)
    {
        var request = new TrainingRequest
        {
            ExperimentId = spec.Id, Round = round, PlanJson = spec.Plan.ToCanonicalJson(), PlanSha256 = spec.Plan.Hash,
            DatasetTag = spec.DatasetTag, ModelTransferId = modelTransferId,
        };
        if (standardization is not null)
        {
            request.FeatureMean.AddRange(standardization.Mean);
            request.FeatureStd.AddRange(standardization.Std);
        }
        return request;
    }

    /// <summary>
    /// The round's largest weight W from the sample counts the selected nodes announce (nodes clamp their weight to it): at
    /// most <see cref="MaxWeightCap"/>, so that an inflated count cannot ruin everyone's precision, and at most what 32-bit
    /// words can carry for this cohort and clip norm, so that it cannot leave no encoding at all and end the experiment.
    /// </summary>
    internal static long RoundMaxWeight(IEnumerable<long> announcedCounts, int cohortSize, double clipNorm)
    {
        var announced = Math.Clamp(announcedCounts.DefaultIfEmpty(1).Max(), 1, MaxWeightCap);
        // At least 1: a clip norm too large for any weight is the experiment's error, which WithLargestScale then names.
        return Math.Min(announced, Math.Max(1, EncodingConfig.LargestFittingWeight(cohortSize, 32, clipNorm)));
    }

    private static double Weighted(IEnumerable<TrainingReply> replies, Func<TrainingReply, double> metric)
    {
        double total = 0, weight = 0;
        foreach (var r in replies)
        {
            total += metric(r) * r.ValidationSamples;
            weight += r.ValidationSamples;
        }
        return weight > 0 ? total / weight : double.NaN;
    }

    private static string[] Select(string[] candidates, int? cohortSize)
    {
        if (cohortSize is not { } size || size >= candidates.Length) return candidates;
        var pool = (string[])candidates.Clone();
        RandomNumberGenerator.Shuffle(pool.AsSpan()); // selection unpredictable to nodes
        return pool.Take(size).Order(StringComparer.Ordinal).ToArray();
    }

    private static long[] PlainSum(Dictionary<string, byte[]> updates, int length, int wordBits)
    {
        var sum = new long[length];
        foreach (var (node, payload) in updates)
        {
            if (payload.Length != length * (wordBits / 8))
                throw new InvalidDataException($"the plain update of '{node}' has {payload.Length} bytes, expected {length * (wordBits / 8)}");
            if (wordBits == 32)
            {
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(payload);
                for (var i = 0; i < length; i++) sum[i] += words[i];
            }
            else
            {
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(payload);
                for (var i = 0; i < length; i++) sum[i] += words[i];
            }
        }
        return sum;
    }
}
