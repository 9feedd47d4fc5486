using System.Globalization;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Demo;

/// <summary>
/// One progress bar line per round stage; with <c>printEpsilon</c>, also `epsilon: E` after each round
/// (the privacy spent so far, from the finished round's report).
/// </summary>
internal sealed class RoundProgressPrinter(TextWriter output, int totalRounds, bool printEpsilon = false) : IProgress<ExperimentProgress>
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
            if (printEpsilon && value.Report is { } report && !double.IsNaN(report.Epsilon))
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epsilon: {report.Epsilon:F3}"));
        }
    }
}
