namespace FedBioMed.Federation.Tests.Audit;

/// <summary>What an attacker with write access to a trail file can do to it.</summary>
internal static class TrailEdits
{
    public static List<string> Lines(string path) => File.ReadAllLines(path).ToList();

    public static void Write(string path, IEnumerable<string> lines) => File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Index of the first line whose event, or whose received message's event (a step record, <see cref="FedBioMed.Federation.Audit.AuditStep"/>), is <paramref name="event"/>.</summary>
    public static int IndexOf(string path, string @event) =>
        Lines(path).FindIndex(l => l.Contains($"event\":\"{@event}\"", StringComparison.Ordinal));

    public static void Edit(string path, int index, Func<string, string> change)
    {
        var lines = Lines(path);
        var changed = change(lines[index]);
        Assert.NotEqual(lines[index], changed);
        lines[index] = changed;
        Write(path, lines);
    }

    public static void Delete(string path, int index)
    {
        var lines = Lines(path);
        lines.RemoveAt(index);
        Write(path, lines);
    }

    public static void Swap(string path, int index)
    {
        var lines = Lines(path);
        (lines[index], lines[index + 1]) = (lines[index + 1], lines[index]);
        Write(path, lines);
    }

    public static void KeepFirst(string path, int count) => Write(path, Lines(path).Take(count));
}
