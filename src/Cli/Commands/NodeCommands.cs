using FedBioMed.Federation;
using FedBioMed.Node;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedBioMed.Cli.Commands;

/// <summary>`fedbiomed node ...`: what a hospital's IT runs: the node service and its operator commands.</summary>
internal static class NodeCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        switch (args)
        {
            case ["start", .. var rest]:
                return await StartAsync(rest, cancellationToken).ConfigureAwait(false);
            case ["identity", .. var rest]:
            {
                var options = Options.Parse(rest);
                var dir = options.Required("--data-dir");
                var id = options.Required("--id");
                options.RejectUnknown();
                using var identity = IdentityKeyFile.LoadOrCreate(id, Path.Combine(dir, "identity.key"));
                output.WriteLine($"{identity.Id} {Convert.ToHexStringLower(identity.PublicKey)}");
                return 0;
            }
            case ["dataset", "add", .. var rest]:
            {
                var options = Options.Parse(rest);
                var store = Datasets(options);
                var id = options.Required("--id");
                var tags = options.Required("--tags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                DatasetRegistration registration;
                if (options.Get("--csv") is { } csv)
                    registration = new DatasetRegistration(id, tags, DatasetKind.Csv, Existing(csv), TargetColumn: options.Required("--target"));
                else if (options.Get("--idx") is { } idx)
                    registration = new DatasetRegistration(id, tags, DatasetKind.Idx, Existing(idx), LabelsLocation: Existing(options.Required("--labels")));
                else if (options.Get("--images") is { } images)
                    registration = new DatasetRegistration(id, tags, DatasetKind.ImageFolder, Directory.Exists(images) ? Path.GetFullPath(images) : throw new UsageException($"--images: folder '{images}' does not exist"));
                else
                    throw new UsageException("dataset add needs one of --csv, --idx or --images");
                options.RejectUnknown();
                store.Add(registration);
                output.WriteLine($"added dataset '{id}' ({registration.Kind}) with tags {string.Join(", ", tags)}");
                return 0;
            }
            case ["dataset", "list", .. var rest]:
            {
                var options = Options.Parse(rest);
                var store = Datasets(options);
                options.RejectUnknown();
                foreach (var d in store.List()) output.WriteLine($"{d.Id}\t{d.Kind}\t{string.Join(',', d.Tags)}\t{d.Location}");
                return 0;
            }
            case ["dataset", "remove", .. var rest]:
            {
                var options = Options.Parse(rest);
                var store = Datasets(options);
                options.RejectUnknown();
                var id = options.Positional.SingleOrDefault() ?? throw new UsageException("dataset remove needs the dataset id");
                if (!store.Remove(id)) throw new UsageException($"no dataset with id '{id}'");
                output.WriteLine($"removed dataset '{id}'");
                return 0;
            }
            case ["plans", "list", .. var rest]:
            {
                var options = Options.Parse(rest);
                var plans = Plans(options);
                options.RejectUnknown();
                foreach (var p in plans.List()) output.WriteLine($"{p.Hash}\t{p.Status}\t{p.UpdatedAt:u}\t{p.Json}");
                return 0;
            }
            case ["plans", var verb, .. var rest] when verb is "approve" or "reject":
            {
                var options = Options.Parse(rest);
                var plans = Plans(options);
                options.RejectUnknown();
                var hash = options.Positional.SingleOrDefault() ?? throw new UsageException($"plans {verb} needs the plan hash");
                if (!plans.SetStatus(hash, verb == "approve" ? PlanStatus.Approved : PlanStatus.Rejected))
                    throw new UsageException($"no plan with hash '{hash}' has been seen by this node (it is recorded when a researcher first asks for it)");
                output.WriteLine($"plan {hash}: {(verb == "approve" ? "approved" : "rejected")}");
                return 0;
            }
            default:
                throw new UsageException($"unknown node command '{string.Join(' ', args)}'");
        }
    }

    private static async Task<int> StartAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--config").ToArray());
        var config = Array.IndexOf(args, "--config");
        if (config >= 0)
        {
            if (config + 1 >= args.Length || !File.Exists(args[config + 1])) throw new UsageException("--config needs an existing settings file");
            builder.Configuration.AddJsonFile(Path.GetFullPath(args[config + 1]), optional: false);
        }
        // Later sources win: the settings file, then FEDBIOMED_ variables (also without a file, as in containers), then the command line.
        builder.Configuration.AddEnvironmentVariables("FEDBIOMED_");
        builder.Configuration.AddCommandLine(args.Where((a, i) => config < 0 || (i != config && i != config + 1)).ToArray());
        builder.Services.AddFedBioMedNode(builder.Configuration);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static DatasetStore Datasets(Options options) => new(Database(options), TimeProvider.System);

    private static PlanStore Plans(Options options) => new(Database(options), TimeProvider.System);

    private static NodeDatabase Database(Options options) => new(Path.Combine(options.Required("--data-dir"), "node.db"));

    private static string Existing(string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new UsageException($"file '{path}' does not exist");
}
