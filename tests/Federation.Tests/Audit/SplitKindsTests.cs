using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>
/// The colluding-holder attack of protocol §17 item 1 leaves every honest node's trail locally
/// consistent; across trails, the owner's seed shares and masking-key shares were both revealed.
/// </summary>
public sealed class SplitKindsTests
{
    [Fact]
    public void Verify_WhenHoldersRevealDifferentSecretsOfOneOwner_NamesTheOwner()
    {
        using var dir = new TempDirectory();
        var header = new RoundHeader("exp", 1, new byte[32]);
        string[] holders = ["h1", "h2", "h3"];
        var identities = holders.Select(NodeIdentity.Generate).ToArray();
        try
        {
            foreach (var identity in identities)
            {
                using var writer = new AuditTrailWriter(dir.File(identity.Id + ".jsonl"), identity.Id, identity.Sign, identity.PublicKey, "run", new StepClock());
                var audit = new AuditRecorder(writer);
                audit.RoundStart("exp", 1, ["h1", "h2", "h3", "victim"]);
                var kind = identity.Id == "h3" ? ShareKind.MaskingKey : ShareKind.SelfMaskSeed;
                audit.Sent(new UnmaskResponse(header, identity.Id, [new RevealedShare("victim", kind, 1, new byte[48])]), "researcher");
            }
            var finding = Assert.Single(AuditVerifier.Verify(holders.Select(h => dir.File(h + ".jsonl"))).Findings);
            Assert.Equal(AuditRules.SplitKinds, finding.Rule);
            Assert.Contains("owner 'victim' had SelfMaskSeed shares revealed by [h1, h2] and MaskingKey shares by [h3]", finding.Message);
            Assert.Equal(dir.File("h3.jsonl"), finding.TrailFile);
        }
        finally
        {
            foreach (var identity in identities) identity.Dispose();
        }
    }
}
