using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node.Hosting;

/// <summary>
/// The node as a hosted service: keeps one outbound connection to the researcher open, reconnecting
/// with exponential backoff. Stopping the host cancels the connection, which aborts any round in progress
/// and wipes its secrets.
/// </summary>
public sealed class NodeWorker(IServiceProvider services, NodeOptions options, TimeProvider time, ILogger<NodeWorker> logger) : BackgroundService
{
    /// <summary>A handler for the gRPC channel (tests); null uses the default sockets handler.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Federation.Telemetry.FederationTelemetry.RunAs(options.NodeId); // the connection's spans are this node's
        var delay = options.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var connection = services.GetRequiredService<NodeConnection>();
            var started = time.GetTimestamp();
            try
            {
                await connection.RunAsync(HttpHandler, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break; // the host is stopping: the cancelled call is expected
            }
            catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidDataException)
            {
                NodeLog.ConnectionFailed(logger, options.ResearcherUrl, ex.Message, delay);
            }
            // A connection that lasted a while resets the backoff; one that failed at once doubles it.
            if (time.GetElapsedTime(started) > options.MaxReconnectDelay) delay = options.ReconnectDelay;
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxReconnectDelay.Ticks));
        }
        NodeLog.Stopping(logger, options.NodeId);
        // The open audit trail is drained and closed with the node, not left to the container's disposal.
        if (services.GetService<Audit.NodeAuditTrails>() is { } trails) await trails.CloseAsync().ConfigureAwait(false);
    }
}
