using System.Globalization;
using FedBioMed.Federation.Audit.Verification;
using FedBioMed.Federation.Wire;

namespace FedBioMed.Cli.Commands;

/// <summary>`fedbiomed audit verify`: what an auditor runs over a run's trails.</summary>
internal static class AuditCommands
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return args switch
        {
            ["verify", .. var rest] => Task.FromResult(Verify(rest, output)),
            _ => throw new UsageException($"unknown audit command '{string.Join(' ', args)}' (expected: audit verify)"),
        };
    }

    private static int Verify(string[] args, TextWriter output)
    {
        var options = Options.Parse(args);
        var roster = options.Get("--roster") is { } rosterFile ? RosterFile.Load(rosterFile) : null;
        byte[]? researcherKey = null;
        if (options.Get("--researcher-key") is { } hex)
        {
            try
            {
                researcherKey = Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                throw new UsageException($"--researcher-key: '{hex}' is not hex");
            }
            if (researcherKey.Length != 32) throw new UsageException($"--researcher-key must be 32 bytes (64 hex digits), not {researcherKey.Length}");
        }
        options.RejectUnknown();
        if (options.Positional.Count == 0) throw new UsageException("audit verify needs at least one trail file (or a folder of *.jsonl trails)");

        var trails = options.Positional.SelectMany(Expand).ToArray();
        if (trails.Length == 0) throw new UsageException($"no trail files in {string.Join(", ", options.Positional)}");
        var report = AuditVerifier.Verify(trails, roster, researcherKey);
        foreach (var finding in report.Findings) output.WriteLine(finding.ToString());
        if (!report.Clean) return 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit: {report.Trails} trails, {report.Records} records, no findings"));
        return 0;
    }

    /// <summary>A folder stands for the trails in it; a file for itself.</summary>
    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path)
            ? Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal)
            : [path];
}
