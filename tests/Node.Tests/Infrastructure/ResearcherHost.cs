using System.Net;
using System.Net.Sockets;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Researcher;
using FedBioMed.Researcher.Hosting;
using FedBioMed.Researcher.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>A real researcher: Kestrel on 127.0.0.1 with HTTP/2 only, as `fedbiomed researcher run` hosts it.</summary>
internal sealed class ResearcherHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ResearcherHost(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public NodeRegistry Registry => _app.Services.GetRequiredService<NodeRegistry>();

    /// <summary>A port nothing listens on right now, so a node can be pointed at a researcher that does not exist yet.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A slim host builder for a gRPC server on 127.0.0.1:<paramref name="port"/>, HTTP/2 only, logging warnings and worse.</summary>
    public static WebApplicationBuilder LoopbackBuilder(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        return builder;
    }

    public static async Task<ResearcherHost> StartAsync(Roster roster, int port, ResearcherOptions? options = null)
    {
        var builder = LoopbackBuilder(port);
        builder.Services.AddFedBioMedResearcher(options ?? new ResearcherOptions(), roster);
        var app = builder.Build();
        app.MapFedBioMedResearcher();
        await app.StartAsync();
        return new ResearcherHost(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
