using System.Text;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace KvActors.Host.Logging;

/// <summary>
/// The server's only log sink: one line per event on stdout, <c>HH:mm:ss.fff LEVEL source: message</c>, one
/// timestamp, no thread or date noise, and an exception as its type and message (its stack trace only at DEBUG).
/// Routine remoting chatter (a client's association failing as it exits, receive buffers removed, sharding's
/// "No coordinator found to register" while a cluster forms) is demoted to DEBUG by <see cref="LogDemotion"/>.
/// </summary>
public sealed class ConsoleLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly object Gate = new();
    private readonly LogLevel _minimum;

    public ConsoleLogger()
    {
        _minimum = LogLevels.Parse(Context.System.Settings.LogLevel);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var level = LogDemotion.LevelOf(e);
        if (level < _minimum) return;
        var line = Format(e, level, withStackTrace: _minimum == LogLevel.DebugLevel);
        lock (Gate) Console.Out.WriteLine(line);
    }

    public static string Format(LogEvent e, LogLevel level, bool withStackTrace)
    {
        var text = new StringBuilder(128)
            .Append(e.Timestamp.ToLocalTime().ToString("HH:mm:ss.fff"))
            .Append(' ')
            .Append(LogLevels.Name(level).PadRight(5))
            .Append(' ')
            .Append(ShortSource(e.LogSource))
            .Append(": ")
            .Append(OneLine(e.Message?.ToString() ?? ""));
        if (e.Cause is { } cause)
        {
            var root = cause.GetBaseException();
            text.Append(" (").Append(root.GetType().Name).Append(": ").Append(OneLine(root.Message)).Append(')');
            if (withStackTrace) text.Append(' ').Append(OneLine(cause.ToString()));
        }

        return text.ToString();
    }

    // "akka.tcp://kv@127.0.0.1:4053/user/kv/partition-0/store" -> "/user/kv/partition-0/store";
    // "remoting (akka://kv)" -> "remoting".
    private static string ShortSource(string? source)
    {
        if (string.IsNullOrEmpty(source)) return "kv";
        var scheme = source.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !source.Contains(' '))
        {
            var path = source.IndexOf('/', scheme + 3);
            if (path > 0) return source[path..];
        }

        var paren = source.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 ? source[..paren] : source;
    }

    private static string OneLine(string text) =>
        text.Contains('\n') ? text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ') : text;
}

/// <summary>Akka's log level names as the operator writes them (<c>--log-level debug|info|warning|error</c>).</summary>
public static class LogLevels
{
    /// <summary>The Akka configuration name of <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Not a level.</exception>
    public static string ToAkka(string name) => name.Trim().ToLowerInvariant() switch
    {
        "debug" => "DEBUG",
        "info" => "INFO",
        "warn" or "warning" => "WARNING",
        "error" => "ERROR",
        "off" => "OFF",
        _ => throw new ArgumentException($"--log-level must be debug, info, warning, error or off, not '{name}'"),
    };

    public static LogLevel Parse(string akkaName) => akkaName.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.DebugLevel,
        "INFO" => LogLevel.InfoLevel,
        "WARNING" => LogLevel.WarningLevel,
        "ERROR" => LogLevel.ErrorLevel,
        _ => (LogLevel)int.MaxValue,
    };

    public static string Name(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARN",
        _ => "ERROR",
    };
}
