using System.Text.Json;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;
using FedBioMed.Federation.Audit;
using FedBioMed.Federation.Audit.Verification;

namespace FedBioMed.Federation.Tests.Audit;

/// <summary>What the recorder writes into records: lists, digests, and which side lists relayed items.</summary>
public sealed class AuditRecordingTests
{
    [Theory]
    [InlineData(new[] { "node-a", "node-b" }, "node-a,node-b")]
    [InlineData(new[] { "", "a" }, ",a")]
    [InlineData(new[] { "a", "" }, "a,")]
    [InlineData(new[] { "50%,off:now", "x" }, "50%25%2Coff%3Anow,x")]
    [InlineData(new string[0], "")]
    public void Join_EscapesIdsAndSplitGivesThemBack(string[] ids, string expected)
    {
        var joined = AuditLists.Join(ids);
        Assert.Equal(expected, joined);
        // Split cannot tell an empty list from one empty id; every other list comes back as it went in.
        if (joined.Length > 0) Assert.Equal(ids, AuditLists.Split(joined));
    }

    [Fact]
    public void Join_OfAListChangedInPlace_GivesTheNewList()
    {
        // Joining remembers the last list by content, not by reference.
        string[] ids = ["hospital-a", "hospital-b"];
        Assert.Equal("hospital-a,hospital-b", AuditLists.Join(ids));
        ids[1] = "hospital,c";
        Assert.Equal("hospital-a,hospital%2Cc", AuditLists.Join(ids));
        Assert.Equal("hospital-a,hospital%2Cc", AuditLists.Join(ids.ToList()));
        Assert.Equal("hospital-a", AuditLists.Join(ids.Take(1)));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(5000)] // an encoding past the stack scratch
    public void TrainingRequestAndReplyDigests_AreTheSha256OfTheirProtobufEncodingAsAField(int planLength)
    {
        var request = new Wire.TrainingRequest { ExperimentId = "exp", Round = 4, PlanJson = new string('p', planLength), PlanSha256 = new string('a', 64), WordBits = 32 };
        var reply = new Wire.TrainingReply { ExperimentId = "exp", Round = 4, Ready = true, Weight = 120, TrainLoss = 0.25 };
        var model = new string('b', 64);
        static string Expected(string type, Google.Protobuf.IMessage message, params string[] more)
        {
            var fields = new ContextBuilder("audit/message/" + type).Add("exp").Add(4L).Add(ReadOnlySpan<byte>.Empty).Add(Google.Protobuf.MessageExtensions.ToByteArray(message));
            foreach (var field in more) fields.Add(field);
            return Convert.ToHexStringLower(fields.Sha256());
        }

        Assert.Equal(Expected(AuditMessageTypes.TrainingRequest, request, model), AuditDigest.TrainingRequest(request, model));
        Assert.Equal(Expected(AuditMessageTypes.TrainingReply, reply), AuditDigest.TrainingReply(reply));
    }

