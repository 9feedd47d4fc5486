using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Aggregation.Simulation;
using FedBioMed.Federation.Wire;
using Google.Protobuf;

namespace FedBioMed.Federation.Tests;

public sealed class WireTests
{
    [Fact]
    public void Chunker_SplitsA30MegabytePayloadIntoMebibyteChunks_AndAssemblerRestoresIt()
    {
        var payload = new byte[30_000_123];
        new Random(1).NextBytes(payload); // test data only
        var chunks = PayloadChunker.Split("t", PayloadKind.GlobalModel, payload).ToArray();

        Assert.All(chunks, c => Assert.True(c.Data.Length <= PayloadChunker.MaxChunkBytes));
        Assert.All(chunks, c => Assert.True(c.CalculateSize() < 2 * PayloadChunker.MaxChunkBytes));
        Assert.Equal(29, chunks.Length);
        Assert.Single(chunks, c => c.Last);
        var assembler = new PayloadAssembler("t", long.MaxValue);
        byte[]? whole = null;
        foreach (var chunk in chunks) whole = assembler.Add(chunk);
        Assert.Equal(payload, whole);
    }

    [Fact]
    public void Assembler_RefusesOutOfOrderTamperedOrOversizedPayloads()
    {
        var payload = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var chunks = PayloadChunker.Split("t", PayloadKind.MaskedInput, payload, chunkBytes: 1000).ToArray();

        var reordered = new PayloadAssembler("t", 10_000);
        Assert.Contains("out of order", Assert.Throws<InvalidDataException>(() => reordered.Add(chunks[1])).Message);

        var tampered = new PayloadAssembler("t", 10_000);
        tampered.Add(chunks[0]);
        var bad = chunks[1].Clone();
        bad.Data = ByteString.CopyFrom(Enumerable.Repeat((byte)7, 1000).ToArray());
        tampered.Add(bad);
        Assert.Contains("SHA-256", Assert.Throws<InvalidDataException>(() => tampered.Add(chunks[2])).Message);

        var small = new PayloadAssembler("t", 2000);
        Assert.Contains("limit is 2000", Assert.Throws<InvalidDataException>(() => small.Add(chunks[0])).Message);

        var other = new PayloadAssembler("u", 10_000);
        Assert.Throws<InvalidDataException>(() => other.Add(chunks[0]));
    }

    [Fact]
    public void SecAggMessages_SurviveTheWireUnchanged()
    {
        using var sim = new SecAggSimulation(3);
        var config = sim.CreateConfig("exp", 4, 2, 2, 8, 32, 1000);
        var captured = new List<SecAggMessage>();
        var inputs = sim.NodeIds.ToDictionary(id => id, _ => new byte[config.VectorBytes]);
        var outcome = sim.Run(config, id => inputs[id], new SimulationOptions
        {
            TamperServerMessage = (_, m) =>
            {
                captured.Add(m);
                var wire = ResearcherEnvelope.Parser.ParseFrom(SecAggWireMapper.ToWire(m).ToByteArray());
                return SecAggWireMapper.FromWire(wire)!; // the nodes only ever see what crossed the wire
            },
            ObserveClientMessage = m => captured.Add(m),
        });
        Assert.True(outcome.Completed, outcome.AbortReason);
        foreach (var client in captured.OfType<ClientMessage>().Where(m => m is not MaskedInput))
        {
            var back = SecAggWireMapper.FromWire(NodeEnvelope.Parser.ParseFrom(SecAggWireMapper.ToWire(client).ToByteArray()))!;
            Assert.Equal(client.GetType(), back.GetType());
            Assert.True(client.Header.Matches(back.Header));
            Assert.Equal(client.Sender, back.Sender);
        }
    }

    [Fact]
    public void Mapper_RefusesAMessageWithoutHeaderOrWithAnUnknownShareKind()
    {
        Assert.Throws<InvalidDataException>(() => SecAggWireMapper.FromWire(new ResearcherEnvelope { SurvivorSet = new SurvivorSetMsg() }));
        var envelope = new NodeEnvelope
        {
            UnmaskResponse = new UnmaskResponseMsg
            {
                Header = new RoundHeaderMsg { ExperimentId = "e", Round = 1, SessionId = ByteString.CopyFrom(new byte[32]) },
                Sender = "a",
                Shares = { new RevealedShareMsg { Owner = "b", Kind = 7, Index = 1, Value = ByteString.CopyFrom(new byte[48]) } },
            },
        };
        Assert.Contains("share kind 7", Assert.Throws<InvalidDataException>(() => SecAggWireMapper.FromWire(envelope)).Message);
    }

    [Fact]
    public void FeatureStatistics_OfParts_SumToThePooledMeanAndDeviation()
    {
        var random = new Random(4); // test data only
        LabeledDataset Part(int n) => new(Enumerable.Range(0, n * 3).Select(_ => (float)(random.NextDouble() * 1000)).ToArray(), new int[n], [3], ["x"]);
        var parts = new[] { Part(50), Part(70), Part(11) };
        var sum = new long[FeatureStatistics.VectorLength(3)];
        foreach (var part in parts)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(FeatureStatistics.Encode(part));
            for (var i = 0; i < sum.Length; i++) sum[i] += words[i];
        }
        var (mean, std, count) = FeatureStatistics.Decode(sum);

        Assert.Equal(131, count);
        var all = parts.SelectMany(p => p.Features.ToArray()).ToArray();
        for (var f = 0; f < 3; f++)
        {
            var column = all.Where((_, i) => i % 3 == f).Select(v => (double)v).ToArray();
            var m = column.Average();
            var s = Math.Sqrt(column.Average(v => (v - m) * (v - m)));
            Assert.Equal(m, mean[f], 2);
            Assert.Equal(s, std[f], 2);
        }
    }
}
