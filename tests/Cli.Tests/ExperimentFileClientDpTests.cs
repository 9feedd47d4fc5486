using FedBioMed.Cli.Commands;

namespace FedBioMed.Cli.Tests;

public sealed class ExperimentFileClientDpTests
{
    private static readonly string Plan = Demo.DemoCommand.DemoPlan().ToCanonicalJson();

    private static string Experiment(string clientDp) => "{\"id\":\"e\",\"datasetTag\":\"t\",\"plan\":" + Plan + ",\"clientDp\":" + clientDp + "}";

    [Fact]
    public void ClientDp_IsReadWithItsDefaults()
    {
        var spec = ExperimentFile.Parse(Experiment("""{"targetEpsilon":8}"""));
        Assert.NotNull(spec.ClientDp);
        Assert.Equal((8.0, 1e-5, 1.0, 16, true), (spec.ClientDp!.TargetEpsilon, spec.ClientDp.Delta, spec.ClientDp.ClipNorm, spec.ClientDp.WordBits, spec.ClientDp.Rotate));
    }

    [Theory]
    [InlineData("""{"targetEpsilon":"high"}""", "experiment.clientDp.targetEpsilon: \"high\" is not a number")]
    [InlineData("""{"delta":1e-5}""", "experiment.clientDp.targetEpsilon: required")]
    [InlineData("""{"targetEpsilon":8,"bits":16}""", "experiment.clientDp.bits: unknown field")]
    [InlineData("""{"targetEpsilon":8,"wordBits":12}""", "experiment.clientDp.wordBits: 12 must be 16, 32 or 64")]
    public void ClientDpErrors_NameTheFieldAndValue(string clientDp, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() => ExperimentFile.Parse(Experiment(clientDp)));
        Assert.Contains(expected, error.Message);
    }
}
