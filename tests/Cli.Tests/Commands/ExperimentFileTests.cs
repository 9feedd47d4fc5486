using System.Text.Json.Nodes;
using FedBioMed.Cli.Commands;
using FedBioMed.Federation;
using FedBioMed.Researcher.Experiments;

namespace FedBioMed.Cli.Tests.Commands;

public sealed class ExperimentFileTests
{
    private const string PlanJson = """
        {"format":"fedbiomed.training-plan/1","model":{"kind":"logistic-regression"},"optimizer":{"kind":"adam","lr":0.05},
         "localEpochs":1,"batchSize":16,"preprocessing":"standardize","seed":42}
        """;

    private static readonly TrainingPlan Plan = new()
    {
        Model = ModelSpec.LogisticRegression(),
        Optimizer = OptimizerSpec.Adam(0.05),
        LocalEpochs = 1,
        BatchSize = 16,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 42,
    };

    /// <summary>A minimal valid file with <paramref name="field"/> set to the raw JSON <paramref name="value"/> (null: removed).</summary>
    private static string With(string field, string? value)
    {
        var root = new JsonObject { ["id"] = "bcw-1", ["datasetTag"] = "breast-cancer", ["plan"] = JsonNode.Parse(PlanJson) };
        if (value is null) root.Remove(field);
        else root[field] = JsonNode.Parse(value);
        return root.ToJsonString();
    }

    private static string ErrorOf(string json) => Assert.Throws<InvalidDataException>(() => ExperimentFile.Parse(json)).Message;

    [Fact]
    public void Parse_FileSettingEveryField_GivesThatSpec()
    {
        var json = $$"""
            {
              "id": "bcw-1", "datasetTag": "breast-cancer", "plan": {{PlanJson}},
              "rounds": 5, "minNodes": 3, "cohortSize": 4, "secureAggregation": false, "neighbourDegree": 2,
              "thresholdFraction": 0.75, "clipNorm": 10, "stageTimeoutSeconds": 5, "trainingTimeoutSeconds": 60.5
            }
            """;

        var spec = ExperimentFile.Parse(json);

        var expected = new ExperimentSpec
        {
            Id = "bcw-1", DatasetTag = "breast-cancer", Plan = Plan, Rounds = 5, MinNodes = 3, CohortSize = 4, SecureAggregation = false,
            NeighbourDegree = 2, ThresholdFraction = 0.75, ClipNorm = 10, StageTimeout = TimeSpan.FromSeconds(5), TrainingTimeout = TimeSpan.FromSeconds(60.5),
        };
        Assert.Equal(Plan.Hash, spec.Plan.Hash);
        Assert.Equal(expected, spec with { Plan = expected.Plan });
    }

    [Fact]
    public void Parse_FileWithOnlyTheRequiredFields_GivesTheSpecDefaults()
    {
        var spec = ExperimentFile.Parse(With("rounds", null));

        var defaults = new ExperimentSpec { Id = "bcw-1", DatasetTag = "breast-cancer", Plan = Plan };
        Assert.Equal(Plan.Hash, spec.Plan.Hash);
        Assert.Equal(defaults, spec with { Plan = defaults.Plan });
    }

    [Fact]
    public void Parse_WithoutAPlan_NamesThePlanField()
    {
        Assert.Equal("experiment.plan: a training-plan object is required", ErrorOf(With("plan", null)));
        Assert.Equal("experiment.plan: a training-plan object is required", ErrorOf(With("plan", "\"plan.json\"")));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("datasetTag")]
    public void Parse_WithoutARequiredString_NamesTheField(string field)
    {
        Assert.Equal($"experiment.{field}: required", ErrorOf(With(field, null)));
    }

    [Fact]
    public void Parse_WithAnUnknownField_NamesIt()
    {
        Assert.Equal("experiment.round: unknown field", ErrorOf(With("round", "3")));
    }

