using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>
/// Loads images laid out as one subfolder per class (<c>root/&lt;class&gt;/&lt;image&gt;</c>), the layout
/// torchvision's ImageFolder reads. Supported: binary PGM (P5) and PPM (P6), extensions .pgm, .ppm, .pnm.
/// </summary>
public static class ImageFolderDataset
{
    private static readonly string[] Extensions = [".pgm", ".ppm", ".pnm"];

    /// <summary>
    /// Reads every image under <paramref name="root"/> into a dataset of shape <c>[channels, height, width]</c>,
    /// samples scaled to [0, 1].
    /// </summary>
    /// <remarks>
    /// Classes are the subfolder names in ordinal order; images within a class are read in ordinal file-name
    /// order, so the dataset is the same on every run. Hidden entries (names starting with '.') are skipped;
    /// any other file with an unsupported extension is an error rather than silently left out.
    /// </remarks>
    /// <exception cref="DatasetFormatException">An image cannot be decoded or differs in size or channels from the first.</exception>
    public static LabeledDataset Load(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist");
        }
        string[] classDirectories = [.. Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)];
        if (classDirectories.Length == 0)
        {
            throw new DatasetFormatException(root, "no class subfolders (expected root/<class>/<image>)");
        }

        var features = new List<float>();
        var labels = new List<int>();
        NetpbmImage? first = null;
        string? firstPath = null;
        for (int label = 0; label < classDirectories.Length; label++)
        {
            string[] files = [.. Directory.GetFiles(classDirectories[label])
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal)];
            if (files.Length == 0)
            {
                throw new DatasetFormatException(classDirectories[label], "class folder holds no images");
            }
            foreach (string file in files)
            {
                if (!Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                {
                    throw new DatasetFormatException(file, $"unsupported image format (supported: binary PGM/PPM, {string.Join(", ", Extensions)})");
                }
                var image = NetpbmImage.Decode(file);
                if (first is null)
                {
                    first = image;
                    firstPath = file;
                }
                else if (image.Channels != first.Channels || image.Height != first.Height || image.Width != first.Width)
                {
                    throw new DatasetFormatException(file,
                        $"{image.Channels}×{image.Height}×{image.Width} differs from {first.Channels}×{first.Height}×{first.Width} of {Path.GetFileName(firstPath)}; every image must have the same size and channels");
                }
                features.AddRange(image.Planes);
                labels.Add(label);
            }
        }
        return new LabeledDataset([.. features], [.. labels], [first!.Channels, first.Height, first.Width],
            [.. classDirectories.Select(d => Path.GetFileName(d)!)]);
    }
}
