using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Tests;

/// <summary>Reports on the runner's own thread, so the test acts before the runner moves on (Progress&lt;T&gt; would post).</summary>
internal sealed class SynchronousProgress(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
{
    public void Report(ExperimentProgress value) => report(value);
}
