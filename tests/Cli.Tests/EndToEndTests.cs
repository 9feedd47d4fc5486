using FedBioMed.Cli.Demo;
using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;
using Xunit.Abstractions;

namespace FedBioMed.Cli.Tests;

/// <summary>Three hospitals, real gRPC on loopback, secure aggregation on, real data.</summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private const int Rounds = 15;

    [Fact]
    public async Task FederatedModel_WithSecureAggregation_MatchesCentralTrainingWithinOnePoint()
    {
        using var data = new BreastCancerFederation();
        var plan = DemoCommand.DemoPlan();
        await using var federation = await data.StartFederationAsync(plan);
        var result = await federation.Runner.RunAsync(new ExperimentSpec
        {
            Id = "e2e-bcw", DatasetTag = DemoCommand.Tag, Plan = plan, Rounds = Rounds, SecureAggregation = true,
        });

        Assert.All(result.Rounds, r => Assert.True(r.Completed, r.AbortReason));
        Assert.All(result.Rounds, r => Assert.Equal(3, r.Survivors.Count));
        double federated;
        using (var evaluator = LocalTrainer.Create(plan, data.Test.FeatureShape, data.Test.ClassCount))
        {
            evaluator.SetParameters(result.GlobalParameters);
            evaluator.SetStandardization(result.FeatureMean!, result.FeatureStd!);
            federated = evaluator.Evaluate(data.Test).Accuracy;
        }

        // Same data, split, seed and budget (one local epoch per round = one epoch per round centrally).
        double central;
        using (var trainer = LocalTrainer.Create(plan, data.PooledTrain.FeatureShape, data.PooledTrain.ClassCount))
        {
            for (var round = 1; round <= Rounds; round++) trainer.Train(data.PooledTrain, round);
            central = trainer.Evaluate(data.Test).Accuracy;
        }

        output.WriteLine($"federated test accuracy {federated:F4}, central {central:F4}, test patients {data.Test.Count}");
        Assert.True(federated >= 0.95, $"federated test accuracy {federated:F4} is below 0.95");
        Assert.True(Math.Abs(federated - central) <= 0.01 + 1e-9, $"federated {federated:F4} vs central {central:F4}: more than one point apart");
    }
}
