using System.Buffers.Binary;
using System.IO.Compression;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Datasets;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Idx(uint magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        }
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }

    private (string Images, string Labels) Write(byte[] images, byte[] labels, bool gzip = false)
    {
        string imagesPath = _temp.File(gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        string labelsPath = _temp.File(gzip ? "labels-idx1-ubyte.gz" : "labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, gzip ? Gzip(images) : images);
        File.WriteAllBytes(labelsPath, gzip ? Gzip(labels) : labels);
        return (imagesPath, labelsPath);
    }

    // Three 2×3 images whose pixels count up from 0, 6, 12; labels 2, 0, 1.
    private static byte[] ThreeImages => Idx(0x803, [3, 2, 3], [.. Enumerable.Range(0, 18).Select(i => (byte)(i * 15))]);

    private static byte[] ThreeLabels => Idx(0x801, [3], [2, 0, 1]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_GeneratedFiles_GivesScaledPixelsAndLabels(bool gzip)
    {
        var (images, labels) = Write(ThreeImages, ThreeLabels, gzip);

        var data = IdxDataset.Load(images, labels);

        Assert.Equal(3, data.Count);
        Assert.Equal([1, 2, 3], data.FeatureShape);
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        Assert.Equal([2, 0, 1], data.Labels.ToArray());
        Assert.Equal(6 * 15 / 255f, data.GetFeatures(1)[0]);
        Assert.Equal(1f, data.GetFeatures(2)[5]);
    }

    [Fact]
    public void Load_ImagesFileWithLabelMagic_NamesBothMagicNumbers()
    {
        var (images, labels) = Write(Idx(0x801, [3], [1, 2, 3]), ThreeLabels);

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));

        Assert.Equal("images-idx3-ubyte: magic number 0x00000801 is not 0x00000803 (unsigned bytes, 3 dimensions)", error.Message);
    }

    [Fact]
    public void Load_NonByteElementType_IsRejected()
    {
        var (images, labels) = Write(ThreeImages, Idx(0x0D01, [3], [0, 0, 0]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));

        Assert.Contains("magic number 0x00000D01 is not 0x00000801", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_TruncatedData_ReportsDeclaredAndActualSizes(bool gzip)
    {
        var truncated = ThreeImages[..^2];
        var (images, labels) = Write(truncated, ThreeLabels, gzip);

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));

        Assert.Contains("the header declares 18 data bytes but the file holds 16", error.Message);
    }

    [Fact]
    public void Load_TrailingBytes_AreRejected()
    {
        var (images, labels) = Write(ThreeImages, [.. ThreeLabels, 7]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));

        Assert.Contains("the header declares 3 data bytes but the file holds 4", error.Message);
    }

    [Fact]
    public void Load_LabelCountDiffersFromImageCount_IsRejected()
    {
        var (images, labels) = Write(ThreeImages, Idx(0x801, [2], [0, 1]));

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));

        Assert.Equal("labels-idx1-ubyte: 2 labels for 3 images in images-idx3-ubyte", error.Message);
    }

    [Fact]
    public void Load_LabelBeyondNamedClasses_IsRejected()
    {
        var (images, labels) = Write(ThreeImages, ThreeLabels);

        var error = Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels, ["a", "b"]));

        Assert.Contains("label 2 at index 0 is outside the 2 named classes", error.Message);
    }

    [Fact]
    public void Load_CorruptGzip_IsAFormatError()
    {
        var (images, labels) = Write(ThreeImages, ThreeLabels, gzip: true);
        var bytes = File.ReadAllBytes(images);
        bytes.AsSpan(12).Fill(0xFF);
        File.WriteAllBytes(images, bytes);

        Assert.Throws<DatasetFormatException>(() => IdxDataset.Load(images, labels));
    }

    [FashionMnistFact]
    public void Load_DebianFashionMnist_HasTheDocumentedSizes()
    {
        var test = IdxDataset.Load(FashionMnistFactAttribute.File("t10k-images-idx3-ubyte.gz"), FashionMnistFactAttribute.File("t10k-labels-idx1-ubyte.gz"));

        Assert.Equal(10_000, test.Count);
        Assert.Equal([1, 28, 28], test.FeatureShape);
        Assert.Equal(10, test.ClassCount);
        Assert.All(test.ClassCounts(), c => Assert.Equal(1_000, c));
    }
}

/// <summary>
/// A test on the real Fashion-MNIST files from Debian's dataset-fashion-mnist package, which .ci/run installs.
/// Where they are missing the test fails, naming the package: it is never skipped.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    public static string File(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: install Debian's dataset-fashion-mnist (.ci/run does)", path);
        return path;
    }
}
