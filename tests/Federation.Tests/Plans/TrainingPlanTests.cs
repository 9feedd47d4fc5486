namespace FedBioMed.Federation.Tests.Plans;

public sealed class TrainingPlanTests
{
    /// <summary>The plan whose bytes and hash are frozen; DifferentialPrivacyPlanTests builds on it.</summary>
    internal static readonly TrainingPlan Reference = new()
    {
        Model = ModelSpec.Mlp(32, 16),
        Optimizer = OptimizerSpec.Sgd(0.05, momentum: 0.9),
        LocalEpochs = 2,
        BatchSize = 32,
        Preprocessing = PreprocessingKind.Standardize,
        Seed = 7,
    };

    internal const string ReferenceJson =
        """{"format":"fedbiomed.training-plan/1","model":{"kind":"mlp","hidden":[32,16]},"loss":"cross-entropy","optimizer":{"kind":"sgd","lr":0.05,"momentum":0.9},"localEpochs":2,"batchSize":32,"preprocessing":"standardize","seed":7}""";

    [Fact]
    public void ToCanonicalJson_ReferencePlan_IsFrozen()
    {
        Assert.Equal(ReferenceJson, Reference.ToCanonicalJson());
    }

    [Fact]
    public void Hash_ReferencePlan_IsFrozen()
    {
        // sha256 of ReferenceJson, computed outside .NET (printf '%s' ... | sha256sum).
        Assert.Equal("1a7bd2dde463ee6fc4684905092151402515297493b57f3a46dd11cc196fd887", Reference.Hash);
    }

    [Fact]
    public void Parse_CanonicalJson_RoundTrips()
    {
        var parsed = TrainingPlan.Parse(ReferenceJson);

        Assert.Equal(Reference, parsed);
        Assert.Equal(ReferenceJson, parsed.ToCanonicalJson());
    }

    [Fact]
    public void Parse_ReorderedIndentedJson_HasTheCanonicalHash()
    {
        const string Scrambled = """
            {
              "seed": 7, "batchSize": 32, "localEpochs": 2,
              "optimizer": { "momentum": 9e-1, "lr": 5.0E-2, "kind": "sgd" },
              "preprocessing": "standardize",
              "model": { "hidden": [ 32, 16 ], "kind": "mlp" },
              "format": "fedbiomed.training-plan/1"
            }
            """;

        Assert.Equal(Reference.Hash, TrainingPlan.Parse(Scrambled).Hash);
    }

    public static TheoryData<string, TrainingPlan> OneFieldChanged => new()
    {
        { "model kind", Reference with { Model = ModelSpec.LogisticRegression() } },
        { "hidden width", Reference with { Model = ModelSpec.Mlp(32, 17) } },
        { "hidden depth", Reference with { Model = ModelSpec.Mlp(32) } },
        { "optimizer kind", Reference with { Optimizer = OptimizerSpec.Adam(0.05) } },
        { "learning rate", Reference with { Optimizer = OptimizerSpec.Sgd(0.050000001, 0.9) } },
        { "momentum", Reference with { Optimizer = OptimizerSpec.Sgd(0.05, 0.8) } },
        { "epochs", Reference with { LocalEpochs = 3 } },
        { "steps instead of epochs", Reference with { LocalEpochs = null, LocalSteps = 2 } },
        { "batch size", Reference with { BatchSize = 33 } },
        { "preprocessing", Reference with { Preprocessing = PreprocessingKind.None } },
        { "seed", Reference with { Seed = 8 } },
    };

    [Theory]
    [MemberData(nameof(OneFieldChanged))]
    public void Hash_AnyFieldChanged_ChangesTheHash(string field, TrainingPlan changed)
    {
        Assert.NotEqual(Reference.Hash, changed.Hash);
        Assert.True(changed.Hash != Reference.Hash, $"changing the {field} left the hash unchanged");
        Assert.Equal(changed, TrainingPlan.Parse(changed.ToCanonicalJson()));
    }

