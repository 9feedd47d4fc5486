using FedBioMed.Node.Storage;

namespace FedBioMed.Cli.Tests.Commands;

/// <summary>`fedbiomed node dataset|plans|identity` against a real node database in a temporary --data-dir.</summary>
public sealed class NodeOperatorCommandTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("fedbiomed-node-cli-").FullName;
    private static readonly string Csv = Path.Combine(AppContext.BaseDirectory, "data", "breast-cancer-wisconsin", "wdbc.csv");

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private Task<CliRun> Node(params string[] args) => CliRun.RunAsync(["node", .. args]);

    /// <summary>What a node records when a researcher first asks it to train a plan.</summary>
    private void ResearcherAsksFor(string hash, string json) =>
        new PlanStore(new NodeDatabase(Path.Combine(_dataDir, "node.db")), TimeProvider.System).RecordSeen(hash, json);

    private PlanStatus? StatusOf(string hash) =>
        new PlanStore(new NodeDatabase(Path.Combine(_dataDir, "node.db")), TimeProvider.System).StatusOf(hash);

    [Fact]
    public async Task DatasetAdd_ThenList_ShowsTheRegistrationWithItsFullPath()
    {
        var add = await Node("dataset", "add", "--data-dir", _dataDir, "--id", "bcw", "--tags", "breast-cancer, tabular", "--csv", Csv, "--target", "diagnosis");
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("added dataset 'bcw' (Csv) with tags breast-cancer, tabular", add.Output.Trim());

        var list = await Node("dataset", "list", "--data-dir", _dataDir);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal($"bcw\tCsv\tbreast-cancer,tabular\t{Path.GetFullPath(Csv)}", list.Output.Trim());
    }

    [Fact]
    public async Task DatasetAdd_WithAnIdAlreadyRegistered_ExitsOneNamingIt()
    {
        string[] add = ["dataset", "add", "--data-dir", _dataDir, "--id", "bcw", "--tags", "t", "--csv", Csv, "--target", "diagnosis"];
        Assert.Equal(0, (await Node(add)).ExitCode);

        var again = await Node(add);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("a dataset with id 'bcw' is already registered", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file '/nonexistent/data.csv' does not exist", "--csv", "/nonexistent/data.csv", "--target", "y")]
    [InlineData("option --target is required", "--csv", "CSV")]
    [InlineData("dataset add needs one of --csv, --idx or --images")]
    [InlineData("--images: folder '/nonexistent/images' does not exist", "--images", "/nonexistent/images")]
    [InlineData("unknown option --label", "--csv", "CSV", "--target", "diagnosis", "--label", "x")]
    public async Task DatasetAdd_WithBadOptions_ExitsTwoNamingTheProblem_AndRegistersNothing(string message, params string[] source)
    {
        var run = await Node(["dataset", "add", "--data-dir", _dataDir, "--id", "bcw", "--tags", "t", .. source.Select(a => a == "CSV" ? Csv : a)]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {message}", run.Error, StringComparison.Ordinal);
        Assert.Equal("", (await Node("dataset", "list", "--data-dir", _dataDir)).Output);
    }

    [Fact]
    public async Task DatasetRemove_RemovesOnce_ThenExitsTwoForTheUnknownId()
    {
        await Node("dataset", "add", "--data-dir", _dataDir, "--id", "bcw", "--tags", "t", "--csv", Csv, "--target", "diagnosis");

        var remove = await Node("dataset", "remove", "--data-dir", _dataDir, "bcw");
        var again = await Node("dataset", "remove", "--data-dir", _dataDir, "bcw");

        Assert.Equal((0, "removed dataset 'bcw'"), (remove.ExitCode, remove.Output.Trim()));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no dataset with id 'bcw'", again.Error, StringComparison.Ordinal);
        Assert.Equal("", (await Node("dataset", "list", "--data-dir", _dataDir)).Output);
    }

    [Fact]
    public async Task DatasetCommands_WithoutDataDir_ExitTwoAskingForIt()
    {
        var run = await Node("dataset", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("option --data-dir is required", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlansList_ShowsAPlanTheResearcherAskedFor_AsPending()
    {
        ResearcherAsksFor("ab12", """{"p":1}""");

        var list = await Node("plans", "list", "--data-dir", _dataDir);

        Assert.Equal(0, list.ExitCode);
        var fields = list.Output.Trim().Split('\t');
        Assert.Equal(("ab12", "Pending", """{"p":1}"""), (fields[0], fields[1], fields[3]));
    }

    [Theory]
    [InlineData("approve", "approved", PlanStatus.Approved)]
    [InlineData("reject", "rejected", PlanStatus.Rejected)]
    public async Task PlansDecision_OnAPendingPlan_IsStoredAndListed(string verb, string word, PlanStatus status)
    {
        ResearcherAsksFor("ab12", """{"p":1}""");

        var decide = await Node("plans", verb, "--data-dir", _dataDir, "ab12");

        Assert.Equal((0, $"plan ab12: {word}"), (decide.ExitCode, decide.Output.Trim()));
        Assert.Equal(status, StatusOf("ab12"));
        Assert.Contains($"ab12\t{status}\t", (await Node("plans", "list", "--data-dir", _dataDir)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlansApprove_ForAHashNeverSeen_ExitsTwoExplainingWhenPlansAppear()
    {
        var run = await Node("plans", "approve", "--data-dir", _dataDir, "ffff");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no plan with hash 'ffff' has been seen by this node", run.Error, StringComparison.Ordinal);
        Assert.Null(StatusOf("ffff"));
    }

    [Fact]
    public async Task PlansApprove_WithoutAHash_ExitsTwoAskingForIt()
    {
        var run = await Node("plans", "approve", "--data-dir", _dataDir);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("plans approve needs the plan hash", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_PrintsTheSamePublicKeyEachTime()
    {
        var first = await Node("identity", "--data-dir", _dataDir, "--id", "hospital-a");
        var second = await Node("identity", "--data-dir", _dataDir, "--id", "hospital-a");

        Assert.Equal(0, first.ExitCode);
        Assert.Matches("^hospital-a [0-9a-f]{64}$", first.Output.Trim());
        Assert.Equal(first.Output, second.Output);
    }
}
