using Microsoft.Extensions.Logging;

namespace FedBioMed.Researcher;

/// <summary>Source-generated log messages of the researcher, with stable event ids.</summary>
internal static partial class ResearcherLog
{
    [LoggerMessage(1001, LogLevel.Information, "Node {NodeId} connected with {DatasetCount} datasets")]
    public static partial void NodeConnected(ILogger logger, string nodeId, int datasetCount);

    [LoggerMessage(1002, LogLevel.Information, "Node {NodeId} disconnected")]
    public static partial void NodeDisconnected(ILogger logger, string nodeId);

    [LoggerMessage(1003, LogLevel.Information, "Stream of node {NodeId} ended abruptly: {Reason}")]
    public static partial void StreamFailed(ILogger logger, string nodeId, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Node {NodeId} refused the session ({Code}): {Reason}")]
    public static partial void NodeRefusedSession(ILogger logger, string nodeId, string code, string reason);

    [LoggerMessage(1005, LogLevel.Warning, "Node {NodeId} stopped reading its stream: a message waited {Seconds} s for room in its queue, so the node was dropped")]
    public static partial void NodeSendTimedOut(ILogger logger, string nodeId, double seconds);

    [LoggerMessage(1010, LogLevel.Information, "Experiment {ExperimentId} round {Round}: {Participants} participants, {Dropped} dropped, accuracy {Accuracy:F4}")]
    public static partial void RoundCompleted(ILogger logger, string experimentId, long round, int participants, int dropped, double accuracy);

    [LoggerMessage(1011, LogLevel.Warning, "Experiment {ExperimentId} round {Round} aborted: {Reason}")]
    public static partial void RoundAborted(ILogger logger, string experimentId, long round, string reason);

    [LoggerMessage(1012, LogLevel.Warning, "Node {NodeId} refused round {Round}: {Reason}")]
    public static partial void NodeRefused(ILogger logger, string nodeId, long round, string reason);

    [LoggerMessage(1013, LogLevel.Debug, "Ignored {Body} from {NodeId}: it belongs to no stage in progress")]
    public static partial void Ignored(ILogger logger, string nodeId, string body);
}
