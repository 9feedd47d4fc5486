namespace FedBioMed.Federation.Internal;

/// <summary>
/// A decoded binary netpbm image (P5 greyscale PGM or P6 colour PPM, Poskanzer's netpbm format):
/// ASCII header "Pn width height maxval" with '#' comments, one whitespace byte, then raster rows of
/// 1 byte per sample when maxval &lt; 256, else 2 bytes big-endian.
/// </summary>
internal sealed class NetpbmImage
{
    private NetpbmImage(int channels, int height, int width, float[] planes)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Planes = planes;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Samples scaled by maxval into [0, 1], channel-major (C×H×W), the layout convolution layers expect.</summary>
    public float[] Planes { get; }

    public static NetpbmImage Decode(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int position = 0;
        if (bytes.Length < 2 || bytes[0] != (byte)'P' || (bytes[1] != (byte)'5' && bytes[1] != (byte)'6'))
        {
            throw new DatasetFormatException(path, "not a binary PGM (P5) or PPM (P6) image");
        }
        int channels = bytes[1] == (byte)'5' ? 1 : 3;
        position = 2;
        int width = ReadHeaderNumber(bytes, ref position, path, "width");
        int height = ReadHeaderNumber(bytes, ref position, path, "height");
        int maxValue = ReadHeaderNumber(bytes, ref position, path, "maxval");
        if (maxValue is < 1 or > 65535)
        {
            throw new DatasetFormatException(path, $"maxval {maxValue} must be in [1, 65535]");
        }
        if (position >= bytes.Length || !IsWhitespace(bytes[position]))
        {
            throw new DatasetFormatException(path, "the header must end with one whitespace byte before the raster");
        }
        position++;

        int bytesPerSample = maxValue < 256 ? 1 : 2;
        long samples = (long)width * height * channels;
        long expected = samples * bytesPerSample;
        if (bytes.Length - position < expected)
        {
            throw new DatasetFormatException(path, $"a {width}×{height} image needs {expected} raster bytes but the file holds {bytes.Length - position}");
        }

        var planes = new float[samples];
        int planeSize = width * height;
        for (int pixel = 0; pixel < planeSize; pixel++)
        {
            for (int c = 0; c < channels; c++)
            {
                int sampleIndex = pixel * channels + c;
                int value = bytesPerSample == 1
                    ? bytes[position + sampleIndex]
                    : bytes[position + 2 * sampleIndex] << 8 | bytes[position + 2 * sampleIndex + 1];
                if (value > maxValue)
                {
                    throw new DatasetFormatException(path, $"sample {value} at pixel {pixel} exceeds maxval {maxValue}");
                }
                planes[c * planeSize + pixel] = value / (float)maxValue;
            }
        }
        return new NetpbmImage(channels, height, width, planes);
    }

    private static int ReadHeaderNumber(byte[] bytes, ref int position, string path, string field)
    {
        while (position < bytes.Length)
        {
            if (bytes[position] == (byte)'#')
            {
                while (position < bytes.Length && bytes[position] != (byte)'\n' && bytes[position] != (byte)'\r')
                {
                    position++;
                }
            }
            else if (IsWhitespace(bytes[position]))
            {
                position++;
            }
            else
            {
                break;
            }
        }
        long value = 0;
        int start = position;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (bytes[position] - '0');
            if (value > 1 << 20)
            {
                throw new DatasetFormatException(path, $"header {field} is larger than {1 << 20}");
            }
            position++;
        }
        if (position == start || value == 0)
        {
            throw new DatasetFormatException(path, $"header {field} is missing or not a positive integer");
        }
        return (int)value;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}
