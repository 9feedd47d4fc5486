using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>
/// Hugging Face's safetensors format, float32 only, so PyTorch users can load a global model with
/// <c>safetensors.torch.load_file</c>: an 8-byte little-endian header length N, N bytes of JSON mapping each
/// tensor name to {"dtype":"F32","shape":[...],"data_offsets":[begin,end]} (offsets relative to the data
/// section, plus an optional "__metadata__" string map), padded with spaces to a multiple of 8, then the raw
/// little-endian tensor bytes back to back.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted, the reference implementation's limit (100 MB).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>Writes the tensors, in the given order, and the metadata to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        byte[] header = SafeTensorsHeader.Build(tensors, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in tensors)
        {
            WriteLittleEndian(stream, tensor.Data.Span);
        }
    }

    /// <summary>Reads a float32 safetensors file, checking the header against the data it describes.</summary>
    /// <exception cref="InvalidDataException">The header is malformed, uses another dtype, or its offsets do not tile the data.</exception>
    public static SafeTensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) != 8)
        {
            throw new InvalidDataException("safetensors: shorter than the 8-byte header length");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"safetensors: header length {headerLength} is outside [2, {MaxHeaderLength}]");
        }
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length)
        {
            throw new InvalidDataException($"safetensors: the file ends inside its {headerLength}-byte header");
        }
        var (entries, metadata) = SafeTensorsHeader.Parse(header);

        var tensors = new List<SafeTensor>(entries.Count);
        foreach (var entry in entries)
        {
            var data = new float[(entry.End - entry.Begin) / sizeof(float)];
            var target = MemoryMarshal.AsBytes(data.AsSpan());
            if (stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false) != target.Length)
            {
                throw new InvalidDataException($"safetensors: the data section ends inside tensor '{entry.Name}'");
            }
            if (!BitConverter.IsLittleEndian)
            {
                var words = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(words, words);
            }
            tensors.Add(new SafeTensor(entry.Name, entry.Shape, data));
        }
        if (stream.ReadByte() >= 0)
        {
            throw new InvalidDataException("safetensors: bytes follow the last tensor that the header does not describe");
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    /// <summary>Saves a flat parameter vector as one tensor per <paramref name="layout"/> entry.</summary>
    public static void Save(string path, IReadOnlyList<ParameterEntry> layout, ReadOnlyMemory<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(layout);
        int expected = layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length;
        if (parameters.Length != expected)
        {
            throw new ArgumentException($"parameters has {parameters.Length} values; the layout describes {expected}", nameof(parameters));
        }
        var tensors = layout.Select(e => new SafeTensor(e.Name, e.Shape, parameters.Slice(e.Offset, e.Length))).ToArray();
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(file, tensors, metadata);
    }

    /// <summary>Loads a file written for <paramref name="layout"/> back into a flat vector; names and shapes must match.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or holds a different model.</exception>
    public static float[] Load(string path, IReadOnlyList<ParameterEntry> layout)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(layout);
        SafeTensorsFile file;
        using (var stream = File.OpenRead(path))
        {
            file = Read(stream);
        }
        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var extra = byName.Keys.Except(layout.Select(e => e.Name), StringComparer.Ordinal).FirstOrDefault();
        if (extra is not null)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: tensor '{extra}' is not part of this model");
        }
        var parameters = new float[layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Length];
        foreach (var entry in layout)
        {
            if (!byName.TryGetValue(entry.Name, out var tensor))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: tensor '{entry.Name}' is missing");
            }
            if (!tensor.Shape.SequenceEqual(entry.Shape))
            {
                throw new InvalidDataException(
                    $"{Path.GetFileName(path)}: tensor '{entry.Name}' has shape [{string.Join(", ", tensor.Shape)}], the model expects [{string.Join(", ", entry.Shape)}]");
            }
            tensor.Data.Span.CopyTo(parameters.AsSpan(entry.Offset, entry.Length));
        }
        return parameters;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        var chunk = new int[Math.Min(values.Length, 1 << 14)];
        for (int start = 0; start < values.Length; start += chunk.Length)
        {
            int length = Math.Min(chunk.Length, values.Length - start);
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values.Slice(start, length)), chunk.AsSpan(0, length));
            stream.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, length)));
        }
    }
}
