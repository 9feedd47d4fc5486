namespace FedBioMed.Node.Tests;

public sealed class NodeOptionsTests
{
    private static readonly NodeOptions Valid = new() { NodeId = "hospital-a", ResearcherUrl = "http://127.0.0.1:50051", DataDirectory = "/tmp/node" };

    [Fact]
    public void Validate_CompleteOptions_Passes()
    {
        Valid.Validate();
        (Valid with { ResearcherUrl = "https://researcher.example:443" }).Validate();
    }

    [Theory]
    [InlineData("no-node-id", "Node:NodeId")]
    [InlineData("blank-node-id", "Node:NodeId")]
    [InlineData("no-url", "Node:ResearcherUrl")]
    [InlineData("relative-url", "Node:ResearcherUrl")]
    [InlineData("ftp-url", "Node:ResearcherUrl")]
    [InlineData("no-data-directory", "Node:DataDirectory")]
    [InlineData("validation-zero", "Node:ValidationFraction")]
    [InlineData("validation-one", "Node:ValidationFraction")]
    [InlineData("validation-nan", "Node:ValidationFraction")]
    [InlineData("payload-zero", "Node:MaxPayloadBytes")]
    [InlineData("reconnect-zero", "Node:ReconnectDelay")]
    [InlineData("reconnect-above-max", "Node:MaxReconnectDelay")]
    [InlineData("run-id-path", "Node:AuditRunId")]
    [InlineData("run-id-blank", "Node:AuditRunId")]
    [InlineData("prometheus-url-path", "Telemetry:PrometheusUrl")]
    [InlineData("prometheus-url-https", "Telemetry:PrometheusUrl")]
    public void Validate_BadSetting_ThrowsNamingTheSetting(string change, string setting)
    {
        var options = change switch
        {
            "no-node-id" => Valid with { NodeId = "" },
            "blank-node-id" => Valid with { NodeId = "  " },
            "no-url" => Valid with { ResearcherUrl = "" },
            "relative-url" => Valid with { ResearcherUrl = "researcher:50051/x" },
            "ftp-url" => Valid with { ResearcherUrl = "ftp://researcher" },
            "no-data-directory" => Valid with { DataDirectory = "" },
            "validation-zero" => Valid with { ValidationFraction = 0 },
            "validation-one" => Valid with { ValidationFraction = 1 },
            "validation-nan" => Valid with { ValidationFraction = double.NaN },
            "payload-zero" => Valid with { MaxPayloadBytes = 0 },
            "reconnect-zero" => Valid with { ReconnectDelay = TimeSpan.Zero },
            "reconnect-above-max" => Valid with { ReconnectDelay = TimeSpan.FromMinutes(2), MaxReconnectDelay = TimeSpan.FromMinutes(1) },
            "run-id-path" => Valid with { AuditDirectory = "/tmp/audit", AuditRunId = "../other" },
            "run-id-blank" => Valid with { AuditRunId = " " },
            "prometheus-url-path" => Valid with { Telemetry = new() { Prometheus = true, PrometheusUrl = "http://127.0.0.1:9464/metrics" } },
            "prometheus-url-https" => Valid with { Telemetry = new() { Prometheus = true, PrometheusUrl = "https://127.0.0.1:9464/" } },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AuditWithoutARunId_Passes_TheResearcherGivesIt()
    {
        (Valid with { AuditDirectory = "/tmp/audit" }).Validate();
        (Valid with { AuditDirectory = "/tmp/audit", AuditRunId = "run-2024.06_a" }).Validate();
    }

    [Fact]
    public void Validate_PrometheusListener_TakesLoopbackByDefault_AndEveryInterfaceWhenAsked()
    {
        var telemetry = new Federation.Telemetry.TelemetryOptions { Prometheus = true };
        (Valid with { Telemetry = telemetry }).Validate();
        Assert.Equal(("127.0.0.1", 9464), telemetry.PrometheusListener());
        Assert.Equal(("+", 9100), (telemetry with { PrometheusUrl = "http://+:9100/" }).PrometheusListener());
        Assert.Equal(("localhost", 9100), (telemetry with { PrometheusUrl = "http://localhost:9100" }).PrometheusListener());
    }

    [Fact]
    public void Validate_BadUrl_QuotesTheValue()
    {
        var error = Assert.Throws<ArgumentException>((Valid with { ResearcherUrl = "researcher:50051/x" }).Validate);

        Assert.Contains("'researcher:50051/x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolvedRosterPath_DefaultsToTheDataDirectory()
    {
        Assert.Equal(Path.Combine("/tmp/node", "roster.json"), Valid.ResolvedRosterPath);
        Assert.Equal("/etc/roster.json", (Valid with { RosterPath = "/etc/roster.json" }).ResolvedRosterPath);
    }
}
