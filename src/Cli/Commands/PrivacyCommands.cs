using System.Globalization;
using FedBioMed.Aggregation.Privacy;

namespace FedBioMed.Cli.Commands;

/// <summary>
/// `fedbiomed privacy ...`: the RDP accountant at the command line, for choosing the noise of an experiment
/// before running it.
/// </summary>
internal static class PrivacyCommands
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        switch (args)
        {
            case ["epsilon", .. var rest]:
            {
                var options = Options.Parse(rest);
                var z = Number(options, "--noise-multiplier", "a positive number", v => v > 0);
                var (rounds, delta, q) = Accounting(options);
                WriteEpsilon(output, z, rounds, delta, q);
                return Task.FromResult(0);
            }
            case ["noise-multiplier", .. var rest]:
            {
                var options = Options.Parse(rest);
                var target = Number(options, "--epsilon", "a positive number", v => v > 0);
                var (rounds, delta, q) = Accounting(options);
                var z = RdpAccountant.NoiseMultiplierFor(target, rounds, delta, q);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"noise multiplier: {z}"));
                WriteEpsilon(output, z, rounds, delta, q);
                return Task.FromResult(0);
            }
            default:
                throw new UsageException($"unknown privacy command '{string.Join(' ', args)}'");
        }
    }

    /// <summary>The options both commands share, read after the command's own; any other option is refused.</summary>
    private static (long Rounds, double Delta, double SamplingRate) Accounting(Options options)
    {
        var rounds = Rounds(options);
        var delta = Delta(options);
        var q = SamplingRate(options);
        options.RejectUnknown();
        return (rounds, delta, q);
    }

    /// <summary>ε after <paramref name="rounds"/> rounds at noise multiplier <paramref name="z"/>, and the RDP order that attains it.</summary>
    private static void WriteEpsilon(TextWriter output, double z, long rounds, double delta, double q)
    {
        var (epsilon, order) = RdpAccountant.EpsilonAndOrder(z, rounds, delta, q);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epsilon: {epsilon}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"order: {order}"));
    }

    private static long Rounds(Options options)
    {
        const string name = "--rounds";
        var text = options.Required(name);
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rounds) || rounds < 1)
            throw new UsageException($"option {name}: '{text}' must be an integer of at least 1");
        return rounds;
    }

    private static double Delta(Options options) =>
        Number(options, "--delta", "a number strictly between 0 and 1", v => v > 0 && v < 1);

    private static double SamplingRate(Options options) =>
        options.Get("--sampling-rate") is null ? 1.0 : Number(options, "--sampling-rate", "a number in (0, 1], like 0.01 or 256/60000", v => v > 0 && v <= 1);

    /// <summary>A required finite number, written plainly (1e-5) or as a fraction (256/60000).</summary>
    private static double Number(Options options, string name, string rule, Func<double, bool> valid)
    {
        var text = options.Required(name);
        var parts = text.Split('/');
        double value = double.NaN;
        if (parts.Length is 1 or 2 && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            value = double.Parse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (parts.Length == 2) value /= double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        if (!double.IsFinite(value) || !valid(value)) throw new UsageException($"option {name}: '{text}' must be {rule}");
        return value;
    }
}
