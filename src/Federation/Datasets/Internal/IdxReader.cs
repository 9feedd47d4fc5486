using System.Buffers.Binary;
using System.IO.Compression;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// The IDX container: two zero bytes, a type code (only 0x08, unsigned byte, is accepted), a dimension count,
/// that many big-endian 32-bit sizes, then exactly the product of the sizes in bytes.
/// </summary>
internal static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    internal sealed record IdxArray(int[] Dimensions, byte[] Data);

    public static IdxArray Read(string path, int expectedDimensions)
    {
        using var file = File.OpenRead(path);
        bool gzip = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path, expectedDimensions, gzip ? null : file.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"the gzip stream is corrupt ({e.Message})");
        }
    }

    private static IdxArray Read(Stream stream, string path, int expectedDimensions, long? fileLength)
    {
        Span<byte> magic = stackalloc byte[4];
        if (!TryReadExactly(stream, magic))
        {
            throw new DatasetFormatException(path, "shorter than the 4-byte IDX magic number");
        }
        uint magicValue = BinaryPrimitives.ReadUInt32BigEndian(magic);
        uint expectedMagic = (uint)(UnsignedByteType << 8 | expectedDimensions);
        if (magicValue != expectedMagic)
        {
            throw new DatasetFormatException(path,
                $"magic number 0x{magicValue:X8} is not 0x{expectedMagic:X8} (unsigned bytes, {expectedDimensions} dimension{(expectedDimensions == 1 ? "" : "s")})");
        }

        Span<byte> sizeBytes = stackalloc byte[4 * expectedDimensions];
        if (!TryReadExactly(stream, sizeBytes))
        {
            throw new DatasetFormatException(path, $"the header ends before its {expectedDimensions} dimension sizes");
        }
        var dimensions = new int[expectedDimensions];
        long total = 1;
        for (int d = 0; d < expectedDimensions; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes[(4 * d)..]);
            if (size == 0 || size > int.MaxValue)
            {
                throw new DatasetFormatException(path, $"dimension {d} has size {size}; it must be in [1, {int.MaxValue}]");
            }
            dimensions[d] = (int)size;
            total *= size;
            if (total > Array.MaxLength)
            {
                throw new DatasetFormatException(path, $"the declared sizes [{string.Join(", ", dimensions[..(d + 1)])}] exceed what one array can hold");
            }
        }

        long headerLength = 4 + 4L * expectedDimensions;
        if (fileLength is { } length && length - headerLength != total)
        {
            throw new DatasetFormatException(path, $"the header declares {total} data bytes but the file holds {length - headerLength}");
        }
        byte[] data = fileLength is null ? ReadCompressed(stream, path, total) : new byte[total];
        if (fileLength is not null && stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) != data.Length)
        {
            throw new DatasetFormatException(path, "the file changed while it was being read");
        }
        return new IdxArray(dimensions, data);
    }

    // A compressed stream's length is unknown until read, so grow with the data actually present instead of
    // trusting the header with one large allocation.
    private static byte[] ReadCompressed(Stream stream, string path, long total)
    {
        using var buffer = new MemoryStream((int)Math.Min(total, 1 << 24));
        var chunk = new byte[1 << 16];
        while (buffer.Length <= total)
        {
            int read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, total + 1 - buffer.Length));
            if (read == 0)
            {
                break;
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length < total)
        {
            throw new DatasetFormatException(path, $"the header declares {total} data bytes but the file holds {buffer.Length}");
        }
        if (buffer.Length > total)
        {
            throw new DatasetFormatException(path, $"the file holds more than the {total} data bytes its header declares");
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
