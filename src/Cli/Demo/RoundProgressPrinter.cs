using System.Globalization;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Demo;

/// <summary>
/// One progress bar line per round stage; with DP, also `epsilon: E` after each round (the privacy spent so far,
/// read from the runner's latest round report).
/// </summary>
internal sealed class RoundProgressPrinter(TextWriter output, int totalRounds, ExperimentRunner? epsilonSource = null) : IProgress<ExperimentProgress>
{
    private const int Width = 24;

    public void Report(ExperimentProgress value)
    {
        if (value.Stage is "final evaluation" or "finished") return;
        var filled = (int)Math.Round(Width * ((value.Round - 1) + value.Fraction) / totalRounds);
        var bar = new string('#', Math.Clamp(filled, 0, Width)).PadRight(Width, '.');
        lock (output)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {value.Round,3}/{totalRounds} [{bar}] {value.Stage}"));
            if (epsilonSource?.LastReport is { } report && report.Round == value.Round && value.Stage == "done" && !double.IsNaN(report.Epsilon))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epsilon: {report.Epsilon:F3}"));
        }
    }
}
