using System.Globalization;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Demo;

/// <summary>One progress bar line per round, written when the round's stage changes.</summary>
internal sealed class RoundProgressPrinter(TextWriter output, int totalRounds) : IProgress<ExperimentProgress>
{
    private const int Width = 24;

    public void Report(ExperimentProgress value)
    {
        if (value.Stage == "final evaluation") return;
        var filled = (int)Math.Round(Width * ((value.Round - 1) + value.Fraction) / totalRounds);
        var bar = new string('#', Math.Clamp(filled, 0, Width)).PadRight(Width, '.');
        lock (output)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {value.Round,3}/{totalRounds} [{bar}] {value.Stage}"));
    }
}
