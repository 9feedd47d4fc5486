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
    public void AddPrefixed_GivesWhatSettingEachPrefixedKeyGives_AndRefusesKeysItWouldDuplicate()
    {
        static AuditAttributes Reply() => new(2) { ["type"] = "MaskedInput", ["from"] = "n", ["sha256"] = "s", ["to"] = "r", ["bytes"] = "9", ["authored"] = "a" };
        static AuditAttributes Received() => new() { ["type"] = "ForwardedShares", ["from"] = "r", ["to"] = "n", ["relayed"] = "x:y", ["sha256"] = "t", ["cohort"] = "c" };

        var merged = Reply();
        merged.AddPrefixed("received.", Received(), "received.event", "message.received", k => "received." + k);
        var oneByOne = Reply();
        oneByOne["received.event"] = "message.received";
        foreach (var (key, value) in Received()) oneByOne["received." + key] = value;
        Assert.Equal(oneByOne.ToArray(), merged.ToArray());
        Assert.Equal(13, merged.Count);

        // The extra key sorts before, between and after the source's keys alike.
        foreach (var extra in new[] { "received.a", "received.relayee", "received.zz" })
        {
            var attrs = Reply();
            attrs.AddPrefixed("received.", Received(), extra, "v", k => "received." + k);
            Assert.Equal(attrs.Keys.Order(StringComparer.Ordinal), attrs.Keys);
            Assert.Equal("v", attrs[extra]);
        }

        Assert.Throws<ArgumentException>(() => merged.AddPrefixed("received.", Received(), "received.event", "e", k => "received." + k));
        Assert.Throws<ArgumentException>(() => Reply().AddPrefixed("received.", Received(), "received.type", "e", k => "received." + k));
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
