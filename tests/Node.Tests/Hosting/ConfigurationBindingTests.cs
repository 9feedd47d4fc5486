using FedBioMed.Federation;
using FedBioMed.Node.Hosting;
using FedBioMed.Node.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Node.Tests.Hosting;

/// <summary>
/// AddFedBioMedNode(IConfiguration) reads the "Node" section the way `fedbiomed node start` layers it:
/// settings file, then FEDBIOMED_-prefixed environment variables, then the command line.
/// </summary>
public sealed class ConfigurationBindingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    // A prefix of its own, so the real environment variables this test sets meet no other test's.
    private readonly string _envPrefix = $"FEDBIOMED_TEST_{Guid.NewGuid():N}_";
    private readonly List<string> _envSet = [];

    public void Dispose()
    {
        foreach (var name in _envSet) Environment.SetEnvironmentVariable(name, null);
        _dir.Dispose();
    }

    private void SetEnv(string key, string value)
    {
        var name = _envPrefix + key;
        _envSet.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    private string SettingsFile(string json)
    {
        var path = _dir.File("appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }

    private IConfiguration Layered(string settingsFile, params string[] commandLine) =>
        new ConfigurationBuilder()
            .AddJsonFile(settingsFile, optional: false)
            .AddEnvironmentVariables(_envPrefix)
            .AddCommandLine(commandLine)
            .Build();

    private static NodeOptions Bound(IConfiguration configuration) =>
        new ServiceCollection().AddFedBioMedNode(configuration).BuildServiceProvider().GetRequiredService<NodeOptions>();

    [Fact]
    public void EachSetting_ComesFromTheLastSourceThatSetsIt_FileThenEnvironmentThenCommandLine()
    {
        var file = SettingsFile("""
            {
              "Node": {
                "NodeId": "from-file",
                "ResearcherUrl": "http://file.example:1",
                "DataDirectory": "/file/data",
                "RosterPath": "/file/roster.json",
                "RequirePlanApproval": false,
                "ValidationFraction": 0.25,
                "ReconnectDelay": "00:00:02",
                "Device": "Auto"
              }
            }
            """);
        SetEnv("Node__ResearcherUrl", "http://env.example:2");
        SetEnv("Node__DataDirectory", "/env/data");
        SetEnv("Node__MaxReconnectDelay", "00:01:00");

        var options = Bound(Layered(file, "--Node:DataDirectory=/cli/data", "--Node:MaxPayloadBytes", "4096"));

        Assert.Equal("from-file", options.NodeId);
        Assert.Equal("/file/roster.json", options.RosterPath);
        Assert.False(options.RequirePlanApproval);
        Assert.Equal(0.25, options.ValidationFraction);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReconnectDelay);
        Assert.Equal(DeviceOption.Auto, options.Device);
        Assert.Equal("http://env.example:2", options.ResearcherUrl); // environment beats the file
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxReconnectDelay);
        Assert.Equal("/cli/data", options.DataDirectory); // command line beats both
        Assert.Equal(4096, options.MaxPayloadBytes);
    }

    [Fact]
    public void SettingsLeftOut_KeepTheirDocumentedDefaults()
    {
        var file = SettingsFile("""{ "Node": { "NodeId": "n", "ResearcherUrl": "http://r:1" } }""");

        var options = Bound(Layered(file));

        var defaults = new NodeOptions();
        Assert.Equal(
            (defaults.DataDirectory, defaults.RosterPath, true, 0.2, 1L << 30, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), DeviceOption.Cpu),
            (options.DataDirectory, options.RosterPath, options.RequirePlanApproval, options.ValidationFraction, options.MaxPayloadBytes, options.ReconnectDelay, options.MaxReconnectDelay, options.Device));
    }

    [Fact]
    public void AuditAndPrometheusSettings_BindFromTheNodeSection_AndTheRunIdStaysOptional()
    {
        var file = SettingsFile("""{ "Node": { "NodeId": "n", "ResearcherUrl": "http://r:1", "AuditDirectory": "/var/audit" } }""");

        var options = Bound(Layered(file, "--Node:Telemetry:Prometheus=true", "--Node:Telemetry:PrometheusUrl=http://127.0.0.1:9500/"));

        Assert.Equal(("/var/audit", null), (options.AuditDirectory, options.AuditRunId));
        Assert.True(options.Telemetry!.Prometheus);
        Assert.Equal(("127.0.0.1", 9500), options.Telemetry.PrometheusListener());
        Assert.Equal("/metrics", options.Telemetry.PrometheusPath);
    }

    [Fact]
    public void BadValueFromAnySource_IsRefusedAtRegistration_NamingTheSetting()
    {
        var file = SettingsFile("""{ "Node": { "NodeId": "n", "ResearcherUrl": "http://r:1" } }""");
        SetEnv("Node__ResearcherUrl", "not a url");

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddFedBioMedNode(Layered(file)));

        Assert.Contains("Node:ResearcherUrl 'not a url'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsOutsideTheNodeSection_AreNotBound()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["NodeId"] = "top-level", ["ResearcherUrl"] = "http://r:1" })
            .Build();

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddFedBioMedNode(configuration));

        Assert.Contains("Node:NodeId", error.Message, StringComparison.Ordinal);
    }
}
