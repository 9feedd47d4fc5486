namespace FedBioMed.Cli.Tests.Commands;

/// <summary>
/// How `fedbiomed node start` layers its settings: file, then FEDBIOMED_ environment variables, then the
/// command line. Every case here ends in a validation error naming the winning value, so no node is left running.
/// </summary>
public sealed class NodeStartCommandTests : IDisposable
{
    private const string UrlVariable = "FEDBIOMED_Node__ResearcherUrl";
    private readonly string _dir = Directory.CreateTempSubdirectory("fedbiomed-node-start-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(UrlVariable, null);
        Directory.Delete(_dir, recursive: true);
    }

    private string SettingsFile(string researcherUrl)
    {
        var path = Path.Combine(_dir, "node.json");
        File.WriteAllText(path, $$"""{ "Node": { "NodeId": "hospital-a", "ResearcherUrl": "{{researcherUrl}}", "DataDirectory": "{{_dir}}" } }""");
        return path;
    }

    /// <summary>Runs `node start`, failing rather than hanging if the node, against expectation, starts.</summary>
    private static async Task<CliRun> StartAsync(params string[] args) =>
        await CliRun.RunAsync(["node", "start", .. args]).WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task WithAMissingConfigFile_ExitsTwoAskingForAnExistingOne()
    {
        var run = await StartAsync("--config", Path.Combine(_dir, "missing.json"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--config needs an existing settings file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValueInTheFile_ExitsOneNamingTheSettingAndValue()
    {
        var run = await StartAsync("--config", SettingsFile("file-not-a-url"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Node:ResearcherUrl 'file-not-a-url'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentVariable_OverridesTheFile_AndTheCommandLineOverridesBoth()
    {
        Environment.SetEnvironmentVariable(UrlVariable, "env-not-a-url");

        var fromEnvironment = await StartAsync("--config", SettingsFile("http://127.0.0.1:1"));
        var fromCommandLine = await StartAsync("--config", SettingsFile("http://127.0.0.1:1"), "--Node:ResearcherUrl=cli-not-a-url");

        Assert.Contains("Node:ResearcherUrl 'env-not-a-url'", fromEnvironment.Error, StringComparison.Ordinal);
        Assert.Contains("Node:ResearcherUrl 'cli-not-a-url'", fromCommandLine.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAConfigFile_StillReadsTheFedBioMedEnvironmentVariables()
    {
        Environment.SetEnvironmentVariable(UrlVariable, "env-not-a-url");

        var run = await StartAsync("--Node:NodeId=hospital-a", $"--Node:DataDirectory={_dir}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Node:ResearcherUrl 'env-not-a-url'", run.Error, StringComparison.Ordinal);
    }
}