    [Theory]
    [InlineData("rounds", "\"ten\"", "experiment.rounds: \"ten\" is not an integer")]
    [InlineData("rounds", "2.5", "experiment.rounds: 2.5 is not an integer")]
    [InlineData("minNodes", "true", "experiment.minNodes: true is not an integer")]
    [InlineData("cohortSize", "[3]", "experiment.cohortSize: [3] is not an integer")]
    [InlineData("neighbourDegree", "\"4\"", "experiment.neighbourDegree: \"4\" is not an integer")]
    [InlineData("id", "42", "experiment.id: 42 is not a string")]
    [InlineData("datasetTag", "{}", "experiment.datasetTag: {} is not a string")]
    [InlineData("secureAggregation", "\"yes\"", "experiment.secureAggregation: \"yes\" is not true or false")]
    [InlineData("clipNorm", "\"big\"", "experiment.clipNorm: \"big\" is not a number")]
    [InlineData("thresholdFraction", "null", "experiment.thresholdFraction: null is not a number")]
    [InlineData("stageTimeoutSeconds", "\"30s\"", "experiment.stageTimeoutSeconds: \"30s\" is not a number")]
    public void Parse_FieldOfTheWrongType_NamesTheFieldAndTheValue(string field, string value, string message)
    {
        Assert.Equal(message, ErrorOf(With(field, value)));
    }

    [Theory]
    [InlineData("rounds", "0", "experiment.rounds: 0 must be at least 1")]
    [InlineData("minNodes", "1", "experiment.minNodes: 1 must be at least 2")]
    [InlineData("thresholdFraction", "0.5", "experiment.thresholdFraction: 0.5 must be in (0.5, 1]")]
    [InlineData("clipNorm", "-1", "experiment.clipNorm: -1 must be positive")]
    [InlineData("stageTimeoutSeconds", "0", "experiment.stageTimeoutSeconds: 0 must be a positive number of seconds")]
    [InlineData("trainingTimeoutSeconds", "-5", "experiment.trainingTimeoutSeconds: -5 must be a positive number of seconds")]
    [InlineData("stageTimeoutSeconds", "1e300", "experiment.stageTimeoutSeconds: 1e300 must be a positive number of seconds")]
    [InlineData("trainingTimeoutSeconds", "5000000", "experiment.trainingTimeoutSeconds: 5000000 must be a positive number of seconds, at most 2592000")]
    public void Parse_FieldOutOfRange_NamesTheFieldAndTheValue(string field, string value, string message)
    {
        Assert.StartsWith(message, ErrorOf(With(field, value)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"adam","lr":-1}""", "experiment.plan.optimizer.lr: ")]
    [InlineData("""{"kind":"adam","lr":"fast"}""", "experiment.plan.optimizer.lr: 'fast' is not a finite number")]
    [InlineData("""{"kind":"rmsprop","lr":0.1}""", "experiment.plan.optimizer.kind: ")]
    [InlineData("""{"kind":"adam","lr":0.1,"decay":1}""", "experiment.plan.optimizer.decay: unknown property")]
    public void Parse_BadPlan_NamesTheFieldInsideExperimentPlan(string optimizer, string messageStart)
    {
        var plan = JsonNode.Parse(PlanJson)!.AsObject();
        plan["optimizer"] = JsonNode.Parse(optimizer);

        Assert.StartsWith(messageStart, ErrorOf(With("plan", plan.ToJsonString())), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextThatIsNotJson_SaysSo()
    {
        Assert.StartsWith("experiment file is not valid JSON", ErrorOf("{ rounds: 3"), StringComparison.Ordinal);
        Assert.Equal("experiment file must hold a JSON object", ErrorOf("[1, 2]"));
    }

    [Fact]
    public async Task ResearcherRun_WithABadExperimentFile_ExitsOneWithTheFieldError_BeforeListening()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fedbiomed-experiment-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, With("rounds", "\"ten\""));
        try
        {
            var run = await CliRun.RunAsync("researcher", "run", "--experiment", path, "--roster", "/nonexistent/roster.json");

            Assert.Equal(1, run.ExitCode);
            Assert.Equal("error: experiment.rounds: \"ten\" is not an integer", run.Error.Trim());
            Assert.Equal("", run.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ResearcherRun_WithAMissingExperimentFile_ExitsOneNamingIt()
    {
        var run = await CliRun.RunAsync("researcher", "run", "--experiment", "/nonexistent/experiment.json", "--roster", "/nonexistent/roster.json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'/nonexistent/experiment.json' does not exist", run.Error, StringComparison.Ordinal);
    }
}
