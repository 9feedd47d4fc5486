namespace FedBioMed.Federation;

/// <summary>A dataset file that cannot be read as declared; the message names the file and, where known, the line and column.</summary>
public sealed class DatasetFormatException : FormatException
{
    public DatasetFormatException(string path, string message)
        : base($"{Path.GetFileName(path)}: {message}")
    {
        FilePath = path;
    }

    public DatasetFormatException(string path, long line, string message)
        : base($"{Path.GetFileName(path)} line {line}: {message}")
    {
        FilePath = path;
        Line = line;
    }

    public DatasetFormatException(string path, long line, string column, string message)
        : base($"{Path.GetFileName(path)} line {line}, column '{column}': {message}")
    {
        FilePath = path;
        Line = line;
        Column = column;
    }

    /// <summary>The file as given to the loader.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of the offending record, when the error belongs to one.</summary>
    public long? Line { get; }

    /// <summary>Name of the offending column, when the error belongs to one.</summary>
    public string? Column { get; }
}
