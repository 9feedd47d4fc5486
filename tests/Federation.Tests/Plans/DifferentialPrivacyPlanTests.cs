namespace FedBioMed.Federation.Tests.Plans;

public sealed class DifferentialPrivacyPlanTests
{
    private static readonly TrainingPlan NonPrivate = TrainingPlanTests.Reference;

    private static readonly TrainingPlan Private = NonPrivate with
    {
        DifferentialPrivacy = new DifferentialPrivacySpec { NoiseMultiplier = 1.1, MaxGradNorm = 1, Sampling = BatchSampling.Poisson },
    };

    private const string NonPrivateJson = TrainingPlanTests.ReferenceJson;

    private const string PrivateJson =
        """{"format":"fedbiomed.training-plan/1","model":{"kind":"mlp","hidden":[32,16]},"loss":"cross-entropy","optimizer":{"kind":"sgd","lr":0.05,"momentum":0.9},"localEpochs":2,"batchSize":32,"preprocessing":"standardize","seed":7,"differentialPrivacy":{"noiseMultiplier":1.1,"maxGradNorm":1,"sampling":"poisson"}}""";

    [Fact]
    public void ToCanonicalJson_WithoutPrivacy_OmitsTheSectionAndKeepsTheFrozenHash()
    {
        Assert.Null(NonPrivate.DifferentialPrivacy);
        Assert.Equal(NonPrivateJson, NonPrivate.ToCanonicalJson());
        // The same frozen value as TrainingPlanTests.Hash_ReferencePlan_IsFrozen: DP-SGD did not re-identify old plans.
        Assert.Equal("1a7bd2dde463ee6fc4684905092151402515297493b57f3a46dd11cc196fd887", NonPrivate.Hash);
    }

    [Fact]
    public void ToCanonicalJson_WithPrivacy_AppendsTheSectionAfterSeed()
    {
        Assert.Equal(PrivateJson, Private.ToCanonicalJson());
        Assert.NotEqual(NonPrivate.Hash, Private.Hash);
    }

    [Fact]
    public void Parse_PrivateCanonicalJson_RoundTrips()
    {
        var parsed = TrainingPlan.Parse(PrivateJson);

        Assert.Equal(Private, parsed);
        Assert.Equal(PrivateJson, parsed.ToCanonicalJson());
        Assert.Equal(Private.Hash, parsed.Hash);
    }

    [Fact]
    public void Parse_SamplingOmitted_DefaultsToPoissonAndWritesIt()
    {
        var parsed = TrainingPlan.Parse(PrivateJson.Replace(",\"sampling\":\"poisson\"", ""));

        Assert.Equal(BatchSampling.Poisson, parsed.DifferentialPrivacy!.Sampling);
        Assert.Equal(Private.Hash, parsed.Hash);
    }

    [Fact]
    public void Parse_ReorderedPrivacySection_HasTheCanonicalHash()
    {
        var scrambled = PrivateJson.Replace(
            "{\"noiseMultiplier\":1.1,\"maxGradNorm\":1,\"sampling\":\"poisson\"}",
            "{ \"sampling\": \"poisson\", \"maxGradNorm\": 1.0E0, \"noiseMultiplier\": 11e-1 }");

        Assert.Equal(Private.Hash, TrainingPlan.Parse(scrambled).Hash);
    }

    public static TheoryData<string, TrainingPlan> OnePrivacyFieldChanged => new()
    {
        { "noise multiplier", Private with { DifferentialPrivacy = Private.DifferentialPrivacy! with { NoiseMultiplier = 1.2 } } },
        { "clipping norm", Private with { DifferentialPrivacy = Private.DifferentialPrivacy! with { MaxGradNorm = 2 } } },
        { "sampling", Private with { DifferentialPrivacy = Private.DifferentialPrivacy! with { Sampling = BatchSampling.Fixed } } },
        { "privacy removed", NonPrivate },
    };

    [Theory]
    [MemberData(nameof(OnePrivacyFieldChanged))]
    public void Hash_AnyPrivacyFieldChanged_ChangesTheHash(string field, TrainingPlan changed)
    {
        Assert.True(changed.Hash != Private.Hash, $"changing the {field} left the hash unchanged");
        Assert.Equal(changed, TrainingPlan.Parse(changed.ToCanonicalJson()));
    }

    public static TheoryData<string, string> BadPrivacySections => new()
    {
        { PrivateJson.Replace("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":-1"), "plan.differentialPrivacy.noiseMultiplier: -1 must be > 0" },
        { PrivateJson.Replace("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":0"), "plan.differentialPrivacy.noiseMultiplier: 0 must be > 0" },
        { PrivateJson.Replace("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":1001"), "plan.differentialPrivacy.noiseMultiplier: 1001 must be <= 1000" },
        { PrivateJson.Replace("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":\"high\""), "plan.differentialPrivacy.noiseMultiplier: 'high' is not a finite number" },
        { PrivateJson.Replace("\"noiseMultiplier\":1.1,", ""), "plan.differentialPrivacy.noiseMultiplier: is missing" },
        { PrivateJson.Replace("\"maxGradNorm\":1", "\"maxGradNorm\":0"), "plan.differentialPrivacy.maxGradNorm: 0 must be > 0" },
        { PrivateJson.Replace("\"maxGradNorm\":1", "\"maxGradNorm\":-0.5"), "plan.differentialPrivacy.maxGradNorm: -0.5 must be > 0" },
        { PrivateJson.Replace("\"maxGradNorm\":1", "\"maxGradNorm\":1e7"), "plan.differentialPrivacy.maxGradNorm: 10000000 must be <= 1000000" },
        { PrivateJson.Replace("\"maxGradNorm\":1,", ""), "plan.differentialPrivacy.maxGradNorm: is missing" },
        { PrivateJson.Replace("\"sampling\":\"poisson\"", "\"sampling\":\"shuffle\""), "plan.differentialPrivacy.sampling: 'shuffle' is not one of 'poisson', 'fixed'" },
        { PrivateJson.Replace("\"sampling\":\"poisson\"", "\"sampling\":1"), "plan.differentialPrivacy.sampling: must be a string, not 1" },
        { PrivateJson.Replace("\"sampling\":\"poisson\"", "\"sampling\":\"poisson\",\"delta\":1e-5"), "plan.differentialPrivacy.delta: unknown property (allowed: noiseMultiplier, maxGradNorm, sampling)" },
        { NonPrivateJson.Replace("\"seed\":7", "\"seed\":7,\"differentialPrivacy\":null"), "plan.differentialPrivacy: must be an object, not null" },
        { NonPrivateJson.Replace("\"seed\":7", "\"seed\":7,\"differentialPrivacy\":true"), "plan.differentialPrivacy: must be an object, not true" },
    };

    [Theory]
    [MemberData(nameof(BadPrivacySections))]
    public void Parse_BadPrivacyField_NamesFieldAndValue(string json, string expected)
    {
        var error = Assert.Throws<TrainingPlanException>(() => TrainingPlan.Parse(json));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Hash_NonPositiveNoiseBuiltInCode_IsRefused()
    {
        var invalid = Private with { DifferentialPrivacy = DifferentialPrivacySpec.Poisson(noiseMultiplier: 0, maxGradNorm: 1) };

        var error = Assert.Throws<TrainingPlanException>(() => invalid.Hash);

        Assert.Equal("plan.differentialPrivacy.noiseMultiplier", error.Field);
    }
}