    [Fact]
    public void TypeName_IsEveryMessageClassName_AndKindName_EveryShareKindName()
    {
        var messageTypes = typeof(SecAggMessage).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(SecAggMessage)) && !t.IsAbstract).ToArray();
        Assert.True(messageTypes.Length >= 10, $"found {messageTypes.Length} message types");
        foreach (var type in messageTypes)
        {
            var message = (SecAggMessage)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
            Assert.Equal(type.Name, AuditDigest.TypeName(message));
        }
        foreach (var kind in Enum.GetValues<ShareKind>()) Assert.Equal(kind.ToString(), AuditDigest.KindName(kind));
    }

    [Fact]
    public void JoinPairs_EscapesOwnersAndSplitPairsGivesThemBack()
    {
        (string, string)[] pairs = [("node:1", "SelfMaskSeed"), ("a,b%", "MaskingKey"), ("", "x")];
        var joined = AuditLists.JoinPairs(pairs);
        Assert.Equal("node%3A1:SelfMaskSeed,a%2Cb%25:MaskingKey,:x", joined);
        Assert.Equal(pairs, AuditLists.SplitPairs(joined));
        // A list joined after a long one on the same thread carries nothing of it.
        Assert.Equal("z:k", AuditLists.JoinPairs([("z", "k")]));
    }

    [Fact]
    public void Ids_IsTheSha256OfTheFieldEncoding_DigestAfterDigest()
    {
        // Digests reuse one builder per thread: each must still be the hash of its own encoding alone.
        string[][] lists = [["node-a", "node-b", "node-c"], ["x"], [], ["node-a", "node-b", "node-c"]];
        foreach (var ids in lists)
        {
            var expected = new ContextBuilder("audit/ids").Add(ids.Length);
            foreach (var id in ids) expected.Add(id);
            Assert.Equal(Convert.ToHexStringLower(expected.Sha256()), AuditDigest.Ids(ids));
        }
    }

    [Fact]
    public void RelayItems_AreListedByTheirAuthorsAsSent_AndByNodesAsReceived_NotByTheServer()
    {
        using var round = new AuditedRound(3);
        Assert.True(round.Run(round.Config()).Completed);
        round.CloseTrails();
        var relays = new[] { "AdvertisedKeys", "ForwardedShares", "UnmaskRequest" };
        var authoredTypes = new[] { "KeyAdvertisement", "EncryptedShares", "ConsistencySignature" };

        var researcher = Messages(round.TrailOf(AuditedRound.ResearcherId));
        Assert.Contains(researcher, m => m.Sent && relays.Contains(m.Type));
        Assert.Contains(researcher, m => !m.Sent && authoredTypes.Contains(m.Type));
        Assert.All(researcher, m => Assert.False(m.Attrs.ContainsKey(AuditAttrs.Relayed) || m.Attrs.ContainsKey(AuditAttrs.Authored), m.Type));

        foreach (var node in round.Sim.NodeIds)
        {
            var messages = Messages(round.TrailOf(node));
            Assert.All(messages.Where(m => !m.Sent && relays.Contains(m.Type)), m => Assert.True(m.Attrs.ContainsKey(AuditAttrs.Relayed), m.Type));
            Assert.All(messages.Where(m => m.Sent && authoredTypes.Contains(m.Type)), m => Assert.True(m.Attrs.ContainsKey(AuditAttrs.Authored), m.Type));
            // An advertisement is relayed whole: its one authored item is the message's own digest.
            var ad = Assert.Single(messages, m => m.Sent && m.Type == "KeyAdvertisement");
            Assert.Equal("*:" + ad.Attrs[AuditAttrs.Sha256], ad.Attrs[AuditAttrs.Authored]);
            Assert.All(messages.Where(m => !(m.Sent ? authoredTypes : relays).Contains(m.Type)),
                m => Assert.False(m.Attrs.ContainsKey(AuditAttrs.Relayed) || m.Attrs.ContainsKey(AuditAttrs.Authored), m.Type));
        }
    }

    [Fact]
    public void StageMessages_AreTheirStagesRecord_AndABroadcastIsOneRecordNamingItsRecipients()
    {
        using var round = new AuditedRound(3);
        Assert.True(round.Run(round.Config()).Completed);
        round.CloseTrails();
        var nodes = AuditLists.Join(round.Sim.NodeIds);

        var researcher = Records(round.TrailOf(AuditedRound.ResearcherId));
        var start = Assert.Single(researcher, r => r.Event == AuditEvents.RoundStart);
        Assert.Equal(("RoundStart", nodes), (start.Attrs[AuditAttrs.Type], start.Attrs[AuditAttrs.To]));
        var survivors = Assert.Single(researcher, r => r.Event == AuditEvents.SurvivorsSeen);
        Assert.Equal(("SurvivorSet", nodes), (survivors.Attrs[AuditAttrs.Type], survivors.Attrs[AuditAttrs.To]));
        var relayed = Assert.Single(researcher, r => r.Event == AuditEvents.KeysAdvertised);
        Assert.Equal(("AdvertisedKeys", nodes), (relayed.Attrs[AuditAttrs.Type], relayed.Attrs[AuditAttrs.To]));
        var result = Assert.Single(researcher, r => r.Event == AuditEvents.RoundResult);
        Assert.Equal(("GlobalModel", nodes, result.Attrs[AuditAttrs.ModelSha256]), (result.Attrs[AuditAttrs.Type], result.Attrs[AuditAttrs.To], result.Attrs[AuditAttrs.Sha256]));
        Assert.Equal(3, researcher.Count(r => r.Event == AuditEvents.UnmaskRequested && r.Attrs[AuditAttrs.Type] == "UnmaskRequest" && r.Attrs[AuditAttrs.To] == r.Attrs[AuditAttrs.Node]));
        Assert.Equal(3, researcher.Count(r => r.Event == AuditEvents.UnmaskRevealed && r.Attrs[AuditAttrs.Type] == "UnmaskResponse"));
        Assert.DoesNotContain(researcher, r => r.Event is AuditEvents.MessageSent or AuditEvents.MessageReceived
            && r.Attrs[AuditAttrs.Type] is "RoundStart" or "SurvivorSet" or "UnmaskRequest" or "UnmaskResponse");
        // A stage's replies are one record listing the senders and their digests; forwarded shares, one per node, one record too.
        foreach (var type in new[] { "KeyAdvertisement", "EncryptedShares", "MaskedInput", "ConsistencySignature" })
        {
            var replies = Assert.Single(researcher, r => r.Event == AuditEvents.MessageReceived && r.Attrs[AuditAttrs.Type] == type);
            Assert.Equal(round.Sim.NodeIds.Order(StringComparer.Ordinal), AuditLists.Split(replies.Attrs[AuditAttrs.From]).Order(StringComparer.Ordinal));
            Assert.Equal(3, replies.Attrs[AuditAttrs.Sha256].Split(',').Distinct().Count());
        }
        var forwarded = Assert.Single(researcher, r => r.Event == AuditEvents.MessageSent && r.Attrs[AuditAttrs.Type] == "ForwardedShares");
        Assert.Equal((nodes, 3), (forwarded.Attrs[AuditAttrs.To], forwarded.Attrs[AuditAttrs.Sha256].Split(',').Distinct().Count()));

        foreach (var node in round.Sim.NodeIds)
        {
            var records = Records(round.TrailOf(node));
            // Each stage is one record that is also its message, and no message of those types is written apart from its stage.
            foreach (var (stage, type) in new[]
            {
                (AuditEvents.RoundStart, "RoundStart"), (AuditEvents.KeysAdvertised, "KeyAdvertisement"), (AuditEvents.SurvivorsSeen, "SurvivorSet"),
                (AuditEvents.ConsistencySigned, "ConsistencySignature"), (AuditEvents.UnmaskRequested, "UnmaskRequest"), (AuditEvents.UnmaskRevealed, "UnmaskResponse"),
                (AuditEvents.RoundResult, "GlobalModel"),
            })
            {
                var record = Assert.Single(records, r => r.Event == stage);
                Assert.Equal(type, record.Attrs[AuditAttrs.Type]);
                Assert.Equal(record.Attrs[AuditAttrs.From] == node ? AuditedRound.ResearcherId : node, record.Attrs[AuditAttrs.To]);
                Assert.DoesNotContain(records, r => r.Event is AuditEvents.MessageSent or AuditEvents.MessageReceived && r.Attrs[AuditAttrs.Type] == type);
            }
        }
    }

    [Fact]
    public void ANodesStep_IsOneRecord_WithTheMessageItReceivedUnderItsPrefix_AndReadsAsTheRecordsItReplaces()
    {
        using var steps = new AuditedRound(3);
        Assert.True(steps.Run(steps.Config()).Completed);
        steps.CloseTrails();
        using var apart = new AuditedRound(3) { NodeSteps = false };
        Assert.True(apart.Run(apart.Config()).Completed);
        apart.CloseTrails();

        foreach (var node in steps.Sim.NodeIds)
        {
            var raw = RawRecords(steps.TrailOf(node));
            // trail.start, five steps (each a message received and the reply it caused), round.result.
            Assert.Equal(
                [(AuditEvents.TrailStart, null), (AuditEvents.KeysAdvertised, AuditEvents.RoundStart), (AuditEvents.MessageSent, AuditEvents.MessageReceived),
                 (AuditEvents.MessageSent, AuditEvents.MessageReceived), (AuditEvents.ConsistencySigned, AuditEvents.SurvivorsSeen),
                 (AuditEvents.UnmaskRevealed, AuditEvents.UnmaskRequested), (AuditEvents.RoundResult, null)],
                raw.Select(r => (r.Event, r.Attrs.GetValueOrDefault(AuditAttrs.ReceivedEvent))));
            var shares = raw[3];
            Assert.Equal(("MaskedInput", "ForwardedShares", AuditedRound.ResearcherId, node),
                (shares.Attrs[AuditAttrs.Type], shares.Attrs[AuditAttrs.Received(AuditAttrs.Type)], shares.Attrs[AuditAttrs.Received(AuditAttrs.From)], shares.Attrs[AuditAttrs.Received(AuditAttrs.To)]));
            Assert.True(shares.Attrs.ContainsKey(AuditAttrs.Received(AuditAttrs.Relayed))); // the received message's own evidence, whole

            // Read back, the steps are the records a node wrote one per message: same events, types, peers and attribute names.
            static IEnumerable<string> Shape(IEnumerable<Entry> records) =>
                records.Select(r => $"{r.Event} {r.Attrs.GetValueOrDefault(AuditAttrs.Type)} {r.Attrs.GetValueOrDefault(AuditAttrs.From)}>{r.Attrs.GetValueOrDefault(AuditAttrs.To)} [{string.Join(',', r.Attrs.Keys.Order(StringComparer.Ordinal))}]");
            Assert.Equal(Shape(Records(apart.TrailOf(node))), Shape(Records(steps.TrailOf(node))));
        }
        Assert.True(AuditVerifier.Verify(steps.Trails, steps.Sim.Roster, steps.Researcher.PublicKey).Clean);
    }

    private sealed record Entry(string Event, Dictionary<string, string> Attrs);

    // As the verifier reads them: a node's step record (AuditStep) as the message it received, then the reply.
    private static List<Entry> Records(string trail) =>
        RawRecords(trail).SelectMany(r => r.Attrs.TryGetValue(AuditAttrs.ReceivedEvent, out var received)
            ? new[]
            {
                new Entry(received, r.Attrs.Where(a => a.Key != AuditAttrs.ReceivedEvent && a.Key.StartsWith(AuditAttrs.ReceivedPrefix, StringComparison.Ordinal))
                    .ToDictionary(a => a.Key[AuditAttrs.ReceivedPrefix.Length..], a => a.Value, StringComparer.Ordinal)),
                new Entry(r.Event, r.Attrs.Where(a => !a.Key.StartsWith(AuditAttrs.ReceivedPrefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal)),
            }
            : [r]).ToList();

    private static List<Entry> RawRecords(string trail) =>
        File.ReadLines(trail).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(r => new Entry(r.GetProperty("event").GetString()!,
                r.GetProperty("attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)))
            .ToList();

    private sealed record Message(bool Sent, string Type, Dictionary<string, string> Attrs);

    // Every record that carries a message (message.sent and .received, and stage records that are a message too); sent when its writer is the sender.
    private static List<Message> Messages(string trail) =>
        File.ReadLines(trail).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("attrs").TryGetProperty(AuditAttrs.Type, out _))
            .Select(r => new Message(
                r.GetProperty("attrs").GetProperty(AuditAttrs.From).GetString() == r.GetProperty("participant").GetString(),
                r.GetProperty("attrs").GetProperty(AuditAttrs.Type).GetString()!,
                r.GetProperty("attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)))
            .ToList();
}
