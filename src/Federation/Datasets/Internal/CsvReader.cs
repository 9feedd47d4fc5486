using System.Text;

namespace FedBioMed.Federation.Internal;

/// <summary>
/// RFC 4180 records from a text stream: quoted fields may hold the delimiter, doubled quotes and line breaks.
/// Each record carries the 1-based line on which it starts, so errors can point at the file.
/// </summary>
internal sealed class CsvReader
{
    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly string _path;
    private long _line = 1;

    public CsvReader(TextReader reader, char delimiter, string path)
    {
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"Delimiter {delimiter switch { '"' => "'\"'", '\r' => "'\\r'", _ => "'\\n'" }} cannot separate CSV fields", nameof(delimiter));
        }
        _reader = reader;
        _delimiter = delimiter;
        _path = path;
    }

    /// <summary>The next non-blank record and the line it starts on; null at the end of the input.</summary>
    public (string[] Fields, long Line)? ReadRecord()
    {
        while (true)
        {
            if (_reader.Peek() < 0)
            {
                return null;
            }
            long start = _line;
            var fields = ReadFields();
            // A blank line (typically a trailing newline) is not a record.
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }
            return ([.. fields], start);
        }
    }

    private List<string> ReadFields()
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        bool wasQuoted = false;
        long recordLine = _line;
        while (true)
        {
            int next = _reader.Read();
            if (next < 0)
            {
                if (quoted)
                {
                    throw new DatasetFormatException(_path, recordLine, "a quoted field is never closed");
                }
                fields.Add(field.ToString());
                return fields;
            }
            char c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            if (c == _delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
            }
            else if (c == '\r' || c == '\n')
            {
                if (c == '\r' && _reader.Peek() == '\n')
                {
                    _reader.Read();
                }
                _line++;
                fields.Add(field.ToString());
                return fields;
            }
            else if (c == '"')
            {
                if (wasQuoted || field.ToString().Trim().Length > 0)
                {
                    throw new DatasetFormatException(_path, _line, "a quote inside an unquoted field (quote the whole field and double inner quotes)");
                }
                field.Clear();
                quoted = true;
                wasQuoted = true;
            }
            else
            {
                if (wasQuoted && !char.IsWhiteSpace(c))
                {
                    throw new DatasetFormatException(_path, _line, "text after the closing quote of a field");
                }
                field.Append(c);
            }
        }
    }
}
