using System.Globalization;
using FedBioMed.Cli.Demo;

namespace FedBioMed.Cli;

/// <summary>The `fedbiomed` command: parses the verb and hands over to the command's file.</summary>
internal static class CommandLine
{
    public const string Usage = """
        fedbiomed — federated learning with secure aggregation

        Usage:
          fedbiomed demo [--nodes N] [--rounds R] [--no-secagg] [--dp] [--audit-dir DIR] [--prometheus URL [--prometheus-wait S]]
              In-process federation: a researcher and N hospitals (default 3) on loopback gRPC,
              Breast Cancer Wisconsin split non-IID, secure aggregation on. Ends with `final accuracy: A`.
              --dp adds DP-SGD on every node (target ε = 3, δ = 1e-5; each node's policy caps ε at 3.3) and prints `epsilon: E` after each round.
              --audit-dir writes one signed audit trail per participant into DIR (keys/ holds the roster and researcher key).
              --prometheus http://127.0.0.1:PORT serves the researcher's metrics at /metrics (loopback only) and, after
              the run, waits up to S seconds (default 60) for a scrape of the final figures.
              Telemetry: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (standard OTEL_* variables), console when
              FEDBIOMED_TELEMETRY_CONSOLE=1.
          fedbiomed node start [--config FILE]
              Run a node as a service (settings in FILE, FEDBIOMED_Node__* variables, --Node:Key=value).
              --Node:Telemetry:Prometheus=true serves its metrics at http://127.0.0.1:9464/metrics (Node:Telemetry:PrometheusUrl).
          fedbiomed node identity --data-dir DIR --id NODE_ID
              Create (once) and print the node's identity public key for the federation roster.
          fedbiomed node dataset add --data-dir DIR --id ID --tags T1,T2 (--csv FILE --target COLUMN | --idx IMAGES --labels LABELS | --images DIR)
          fedbiomed node dataset list|remove --data-dir DIR [ID]
          fedbiomed node plans list --data-dir DIR
          fedbiomed node plans approve|reject --data-dir DIR HASH
          fedbiomed researcher run --experiment FILE --roster FILE [--listen URL] [--wait-seconds S] [--send-timeout-seconds S] [--output DIR]
                  [--identity-key FILE --audit-dir DIR [--run-id ID]]
              Host the researcher's gRPC server, wait for the nodes, run the experiment in FILE. With --audit-dir it
              writes its signed trail (key in FILE, created on first use) for run ID (default: a fresh one); it sends the run
              id to every node it admits, and nodes with Node:AuditDirectory keep one trail per run (NODE.RUN.audit.jsonl).
              A node with Node:AuditRunId set refuses a researcher of any other run. A node that stops reading its stream
              is dropped once a message to it has waited --send-timeout-seconds (default 60) for room in its queue.
          fedbiomed audit verify [--roster FILE] [--researcher-key HEX] TRAIL...
              Check a run's signed audit trails (files, or folders of *.jsonl): one FINDING line per violation, exit 1 if any.
          fedbiomed privacy epsilon --noise-multiplier Z --rounds T --delta D [--sampling-rate Q]
              ε after T rounds (or steps) of the Gaussian mechanism with noise multiplier Z, each on a Poisson
              sample at rate Q (default 1; a fraction like 256/60000 is accepted), by RDP accounting.
          fedbiomed privacy noise-multiplier --epsilon E --rounds T --delta D [--sampling-rate Q]
              The smallest noise multiplier that keeps ε at most E after T rounds.
          fedbiomed --help
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return args switch
            {
                [] or ["--help"] or ["-h"] or ["help"] => Help(output),
                ["demo", .. var rest] => await DemoCommand.RunAsync(DemoArguments.Parse(rest), output, cancel.Token).ConfigureAwait(false),
                ["node", .. var rest] => await Commands.NodeCommands.RunAsync(rest, output, cancel.Token).ConfigureAwait(false),
                ["researcher", .. var rest] => await Commands.ResearcherCommands.RunAsync(rest, output, cancel.Token).ConfigureAwait(false),
                ["privacy", .. var rest] => await Commands.PrivacyCommands.RunAsync(rest, output, cancel.Token).ConfigureAwait(false),
                ["audit", .. var rest] => await Commands.AuditCommands.RunAsync(rest, output, cancel.Token).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{string.Join(' ', args)}'"),
            };
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            error.WriteLine("Run `fedbiomed --help` for the commands.");
            return 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FileNotFoundException or InvalidOperationException or TimeoutException)
        {
            error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return 0;
    }
}

/// <summary>A command line that does not fit the usage.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>--name value pairs, flags and positional arguments, with errors that name the option.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args, IReadOnlyCollection<string>? flags = null)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                options.Positional.Add(arg);
                continue;
            }
            if (flags?.Contains(arg) == true)
            {
                options._flags.Add(arg);
                continue;
            }
            if (i + 1 >= args.Length) throw new UsageException($"option {arg} needs a value");
            if (!options._values.TryAdd(arg, args[++i])) throw new UsageException($"option {arg} is given twice");
        }
        return options;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Get(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) => Get(name) ?? throw new UsageException($"option {name} is required");

    public int Int(string name, int fallback, int min)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"option {name}: '{text}' must be an integer of at least {min}");
        return value;
    }

    /// <summary>Refuses options nobody asked for (typos would otherwise be ignored silently).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new UsageException($"unknown option {string.Join(", ", unknown)}");
    }
}
