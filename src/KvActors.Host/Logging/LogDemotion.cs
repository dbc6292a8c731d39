using Akka.Event;

namespace KvActors.Host.Logging;

/// <summary>
/// Which of Akka's routine messages an operator need not see at INFO or WARN. Every `kv` command is a client that
/// connects, asks and exits; Akka.Remote reports each exit as a failed association with an
/// EndpointDisassociatedException (WARN/ERROR with a stack trace) and an INFO about receive buffers. The server
/// logs its own one-line "Client connected/disconnected" instead (<see cref="ConnectionLog"/>). A forming cluster's
/// shard regions retry "No coordinator found to register" until the coordinator is up, which is normal on start.
/// All of these stay visible at DEBUG.
/// </summary>
public static class LogDemotion
{
    public static LogLevel LevelOf(LogEvent e)
    {
        var level = e.LogLevel();
        if (level == LogLevel.DebugLevel) return level;
        return IsRoutine(e) ? LogLevel.DebugLevel : level;
    }

    private static bool IsRoutine(LogEvent e)
    {
        if (e.Cause is { } cause && IsDisassociation(cause)) return true;
        var message = e.Message?.ToString() ?? "";
        return message.Contains("No coordinator found to register", StringComparison.Ordinal) ||
               message.StartsWith("Removing receive buffers", StringComparison.Ordinal) ||
               (message.StartsWith("Association with remote system", StringComparison.Ordinal) && message.Contains("Disassociated", StringComparison.Ordinal));
    }

    private static bool IsDisassociation(Exception cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            var name = e.GetType().Name;
            if (name is "EndpointDisassociatedException" or "ShutDownAssociation" or "InvalidAssociationException") return true;
        }

        return false;
    }
}
