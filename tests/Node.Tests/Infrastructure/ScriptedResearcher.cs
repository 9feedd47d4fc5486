using System.Collections.Concurrent;
using FedBioMed.Federation.Wire;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>
/// A researcher that follows a script instead of the protocol (a hostile or broken one): it sends the welcome,
/// reads the hello, then sends whatever <see cref="AfterHello"/> says, and keeps what the node sends back.
/// </summary>
internal sealed class ScriptedResearcher : FederationService.FederationServiceBase, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The envelope sent in answer to the hello.</summary>
    public required ResearcherEnvelope AfterHello { get; init; }

    /// <summary>Every envelope the node sent after its hello.</summary>
    public ConcurrentQueue<NodeEnvelope> Received { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<ScriptedResearcher> StartAsync(ResearcherEnvelope afterHello)
    {
        var researcher = new ScriptedResearcher { AfterHello = afterHello };
        var port = ResearcherHost.FreePort();
        var builder = ResearcherHost.LoopbackBuilder(port);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(researcher);
        researcher._app = builder.Build();
        researcher._app.MapGrpcService<ScriptedResearcher>();
        await researcher._app.StartAsync();
        researcher.Url = $"http://127.0.0.1:{port}";
        return researcher;
    }

    public override async Task Connect(IAsyncStreamReader<NodeEnvelope> requestStream, IServerStreamWriter<ResearcherEnvelope> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(new ResearcherEnvelope
        {
            Welcome = new Welcome { ResearcherId = "researcher", Challenge = Google.Protobuf.ByteString.CopyFrom(new byte[32]) },
        });
        if (!await requestStream.MoveNext(context.CancellationToken)) return;
        await responseStream.WriteAsync(AfterHello);
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken)) Received.Enqueue(requestStream.Current);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The node left.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
