using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>Keeps every log entry of a host, so a test can wait for an event the code reports only by logging.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _entries = new();

    public int Count(int eventId) => _entries.Count(e => e.EventId == eventId);

    public IEnumerable<string> Messages(int eventId) => _entries.Where(e => e.EventId == eventId).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder._entries.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
