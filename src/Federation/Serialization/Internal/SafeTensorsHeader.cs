using System.Buffers;
using System.Text.Json;

namespace FedBioMed.Federation.Internal;

/// <summary>The JSON header of a safetensors file: building it for writing, and parsing and checking it for reading.</summary>
internal static class SafeTensorsHeader
{
    internal sealed record Entry(string Name, long[] Shape, long Begin, long End);

    private const string MetadataKey = "__metadata__";

    public static byte[] Build(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                if (string.IsNullOrEmpty(tensor.Name) || tensor.Name == MetadataKey || !names.Add(tensor.Name))
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' is empty, reserved or repeated", nameof(tensors));
                }
                long elements = tensor.Shape.Aggregate(1L, (a, d) => d < 0 ? throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension") : a * d);
                if (elements != tensor.Data.Length)
                {
                    throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.Data.Length} values for shape [{string.Join(", ", tensor.Shape)}]", nameof(tensors));
                }
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + elements * sizeof(float));
                json.WriteEndArray();
                json.WriteEndObject();
                offset += elements * sizeof(float);
            }
            json.WriteEndObject();
        }
        // Spaces up to a multiple of 8 keep the data section aligned for readers that map the file.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    public static (List<Entry> Entries, Dictionary<string, string> Metadata) Parse(byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.AsMemory().TrimEnd((byte)' '), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"safetensors: the header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("safetensors: the header is not a JSON object");
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new InvalidDataException($"safetensors: '{property.Name}' appears twice in the header");
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value));
                }
            }
            // The data section must be tiled exactly: no gaps, no overlaps, in offset order.
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long expectedBegin = 0;
            foreach (var entry in entries)
            {
                if (entry.Begin != expectedBegin)
                {
                    throw new InvalidDataException($"safetensors: tensor '{entry.Name}' starts at {entry.Begin}, expected {expectedBegin} (offsets must tile the data without gaps or overlaps)");
                }
                expectedBegin = entry.End;
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("safetensors: __metadata__ must be an object of strings");
        }
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"safetensors: __metadata__.{item.Name} must be a string");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("dtype", out var dtype)
            || !element.TryGetProperty("shape", out var shapeElement)
            || !element.TryGetProperty("data_offsets", out var offsets))
        {
            throw new InvalidDataException($"safetensors: tensor '{name}' needs dtype, shape and data_offsets");
        }
        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "F32")
        {
            throw new InvalidDataException($"safetensors: tensor '{name}' has dtype {dtype.GetRawText()}; only \"F32\" is supported");
        }
        if (shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"safetensors: tensor '{name}' shape must be an array");
        }
        var shape = new List<long>();
        long elements = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long size) || size < 0 || size > int.MaxValue)
            {
                throw new InvalidDataException($"safetensors: tensor '{name}' has an invalid dimension {d.GetRawText()}");
            }
            shape.Add(size);
            elements *= size;
            if (elements > Array.MaxLength)
            {
                throw new InvalidDataException($"safetensors: tensor '{name}' has more elements than one array can hold");
            }
        }
        if (offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"safetensors: tensor '{name}' data_offsets must be [begin, end] with 0 <= begin <= end");
        }
        if (end - begin != elements * sizeof(float))
        {
            throw new InvalidDataException(
                $"safetensors: tensor '{name}' of shape [{string.Join(", ", shape)}] needs {elements * sizeof(float)} bytes, data_offsets give {end - begin}");
        }
        return new Entry(name, [.. shape], begin, end);
    }
}
