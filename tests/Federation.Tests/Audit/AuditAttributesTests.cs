using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Audit;

public sealed class AuditAttributesTests
{
    [Fact]
    public void Attributes_AreKeptInOrdinalKeyOrder_WhateverOrderTheyAreSetIn()
    {
        var attrs = new AuditAttributes(2) { ["type"] = "A", ["Zeta"] = "z", ["from"] = "x", ["sha256"] = "s", ["bytes"] = "1", ["to"] = "y" };
        attrs["from"] = "w"; // replaced, not added

        Assert.Equal(["Zeta", "bytes", "from", "sha256", "to", "type"], attrs.Keys);
        Assert.Equal(6, attrs.Count);
        Assert.Equal("w", attrs["from"]);
        Assert.True(attrs.TryGetValue("to", out var to) && to == "y");
        Assert.False(attrs.ContainsKey("seal"));
        Assert.Throws<KeyNotFoundException>(() => attrs["seal"]);
        var refused = Assert.Throws<ArgumentNullException>(() => attrs["node"] = null!);
        Assert.Contains("attrs[node]", refused.Message);
        Assert.False(attrs.ContainsKey("node"));
    }

    [Fact]
    public void ARecordOfAttributes_IsWrittenByteForByteAsTheSameRecordOfADictionary()
    {
        using var dir = new TempDirectory();
        using var identity = NodeIdentity.Generate("node-a");
        var ordered = new AuditAttributes { ["to"] = "researcher", ["sha256"] = new string('a', 64), ["from"] = "node-a", ["type"] = "MaskedInput", ["bytes"] = "252" };
        var dictionary = new Dictionary<string, string>(ordered.Reverse());
        string[] Write(string name, IReadOnlyDictionary<string, string> attrs)
        {
            var path = dir.File(name);
            using (var writer = new AuditTrailWriter(path, identity.Id, identity.Sign, identity.PublicKey, "run-1", new StepClock()))
            {
                writer.Append(AuditEvents.MessageSent, "exp", 1, "00ff", attrs);
            }
            return File.ReadAllLines(path);
        }

        var viaAttributes = Write("a.jsonl", ordered);
        var viaDictionary = Write("d.jsonl", dictionary);

        Assert.Equal(viaDictionary, viaAttributes);
        Assert.Contains("\"attrs\":{\"bytes\":\"252\",\"from\":\"node-a\",\"sha256\":\"" + new string('a', 64) + "\",\"to\":\"researcher\",\"type\":\"MaskedInput\"}", viaAttributes[1]);
    }
}
