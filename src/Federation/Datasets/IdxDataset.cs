using FedBioMed.Federation.Internal;

namespace FedBioMed.Federation;

/// <summary>
/// Loads MNIST-style IDX files (LeCun's format): an unsigned-byte image file (magic 0x00000803, N×rows×cols)
/// and an unsigned-byte label file (magic 0x00000801, N). Either may be gzip-compressed; that is detected
/// from the content, not the file name.
/// </summary>
public static class IdxDataset
{
    /// <summary>
    /// Reads the pair into a dataset of shape <c>[1, rows, cols]</c> with pixels scaled to [0, 1].
    /// </summary>
    /// <param name="imagesPath">The <c>*-images-idx3-ubyte[.gz]</c> file.</param>
    /// <param name="labelsPath">The <c>*-labels-idx1-ubyte[.gz]</c> file.</param>
    /// <param name="classNames">
    /// Names of the classes in label order; null names them "0", "1", ... up to the largest label seen.
    /// Pass the names when a file may lack the last class, so that every node agrees on the class count.
    /// </param>
    /// <exception cref="DatasetFormatException">A magic number, size or label does not fit the format.</exception>
    public static LabeledDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);

        var images = IdxReader.Read(imagesPath, expectedDimensions: 3);
        var labels = IdxReader.Read(labelsPath, expectedDimensions: 1);
        int count = images.Dimensions[0];
        if (labels.Dimensions[0] != count)
        {
            throw new DatasetFormatException(labelsPath, $"{labels.Dimensions[0]} labels for {count} images in {Path.GetFileName(imagesPath)}");
        }

        int maxLabel = -1;
        for (int i = 0; i < labels.Data.Length; i++)
        {
            maxLabel = Math.Max(maxLabel, labels.Data[i]);
        }
        string[] names = classNames is null
            ? [.. Enumerable.Range(0, Math.Max(maxLabel + 1, 1)).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]
            : [.. classNames];
        if (maxLabel >= names.Length)
        {
            int at = Array.FindIndex(labels.Data, l => l >= names.Length);
            throw new DatasetFormatException(labelsPath, $"label {labels.Data[at]} at index {at} is outside the {names.Length} named classes");
        }

        var features = new float[images.Data.Length];
        // Byte intensities 0..255 become [0, 1] so that image models train well without a preprocessing step.
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = images.Data[i] / 255f;
        }
        var labelIndices = new int[count];
        for (int i = 0; i < count; i++)
        {
            labelIndices[i] = labels.Data[i];
        }
        return new LabeledDataset(features, labelIndices, [1, images.Dimensions[1], images.Dimensions[2]], names);
    }
}
