using Microsoft.Extensions.Logging;

namespace FedBioMed.Node;

/// <summary>Source-generated log messages of the node, with stable event ids.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(2001, LogLevel.Information, "Node {NodeId} connected to {Url}, admitted for run {RunId}")]
    public static partial void Connected(ILogger logger, string nodeId, string url, string runId);

    [LoggerMessage(2002, LogLevel.Warning, "Connection to {Url} failed ({Reason}); retrying in {Delay}")]
    public static partial void ConnectionFailed(ILogger logger, string url, string reason, TimeSpan delay);

    [LoggerMessage(2003, LogLevel.Warning, "Refused round {Round} of {ExperimentId}: {Reason}")]
    public static partial void Refused(ILogger logger, string experimentId, long round, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Trained round {Round} of {ExperimentId}: {Samples} samples, train loss {Loss:F4}")]
    public static partial void Trained(ILogger logger, string experimentId, long round, long samples, double loss);

    [LoggerMessage(2005, LogLevel.Information, "Round {Round} of {ExperimentId} ended: completed {Completed}, model {ModelHash}")]
    public static partial void RoundEnded(ILogger logger, string experimentId, long round, bool completed, string modelHash);

    [LoggerMessage(2007, LogLevel.Error, "Refused the researcher at {Url}: {Reason}")]
    public static partial void RunRefused(ILogger logger, string url, string reason);

    [LoggerMessage(2006, LogLevel.Information, "Node {NodeId} stopping")]
    public static partial void Stopping(ILogger logger, string nodeId);
}
