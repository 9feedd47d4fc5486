namespace FedBioMed.Cli.Tests.Commands;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_ExitsZero_AndListsEveryCommand(string flag)
    {
        var run = await CliRun.RunAsync(flag);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        foreach (var command in new[] { "fedbiomed demo", "fedbiomed node start", "fedbiomed node identity", "fedbiomed node dataset add", "fedbiomed node dataset list", "fedbiomed node plans list", "fedbiomed node plans approve", "fedbiomed researcher run" })
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoArguments_PrintsTheHelp()
    {
        var run = await CliRun.RunAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("fedbiomed researcher run", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown command 'train --fast'", "train", "--fast")]
    [InlineData("unknown node command 'datasets list'", "node", "datasets", "list")]
    [InlineData("unknown researcher command 'start'", "researcher", "start")]
    public async Task UnknownCommand_ExitsTwo_NamingItAndPointingToHelp(string message, params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {message}", run.Error, StringComparison.Ordinal);
        Assert.Contains("fedbiomed --help", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("option --rounds: 'zero' must be an integer of at least 1", "--rounds", "zero")]
    [InlineData("option --rounds: '0' must be an integer of at least 1", "--rounds", "0")]
    [InlineData("option --nodes: '1' must be an integer of at least 2", "--nodes", "1")]
    [InlineData("option --rounds needs a value", "--rounds")]
    [InlineData("option --rounds is given twice", "--rounds", "2", "--rounds", "3")]
    [InlineData("unknown option --round", "--round", "3")]
    public async Task Demo_WithBadOptions_ExitsTwoNamingTheOption_BeforeStartingAnything(string message, params string[] options)
    {
        var run = await CliRun.RunAsync(["demo", .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {message}", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output); // failed before the demo printed its banner
    }
}
