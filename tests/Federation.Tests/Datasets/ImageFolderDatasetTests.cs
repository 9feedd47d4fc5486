using System.Text;
using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Datasets;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteImage(string className, string fileName, string header, byte[] raster)
    {
        string directory = Path.Combine(_temp.Path, className);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(header), .. raster]);
        return path;
    }

    [Fact]
    public void Load_PgmFolders_GiveClassesInOrdinalOrderAndScaledPixels()
    {
        WriteImage("dog", "b.pgm", "P5\n2 2\n255\n", [0, 51, 102, 255]);
        WriteImage("cat", "a.pgm", "P5 # a comment\n2 2\n255\n", [255, 0, 0, 0]);
        WriteImage("dog", "a.pgm", "P5\n2\n2\n255\n", [10, 20, 30, 40]);

        var data = ImageFolderDataset.Load(_temp.Path);

        Assert.Equal(["cat", "dog"], data.ClassNames);
        Assert.Equal([1, 2, 2], data.FeatureShape);
        Assert.Equal([0, 1, 1], data.Labels.ToArray());
        Assert.Equal([1f, 0f, 0f, 0f], data.GetFeatures(0).ToArray());
        Assert.Equal(10 / 255f, data.GetFeatures(1)[0]);
        Assert.Equal([0f, 0.2f, 0.4f, 1f], data.GetFeatures(2).ToArray());
    }

    [Fact]
    public void Load_Ppm_IsChannelMajor()
    {
        // Two pixels: (R,G,B) = (255,0,0) and (0,0,255).
        WriteImage("red-blue", "x.ppm", "P6\n2 1\n255\n", [255, 0, 0, 0, 0, 255]);
        WriteImage("other", "y.ppm", "P6\n2 1\n255\n", [0, 0, 0, 0, 0, 0]);

        var data = ImageFolderDataset.Load(_temp.Path);

        Assert.Equal([3, 1, 2], data.FeatureShape);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f], data.GetFeatures(1).ToArray());
    }

    [Fact]
    public void Load_SixteenBitPgm_IsBigEndianScaledByMaxval()
    {
        WriteImage("a", "x.pgm", "P5\n2 1\n1000\n", [0x01, 0xF4, 0x03, 0xE8]);

        var data = ImageFolderDataset.Load(_temp.Path);

        Assert.Equal([0.5f, 1f], data.GetFeatures(0).ToArray());
    }

    [Fact]
    public void Load_ImagesOfDifferentSizes_NameBothFiles()
    {
        WriteImage("a", "first.pgm", "P5\n2 2\n255\n", [1, 2, 3, 4]);
        WriteImage("b", "second.pgm", "P5\n1 2\n255\n", [1, 2]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));

        Assert.Equal("second.pgm: 1×2×1 differs from 1×2×2 of first.pgm; every image must have the same size and channels", error.Message);
    }

    [Fact]
    public void Load_UnsupportedFile_IsAnErrorNotSkipped()
    {
        WriteImage("a", "x.pgm", "P5\n1 1\n255\n", [1]);
        WriteImage("a", "y.png", "\x89PNG", []);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));

        Assert.StartsWith("y.png: unsupported image format", error.Message);
    }

    [Fact]
    public void Load_AsciiPgm_IsRejectedWithItsName()
    {
        WriteImage("a", "x.pgm", "P2\n1 1\n255\n1\n", []);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));

        Assert.Equal("x.pgm: not a binary PGM (P5) or PPM (P6) image", error.Message);
    }

    [Fact]
    public void Load_ShortRaster_ReportsSizes()
    {
        WriteImage("a", "x.pgm", "P5\n2 2\n255\n", [1, 2, 3]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));

        Assert.Equal("x.pgm: a 2×2 image needs 4 raster bytes but the file holds 3", error.Message);
    }

    [Fact]
    public void Load_SampleAboveMaxval_IsRejected()
    {
        WriteImage("a", "x.pgm", "P5\n1 1\n100\n", [101]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));

        Assert.Equal("x.pgm: sample 101 at pixel 0 exceeds maxval 100", error.Message);
    }

    [Fact]
    public void Load_NoClassFolders_IsRejected()
    {
        var error = Assert.Throws<DatasetFormatException>(() => ImageFolderDataset.Load(_temp.Path));
        Assert.Contains("no class subfolders", error.Message);
    }
}
