using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly SafeTensor[] Two =
    [
        new("layer.weight", [2, 3], new float[] { 1, 2, 3, 4, 5, 6 }),
        new("layer.bias", [2], new float[] { -0.5f, float.Epsilon }),
    ];

    private static byte[] Serialize(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    [Fact]
    public void Write_Header_IsPaddedJsonWithContiguousOffsets()
    {
        var bytes = Serialize(Two, new Dictionary<string, string> { ["plan"] = "abc" });

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal((long)(8 + headerLength + 8 * 4), bytes.Length);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var root = header.RootElement;
        Assert.Equal("abc", root.GetProperty("__metadata__").GetProperty("plan").GetString());
        var weight = root.GetProperty("layer.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal([2L, 3L], weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([0L, 24L], weight.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([24L, 32L], root.GetProperty("layer.bias").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        // Data is raw little-endian float32 right after the header.
        Assert.Equal(5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)headerLength + 16)));
    }

    [Fact]
    public void Read_WhatWriteWrote_GivesTheSameTensorsAndMetadata()
    {
        var bytes = Serialize(Two, new Dictionary<string, string> { ["format"] = "pt" });

        var file = SafeTensors.Read(new MemoryStream(bytes));

        Assert.Equal(["layer.weight", "layer.bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2L, 3L], file.Tensors[0].Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.Tensors[0].Data.ToArray());
        Assert.Equal([-0.5f, float.Epsilon], file.Tensors[1].Data.ToArray());
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Read_HandWrittenFile_AsPythonWouldWriteIt()
    {
        // Header keys in another order and no padding, as other writers may produce.
        const string Header = """{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""";
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)Header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(Header));
        bytes.AddRange(BitConverter.GetBytes(1.5f));
        bytes.AddRange(BitConverter.GetBytes(-2f));

        var file = SafeTensors.Read(new MemoryStream([.. bytes]));

        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name));
        Assert.Empty(file.Tensors[0].Shape);
        Assert.Equal([1.5f], file.Tensors[0].Data.ToArray());
        Assert.Equal([-2f], file.Tensors[1].Data.ToArray());
    }

    public static TheoryData<string, string> BadHeaders => new()
    {
        { """{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", "only \"F32\" is supported" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "needs 8 bytes, data_offsets give 4" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "starts at 4, expected 0" },
        { """{"a":{"dtype":"F32","shape":[1]}}""", "needs dtype, shape and data_offsets" },
        { """{"a":""", "the header is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Read_BadHeader_SaysWhatIsWrong(string header, string expected)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]);

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream([.. bytes])));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_TruncatedData_IsRejected()
    {
        var bytes = Serialize(Two);

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(bytes[..^1])));

        Assert.Contains("ends inside tensor 'layer.bias'", error.Message);
    }

    [Fact]
    public void Read_HugeHeaderLength_IsRejectedBeforeAllocating()
    {
        var bytes = BitConverter.GetBytes(ulong.MaxValue);

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(bytes)));

        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void SaveAndLoad_WithLayout_RoundTripsAndChecksShapes()
    {
        ParameterEntry[] layout = [new("w", [2, 2], 0, 4), new("b", [2], 4, 2)];
        float[] parameters = [1, 2, 3, 4, 5, 6];
        string path = _temp.File("model.safetensors");

        SafeTensors.Save(path, layout, parameters);

        Assert.Equal(parameters, SafeTensors.Load(path, layout));
        ParameterEntry[] other = [new("w", [4], 0, 4), new("b", [2], 4, 2)];
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, other));
        Assert.Equal("model.safetensors: tensor 'w' has shape [2, 2], the model expects [4]", error.Message);
    }
}