    [Fact]
    public void Hash_IsLowercaseHexSha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", Reference.Hash);
    }

    [Fact]
    public void ToCanonicalJson_SmallAndLargeNumbers_UseInvariantShortestForm()
    {
        var plan = Reference with { Optimizer = OptimizerSpec.Adam(1e-5), LocalEpochs = null, LocalSteps = 1000, Seed = long.MaxValue };

        Assert.Contains("\"optimizer\":{\"kind\":\"adam\",\"lr\":1E-05}", plan.ToCanonicalJson());
        Assert.Contains("\"localSteps\":1000", plan.ToCanonicalJson());
        Assert.EndsWith("\"seed\":9223372036854775807}", plan.ToCanonicalJson());
        Assert.Equal(plan, TrainingPlan.Parse(plan.ToCanonicalJson()));
    }

    public static TheoryData<string, string> BadPlans => new()
    {
        { ReferenceJson.Replace("\"lr\":0.05", "\"lr\":-1"), "plan.optimizer.lr: -1 must be > 0" },
        { ReferenceJson.Replace("\"lr\":0.05", "\"lr\":\"fast\""), "plan.optimizer.lr: 'fast' is not a finite number" },
        { ReferenceJson.Replace("\"momentum\":0.9", "\"momentum\":1"), "plan.optimizer.momentum: 1 must be in [0, 1)" },
        { ReferenceJson.Replace("\"kind\":\"sgd\"", "\"kind\":\"rmsprop\""), "plan.optimizer.kind: 'rmsprop' is not one of 'sgd', 'adam'" },
        { ReferenceJson.Replace("\"kind\":\"sgd\"", "\"kind\":\"adam\""), "plan.optimizer.momentum: only sgd takes a momentum, not adam" },
        { ReferenceJson.Replace("\"batchSize\":32", "\"batchSize\":0"), "plan.batchSize: 0 must be in [1, 1000000]" },
        { ReferenceJson.Replace("\"batchSize\":32", "\"batchSize\":32.5"), "plan.batchSize: 32.5 is not a 32-bit integer" },
        { ReferenceJson.Replace("\"localEpochs\":2", "\"localEpochs\":2,\"localSteps\":5"), "plan.localEpochs: exactly one of localEpochs and localSteps must be set" },
        { ReferenceJson.Replace("\"localEpochs\":2,", ""), "plan.localEpochs: exactly one of localEpochs and localSteps must be set" },
        { ReferenceJson.Replace("\"hidden\":[32,16]", "\"hidden\":[32,0]"), "plan.model.hidden[1]: 0 must be in [1, 65536]" },
        { ReferenceJson.Replace(",\"hidden\":[32,16]", ""), "plan.model.hidden: is missing; an mlp needs its hidden layer widths" },
        { ReferenceJson.Replace("\"kind\":\"mlp\"", "\"kind\":\"cnn\""), "plan.model.hidden: only an mlp has hidden layers, not cnn" },
        { ReferenceJson.Replace("\"seed\":7", "\"seed\":-7"), "plan.seed: -7 must be >= 0" },
        { ReferenceJson.Replace("\"seed\":7", "\"seed\":7,\"seed\":8"), "plan.seed: appears more than once" },
        { ReferenceJson.Replace("\"seed\":7", "\"seed\":7,\"code\":\"rm -rf /\""), "plan.code: unknown property (allowed: format, model, loss, optimizer, localEpochs, localSteps, batchSize, preprocessing, seed, differentialPrivacy)" },
        { ReferenceJson.Replace("\"preprocessing\":\"standardize\"", "\"preprocessing\":\"whiten\""), "plan.preprocessing: 'whiten' is not one of 'none', 'standardize'" },
        { ReferenceJson.Replace("\"loss\":\"cross-entropy\"", "\"loss\":\"mse\""), "plan.loss: 'mse' is not one of 'cross-entropy'" },
        { ReferenceJson.Replace("training-plan/1", "training-plan/2"), "plan.format: 'fedbiomed.training-plan/2' is not the supported 'fedbiomed.training-plan/1'" },
        { ReferenceJson.Replace("\"format\":\"fedbiomed.training-plan/1\",", ""), "plan.format: is missing" },
        { "[1,2]", "plan: must be an object, not an array" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void Parse_BadField_NamesFieldAndValue(string json, string expected)
    {
        var error = Assert.Throws<TrainingPlanException>(() => TrainingPlan.Parse(json));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Parse_InvalidJson_IsAPlanError()
    {
        var error = Assert.Throws<TrainingPlanException>(() => TrainingPlan.Parse("{\"seed\":"));
        Assert.Equal("plan", error.Field);
        Assert.StartsWith("plan: not valid JSON", error.Message);
    }

    [Fact]
    public void Hash_InvalidPlanBuiltInCode_IsRefused()
    {
        var invalid = Reference with { Optimizer = OptimizerSpec.Sgd(0) };

        var error = Assert.Throws<TrainingPlanException>(() => invalid.Hash);

        Assert.Equal("plan.optimizer.lr: 0 must be > 0", error.Message);
    }

    [Fact]
    public void Equality_ComparesHiddenSizesByValue()
    {
        Assert.Equal(ModelSpec.Mlp(4, 2), ModelSpec.Mlp([4, 2]));
        Assert.NotEqual(ModelSpec.Mlp(4, 2), ModelSpec.Mlp(2, 4));
    }
}
